// The deployed sync functions, wrapped (firebase-functions-test), with their production
// wiring: parameters from the demo project's file, the process's Tebra client pointed at a
// local Tebra, the shared Firestore throttle, the demo secret store for the field key.
import functionsTest from "firebase-functions-test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../../dev/local-tebra/server.ts";
import { runOperation } from "../../../../src/http/callable.ts";
import { syncScheduleOperation } from "../../../../src/jobs/sync/callable.ts";
import { dailyScheduleSync } from "../../../../src/jobs/sync/function.ts";
import { acquireLease } from "../../../../src/jobs/sync/state.ts";
import { dayRef, syncStateRef } from "../../../../src/jobs/sync/paths.ts";
import { clinicToday } from "../../../../src/tebra/dates.ts";
import { adminDb, clearFirestore } from "../../../support/admin.ts";
import { useDemoParams } from "../../../support/demoParams.ts";
import { invokeScheduled } from "../../../support/scheduled.ts";
import { captureLogs } from "../../../support/tebra.ts";
import { seedFieldEncryptionKey } from "../../../support/users.ts";
import { KeptEvents, operationDeps } from "../../../unit/jobs/sync/operation.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
let tebra: LocalTebra;
const logs = captureLogs();

beforeAll(async () => {
  tebra = await startLocalTebra({ port: 0, rateScale: 0.01, appointmentsPerDay: 8 });
  useDemoParams({ TEBRA_ENDPOINT_OVERRIDE: tebra.url });
});
afterAll(async () => {
  logs.restore();
  fft.cleanup();
  await tebra.close();
});
beforeEach(async () => {
  await clearFirestore();
  tebra.reset();
  await seedFieldEncryptionKey();
});

const today = () => clinicToday("America/Chicago");

/** A staff member of practice 1 signed in with a second factor a minute ago. */
function staffRequest(data: unknown) {
  return {
    facts: {
      uid: "u-staff",
      token: {
        role: "staff",
        practiceId: "1",
        auth_time: Math.floor(Date.now() / 1000) - 60,
        firebase: { sign_in_second_factor: "phone" },
      },
      hasAppCheck: true,
    },
    data,
    requestId: `req-${Math.random().toString(36).slice(2)}`,
  };
}

function callDeps(recorder: KeptEvents) {
  return { ...operationDeps(recorder), now: Date.now };
}

describe("dailyScheduleSync, invoked", () => {
  it("imports today's clinic day through the deployed wiring", async () => {
    await invokeScheduled(fft, dailyScheduleSync);

    const expected = tebra.schedule.onDate(today()).filter((a) => a.patientId !== null);
    const visits = await dayRef(adminDb(), "1", today()).collection("visits").get();
    expect(visits.size).toBe(expected.length);
    expect((await dayRef(adminDb(), "1", today()).get()).get("lastSync")).toMatchObject({
      trigger: "schedule",
      complete: true,
    });
    expect(tebra.calls.list().filter((c) => c.outcome === "throttled")).toEqual([]);
    expect(logs.events()).toContain("sync.completed");
  });
});

describe("syncSchedule, through the callable wrapper", () => {
  it("syncs the day for staff and answers the counts", async () => {
    const recorder = new KeptEvents();
    const reply = await runOperation(
      syncScheduleOperation(),
      staffRequest({}),
      callDeps(recorder),
    );

    const expected = tebra.schedule.onDate(today()).filter((a) => a.patientId !== null);
    expect(reply).toMatchObject({
      date: today(),
      practiceId: "1",
      created: expected.length,
      appointmentCount: expected.length,
    });
    expect(recorder.events).toEqual([
      expect.objectContaining({
        action: "execute",
        outcome: "success",
        entity: expect.objectContaining({ type: "schedule", id: `1:${today()}` }),
      }),
    ]);
  });

  it("answers the last run's figures, without calling Tebra, right after a sync", async () => {
    await runOperation(
      syncScheduleOperation(),
      staffRequest({}),
      callDeps(new KeptEvents()),
    );
    const calls = tebra.calls.count();

    const reply = await runOperation(
      syncScheduleOperation(),
      staffRequest({}),
      callDeps(new KeptEvents()),
    );

    expect(reply).toMatchObject({ tebraCalls: 0, created: 0 });
    expect(tebra.calls.count()).toBe(calls);
  });

  it("answers aborted while another run holds the day", async () => {
    await acquireLease(
      adminDb(),
      syncStateRef(adminDb(), "1", today()),
      "other",
      Date.now(),
      60_000,
    );
    const error = await runOperation(
      syncScheduleOperation(),
      staffRequest({}),
      callDeps(new KeptEvents()),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "aborted", details: { reason: "sync-running" } });
  });
});
