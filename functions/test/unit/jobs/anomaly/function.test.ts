import functionsTest from "firebase-functions-test";
import { onSchedule } from "firebase-functions/scheduler";
import { practiceTimeZoneParam } from "../../../../src/config.ts";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  ANOMALY_SCAN_OPTIONS,
  anomalyScan,
  anomalyScanHandler,
} from "../../../../src/jobs/anomaly/function.ts";
import type { ScanResult } from "../../../../src/jobs/anomaly/scan.ts";
import { captureLogs } from "../../../support/logCapture.ts";
import { invokeScheduled } from "../../../support/scheduled.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
afterAll(() => fft.cleanup());
let logs = captureLogs();
afterEach(() => {
  logs.restore();
  logs = captureLogs();
});

const RESULT: ScanResult = {
  status: "completed",
  eventsScanned: 1200,
  eventsSkipped: 0,
  users: 7,
  findings: 3,
  alertsRaised: 1,
  caughtUp: true,
  cursor: { micros: Date.UTC(2026, 2, 2, 15) * 1000, id: "evt-0000001" },
};

describe("anomalyScan (scheduled function)", () => {
  it("runs every five minutes in the practice's time zone, stated explicitly", () => {
    const trigger = anomalyScan.__endpoint.scheduleTrigger!;
    expect(trigger.schedule).toBe("every 5 minutes");
    // A parameter: the deploy resolves it to the practice's zone.
    expect(trigger.timeZone).toBe(practiceTimeZoneParam);
    expect(anomalyScan.__endpoint.maxInstances).toBe(1);
  });

  it("when invoked, runs the scan and logs what it read", async () => {
    let runs = 0;
    const fn = onSchedule(
      ANOMALY_SCAN_OPTIONS,
      anomalyScanHandler({
        scan: () => {
          runs += 1;
          return Promise.resolve(RESULT);
        },
        now: () => 1000,
      }),
    );

    await invokeScheduled(fft, fn);

    expect(runs).toBe(1);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({
        event: "anomaly.scan_completed",
        severity: "INFO",
        eventsScanned: 1200,
        alertsRaised: 1,
        cursorAt: "2026-03-02T15:00:00.000Z",
      }),
    );
  });

  it("logs a failed scan by error class and fails the invocation", async () => {
    const fn = onSchedule(
      ANOMALY_SCAN_OPTIONS,
      anomalyScanHandler({
        scan: () => Promise.reject(new RangeError("boom")),
        now: Date.now,
      }),
    );

    await expect(invokeScheduled(fft, fn)).rejects.toThrow("boom");
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ event: "anomaly.scan_failed", errorName: "RangeError" }),
    );
  });
});
