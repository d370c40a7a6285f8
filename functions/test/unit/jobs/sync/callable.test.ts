import type { Firestore } from "firebase-admin/firestore";
import { HttpsError } from "firebase-functions/https";
import { describe, expect, it } from "vitest";
import { runOperation } from "../../../../src/http/callable.ts";
import { syncScheduleOperation } from "../../../../src/jobs/sync/callable.ts";
import type { SyncDeps } from "../../../../src/jobs/sync/run.ts";
import type { ScheduleSource } from "../../../../src/jobs/sync/source.ts";
import { KeptEvents, NOW_MS, operationDeps, requestFrom } from "./operation.ts";

/** Deps whose Firestore and Tebra fail the test if touched: these calls must stop early. */
function untouchable(): SyncDeps {
  const refuse = () => {
    throw new Error("Firestore must not be reached");
  };
  return {
    db: new Proxy({}, { get: refuse }) as unknown as Firestore,
    source: new Proxy({}, { get: refuse }) as unknown as ScheduleSource,
    cipher: {} as SyncDeps["cipher"],
    settings: {
      practiceId: "1",
      timeZone: "America/Chicago",
      reconcileMs: 4 * 3_600_000,
      minIntervalMs: 60_000,
      patientCacheMaxAgeMs: 7 * 86_400_000,
      overlapMs: 300_000,
      leaseMs: 600_000,
      visitsPerTransaction: 100,
      patientConcurrency: 3,
    },
    now: () => NOW_MS,
  };
}

async function refusal(uid: string, data: unknown): Promise<HttpsError> {
  const recorder = new KeptEvents();
  const error = await runOperation(
    syncScheduleOperation(untouchable),
    requestFrom(uid, data),
    operationDeps(recorder),
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpsError);
  expect(recorder.events).toHaveLength(1);
  expect(recorder.events[0]).toMatchObject({ source: { function: "syncSchedule" } });
  return error as HttpsError;
}

describe("syncSchedule (callable)", () => {
  it("refuses providers and auditors: the front desk and admins run the sync", async () => {
    expect((await refusal("u-provider", {})).code).toBe("permission-denied");
    expect((await refusal("u-auditor", {})).code).toBe("permission-denied");
  });

  it("refuses staff of another practice", async () => {
    const error = await refusal("u-other", {});
    expect(error.code).toBe("permission-denied");
  });

  it("refuses a date that is not a calendar date, naming the field", async () => {
    const error = await refusal("u-staff", { date: "2026-02-30" });
    expect(error.code).toBe("invalid-argument");
    expect(error.message).toContain("date");
  });

  it("refuses a day too far from today, naming the field", async () => {
    // Today in Chicago is 2026-03-10; eight days ahead is too far.
    const error = await refusal("u-staff", { date: "2026-03-18" });
    expect(error.code).toBe("invalid-argument");
    expect(error.details).toMatchObject({ field: "date" });
  });

  it("refuses fields it does not know", async () => {
    expect(
      (await refusal("u-staff", { date: "2026-03-10", everything: true })).code,
    ).toBe("invalid-argument");
  });
});
