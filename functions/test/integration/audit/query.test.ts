import { beforeAll, describe, expect, it } from "vitest";
import {
  auditQueryInput,
  InvalidPageTokenError,
  queryAuditEvents,
  type AuditQuery,
} from "../../../src/audit/query.ts";
import { FirestoreAuditRecorder } from "../../../src/audit/recorder.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { deniedRead, frontDeskRead } from "../../support/auditFixtures.ts";

const from = new Date(Date.now() - 3_600_000).toISOString();
const to = new Date(Date.now() + 3_600_000).toISOString();

function query(fields: Partial<AuditQuery>): AuditQuery {
  return auditQueryInput.parse({ by: "period", from, to, ...fields });
}

beforeAll(async () => {
  await clearFirestore();
  const recorder = new FirestoreAuditRecorder(adminDb());
  for (let i = 0; i < 12; i++) {
    await recorder.record(
      frontDeskRead({
        agent: { uid: `u-${i % 3}`, role: "staff", kind: "user", breakGlass: false },
        patientIds: [`patient-${i % 4}`],
      }),
    );
  }
  await recorder.record(deniedRead("u-9"));
});

describe("queryAuditEvents (on the emulator)", () => {
  it("finds who saw a patient", async () => {
    const page = await queryAuditEvents(
      adminDb(),
      query({ by: "patient", value: "patient-1" }),
    );
    expect(page.events).toHaveLength(3);
    for (const event of page.events) expect(event.patientIds).toContain("patient-1");
  });

  it("finds what a user did, newest first", async () => {
    const page = await queryAuditEvents(adminDb(), query({ by: "user", value: "u-0" }));
    expect(page.events).toHaveLength(4);
    const times = page.events.map((e) => e.recorded);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("finds the denials", async () => {
    const page = await queryAuditEvents(
      adminDb(),
      query({ by: "outcome", value: "denied" }),
    );
    expect(page.events.map((e) => e.agent.uid)).toEqual(["u-9"]);
  });

  it("pages through a period without losing or repeating an event", async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await queryAuditEvents(
        adminDb(),
        query({ limit: 5, ...(pageToken ? { pageToken } : {}) }),
      );
      seen.push(...page.events.map((e) => e.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);
  });

  it("finds nothing outside the time range", async () => {
    const page = await queryAuditEvents(
      adminDb(),
      auditQueryInput.parse({
        by: "period",
        from: "2020-01-01T00:00:00Z",
        to: "2020-01-02T00:00:00Z",
      }),
    );
    expect(page.events).toEqual([]);
  });

  it("refuses a page token it did not issue", async () => {
    await expect(
      queryAuditEvents(adminDb(), query({ pageToken: "bm90LWEtdG9rZW4" })),
    ).rejects.toBeInstanceOf(InvalidPageTokenError);
  });
});

describe("auditQueryInput", () => {
  it("needs a value for every kind but a period, and a known outcome", () => {
    expect(auditQueryInput.safeParse({ by: "user", from, to }).success).toBe(false);
    expect(
      auditQueryInput.safeParse({ by: "outcome", value: "maybe", from, to }).success,
    ).toBe(false);
    expect(auditQueryInput.safeParse({ by: "period", from: to, to: from }).success).toBe(
      false,
    );
    expect(
      auditQueryInput.safeParse({ by: "period", from, to, limit: 501 }).success,
    ).toBe(false);
  });
});
