// The auditors' callables through the shared operation wrapper, on the emulator: the
// policy lets auditors in and keeps PHI roles out, every call leaves one audit event, and
// the replies hold audit data only.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  queryDefinition,
  reportDefinition,
  verifyDefinition,
} from "../../../src/audit/callables.ts";
import { trailDeps } from "../../../src/audit/deps.ts";
import { FirestoreAuditRecorder } from "../../../src/audit/recorder.ts";
import { sealAll } from "../../../src/audit/sealer.ts";
import { runOperation, type OperationDeps } from "../../../src/http/callable.ts";
import type { Profile, RequestFacts } from "../../../src/identity/guard.ts";
import { MemoryRateLimiter } from "../../../src/limits/limiter.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { frontDeskRead } from "../../support/auditFixtures.ts";
import { useDemoParams } from "../../support/demoParams.ts";

useDemoParams();
// This file's own local Cloud Logging, so that seals of other files do not meet ours.
process.env.CLOUD_LOGGING_LOCAL_FILE = join(
  mkdtempSync(join(tmpdir(), "audit-callables-")),
  "log.jsonl",
);

const profiles: Record<string, Profile> = {
  "u-auditor": { active: true, role: "auditor", practiceId: "1" },
  "u-admin": { active: true, role: "admin", practiceId: "1" },
  "u-staff": { active: true, role: "staff", practiceId: "1" },
};

function facts(uid: string): RequestFacts {
  const role = profiles[uid]!.role;
  return {
    uid,
    token: {
      role,
      practiceId: "1",
      auth_time: Math.floor(Date.now() / 1000) - 60,
      firebase: { sign_in_second_factor: "phone" },
    },
    hasAppCheck: true,
    ip: "203.0.113.7",
    userAgent: "vitest",
  };
}

function deps(): OperationDeps {
  return {
    recorder: new FirestoreAuditRecorder(adminDb()),
    lookups: {
      profile: (uid) => Promise.resolve(profiles[uid]),
      lockdownActive: () => Promise.resolve(false),
    },
    limiter: new MemoryRateLimiter(() => Date.now()),
    limits: {
      standard: { limit: 100, windowSeconds: 60 },
      search: { limit: 100, windowSeconds: 60 },
      authFailures: { limit: 100, windowSeconds: 900 },
    },
    guardSettings: (now) => ({
      enforceAppCheck: false,
      maxSessionAgeMinutes: 720,
      now: Math.floor(now / 1000),
    }),
    patientAccess: () => Promise.reject(new Error("auditors open no patient")),
    now: () => Date.now(),
  };
}

let requests = 0;
function run<T>(definition: T, uid: string, data: unknown) {
  requests += 1;
  return runOperation(
    definition as never,
    { facts: facts(uid), data, requestId: `call-${requests}` },
    deps(),
  );
}

async function eventsOf(requestId: string) {
  const snapshot = await adminDb()
    .collection("auditEvents")
    .where("source.requestId", "==", requestId)
    .get();
  return snapshot.docs.map((doc) => doc.data());
}

const seededIds: string[] = [];

beforeAll(async () => {
  await clearFirestore();
  const recorder = new FirestoreAuditRecorder(adminDb());
  for (let i = 0; i < 6; i++) {
    seededIds.push(
      await recorder.record(frontDeskRead({ patientIds: [`patient-${i}`] })),
    );
  }
  await sealAll({ ...trailDeps(), settleDelayMs: 0 });
});

describe("verifyAuditTrail (callable core)", () => {
  it("lets an auditor verify the trail, and records the call once", async () => {
    const reply = (await run(verifyDefinition, "u-auditor", {})) as Record<
      string,
      unknown
    >;
    expect(reply).toMatchObject({ ok: true, eventsChecked: 6, problems: [] });
    expect(Object.keys(reply).sort()).toEqual([
      "eventsChecked",
      "ok",
      "problems",
      "sealsChecked",
      "verifiedAt",
    ]);
    const events = await eventsOf(`call-${requests}`);
    expect(events).toEqual([
      expect.objectContaining({
        action: "execute",
        outcome: "success",
        agent: expect.objectContaining({ uid: "u-auditor", role: "auditor" }),
        entity: expect.objectContaining({ type: "audit" }),
        purposeOfUse: "HCOMPL",
      }),
    ]);
  });

  it("refuses a front-desk user, recording the denial", async () => {
    await expect(run(verifyDefinition, "u-staff", {})).rejects.toMatchObject({
      code: "permission-denied",
    });
    expect(await eventsOf(`call-${requests}`)).toEqual([
      expect.objectContaining({
        outcome: "denied",
        agent: expect.objectContaining({ uid: "u-staff" }),
      }),
    ]);
  });

  it("refuses a period longer than the limit as invalid-argument", async () => {
    await expect(
      run(verifyDefinition, "u-auditor", {
        from: "2026-01-01T00:00:00Z",
        to: "2026-03-01T00:00:00Z",
      }),
    ).rejects.toMatchObject({ code: "invalid-argument" });
  });
});

describe("queryAuditEvents (callable core)", () => {
  it("answers an auditor's query by patient with audit data only", async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const reply = (await run(queryDefinition, "u-auditor", {
      by: "patient",
      value: "patient-3",
      from,
      to,
    })) as { events: Array<Record<string, unknown>>; nextCursor: string | null };
    expect(reply.events).toHaveLength(1);
    expect(reply.events[0]).toMatchObject({
      id: seededIds[3],
      patientIds: ["patient-3"],
    });
    expect(reply.nextCursor).toBeNull();
  });

  it("refuses a malformed query naming the field", async () => {
    await expect(
      run(queryDefinition, "u-auditor", { by: "user", from: "yesterday", to: "today" }),
    ).rejects.toMatchObject({ code: "invalid-argument", details: { field: "from" } });
  });
});

describe("getComplianceReport (callable core)", () => {
  it("renders today's report as CSV, HTML or JSON for an auditor or an admin", async () => {
    const today = new Date().toLocaleDateString("en-CA", { timeZone: "America/Chicago" });
    const csv = (await run(reportDefinition, "u-auditor", {
      from: today,
      to: today,
      format: "csv",
    })) as { body: string; contentType: string; totals: { events: number } };
    expect(csv.contentType).toBe("text/csv; charset=utf-8");
    expect(csv.body.trimEnd().split("\r\n").length - 1).toBe(csv.totals.events);

    const html = (await run(reportDefinition, "u-admin", { from: today, to: today })) as {
      body: string;
    };
    expect(html.body).toContain("<svg");
    const json = (await run(reportDefinition, "u-auditor", {
      from: today,
      to: today,
      format: "json",
    })) as { body: string; totals: { events: number } };
    expect((JSON.parse(json.body) as { totals: { events: number } }).totals.events).toBe(
      json.totals.events,
    );
  });
});

describe("verifyAuditTrail after tampering", () => {
  it("names the deleted event in its problems", async () => {
    await adminDb().doc(`auditEvents/${seededIds[2]}`).delete();
    const reply = (await run(verifyDefinition, "u-auditor", {})) as {
      ok: boolean;
      problems: Array<{ kind: string; eventId: string | null }>;
    };
    expect(reply.ok).toBe(false);
    expect(reply.problems).toEqual([
      expect.objectContaining({ kind: "deleted", eventId: seededIds[2] }),
    ]);
  });
});
