import functionsTest from "firebase-functions-test";
import { onSchedule } from "firebase-functions/scheduler";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  SCHEDULED_BUDGET_MS,
  SCHEDULE_SYNC_OPTIONS,
  dailyScheduleSync,
  scheduleSyncHandler,
  scheduledRunId,
  type ScheduledSyncWiring,
} from "../../../../src/jobs/sync/function.ts";
import type { SyncRequest, SyncResult } from "../../../../src/jobs/sync/run.ts";
import { TebraError } from "../../../../src/tebra/errors.ts";
import { invokeScheduled } from "../../../support/scheduled.ts";
import { captureLogs } from "../../../support/tebra.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
afterAll(() => fft.cleanup());

// 04:30Z on 10 March 2026 is 23:30 on the 9th in Chicago (CDT began on the 8th).
const NOW = Date.parse("2026-03-10T04:30:00Z");

function result(overrides: Partial<SyncResult> = {}): SyncResult {
  return {
    status: "completed",
    practiceId: "1",
    date: "2026-03-09",
    mode: "incremental",
    appointmentCount: 40,
    created: 0,
    updated: 2,
    unchanged: 3,
    removed: 0,
    kept: 0,
    skipped: 0,
    keptLocalStatus: 0,
    patientsFetched: 0,
    patientsFromCache: 5,
    patientsRefreshed: 0,
    tebraCalls: 2,
    syncedAt: new Date(NOW).toISOString(),
    durationMs: 120,
    ...overrides,
  };
}

let requests: SyncRequest[];
let answer: () => Promise<SyncResult>;
let logs: ReturnType<typeof captureLogs>;

const wiring: ScheduledSyncWiring = {
  settings: () => ({ practiceId: "1", timeZone: "America/Chicago" }),
  sync: (request) => {
    requests.push(request);
    return answer();
  },
  now: () => NOW,
};
const fn = onSchedule(SCHEDULE_SYNC_OPTIONS, scheduleSyncHandler(wiring));

beforeEach(() => {
  requests = [];
  answer = () => Promise.resolve(result());
  logs = captureLogs();
  return () => logs.restore();
});

describe("dailyScheduleSync (scheduled function)", () => {
  it("runs at 05:00 and every two hours to 19:00, in the practice's time zone", () => {
    const trigger = dailyScheduleSync.__endpoint.scheduleTrigger!;
    expect(trigger.schedule).toBe("0 5,7,9,11,13,15,17,19 * * *");
    expect(trigger.timeZone).toMatchObject({ name: "PRACTICE_TIME_ZONE" });
  });

  it("when invoked, syncs today's clinic date, not the UTC date", async () => {
    await invokeScheduled(fft, fn, new Date(NOW));

    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      date: "2026-03-09",
      trigger: "schedule",
      deadline: NOW + SCHEDULED_BUDGET_MS,
    });
    expect(requests[0]!.runId).toMatch(/^schedule-\d{4}-\d{2}-\d{2}T/);
    expect(logs.events()).toContain("sync.completed");
  });

  it("leaves its budget inside the function's timeout", () => {
    expect(SCHEDULED_BUDGET_MS).toBeLessThan(SCHEDULE_SYNC_OPTIONS.timeoutSeconds * 1000);
  });

  it("logs a day another run holds as skipped, and succeeds", async () => {
    answer = () => Promise.resolve(result({ status: "busy", mode: null }));
    await invokeScheduled(fft, fn, new Date(NOW));
    expect(logs.events()).toContain("sync.skipped");
    expect(logs.events()).not.toContain("sync.completed");
  });

  it("fails the invocation when the sync fails, with the error's kind in the log", async () => {
    answer = () =>
      Promise.reject(new TebraError("switched-off", { reason: "kill-switch" }));
    await expect(invokeScheduled(fft, fn, new Date(NOW))).rejects.toThrow();
    const failed = logs.entries.find((e) => e["event"] === "sync.failed");
    expect(failed).toMatchObject({ kind: "switched-off", date: "2026-03-09" });
  });

  it("names a run by its schedule time, so a retry of the tick takes over its lease", () => {
    expect(scheduledRunId("2026-03-10T11:00:00Z", NOW)).toBe(
      "schedule-2026-03-10T11:00:00.000Z",
    );
    expect(scheduledRunId(undefined, NOW)).toBe("schedule-2026-03-10T04:30:00.000Z");
  });
});
