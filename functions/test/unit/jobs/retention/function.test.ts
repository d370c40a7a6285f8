import functionsTest from "firebase-functions-test";
import { onSchedule } from "firebase-functions/scheduler";
import { practiceTimeZoneParam } from "../../../../src/config.ts";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  RETENTION_OPTIONS,
  RetentionRunError,
  purgeExpiredData,
  retentionHandler,
  retentionRunId,
} from "../../../../src/jobs/retention/function.ts";
import type { TargetResult } from "../../../../src/jobs/retention/purge.ts";
import {
  RetentionSettingsError,
  retentionSettings,
} from "../../../../src/jobs/retention/settings.ts";
import { useDemoParams } from "../../../support/demoParams.ts";
import { invokeScheduled } from "../../../support/scheduled.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
afterAll(() => fft.cleanup());
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

const ok = (target: TargetResult["target"]): TargetResult => ({
  target,
  documents: 3,
  cutoff: "2026-11-03",
  outcome: "success",
});

describe("purgeExpiredData (scheduled function)", () => {
  it("runs nightly at 04:00 in the practice's time zone, stated explicitly", () => {
    const trigger = purgeExpiredData.__endpoint.scheduleTrigger!;
    expect(trigger.schedule).toBe("0 4 * * *");
    expect(trigger.timeZone).toBe(practiceTimeZoneParam);
  });

  it("when invoked, runs every target once under one run id", async () => {
    const runs: string[] = [];
    const fn = onSchedule(
      RETENTION_OPTIONS,
      retentionHandler({
        run: (runId) => {
          runs.push(runId);
          return Promise.resolve([ok("schedules"), ok("rateLimits")]);
        },
      }),
    );

    await invokeScheduled(fft, fn);

    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it("fails the invocation when a target could not be purged", async () => {
    const fn = onSchedule(
      RETENTION_OPTIONS,
      retentionHandler({
        run: () =>
          Promise.resolve([
            ok("schedules"),
            { ...ok("rateLimits"), outcome: "failed", errorName: "PurgeIncompleteError" },
          ]),
      }),
    );

    await expect(invokeScheduled(fft, fn)).rejects.toThrow(RetentionRunError);
    await expect(invokeScheduled(fft, fn)).rejects.toThrow(/rateLimits/);
  });

  it("names a run by its schedule time, so that a retry records a success once", () => {
    const now = new Date("2026-12-03T09:31:07Z");
    expect(retentionRunId("2026-12-03T09:30:00Z", now)).toBe("2026-12-03T09:30:00.000Z");
    expect(retentionRunId(undefined, now)).toBe("2026-12-03T09:31:07.000Z");
    expect(retentionRunId("not a time", now)).toBe("2026-12-03T09:31:07.000Z");
  });
});

describe("retention settings", () => {
  it("read the demo project's parameters", () => {
    useDemoParams();
    expect(retentionSettings("America/Chicago")).toEqual({
      scheduleDays: 30,
      rateLimitDays: 1,
      throttleDays: 7,
      anomalyBaselineDays: 90,
      practiceTimeZone: "America/Chicago",
    });
  });

  it("refuse a schedule age shorter than a week, which would empty the board", () => {
    useDemoParams({ RETENTION_SCHEDULE_DAYS: "2" });
    expect(() => retentionSettings("America/Chicago")).toThrow(RetentionSettingsError);
  });
});
