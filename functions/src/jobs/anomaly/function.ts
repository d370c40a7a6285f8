// Scheduled `anomalyScan`: every five minutes, in the practice's time zone (stated so the
// schedule never depends on a default; an interval is the same in every zone). A run
// scans what has been committed since the last one; one that falls behind catches up
// over the next runs, a page at a time.
import { onSchedule, type ScheduledEvent } from "firebase-functions/scheduler";
import { REGION, practiceTimeZoneParam } from "../../config.ts";
import * as logs from "../../logs.ts";
import { db } from "../../platform/firebase.ts";
import { runAnomalyScan, type ScanResult } from "./scan.ts";
import { anomalySettings } from "./settings.ts";

export const ANOMALY_SCAN_OPTIONS = {
  schedule: "every 5 minutes",
  timeZone: practiceTimeZoneParam,
  region: REGION,
  // One run at a time (the scan's lease enforces it too); a run fits inside the timeout.
  maxInstances: 1,
  timeoutSeconds: 300,
  retryCount: 0,
};

export interface AnomalyScanDeps {
  scan: () => Promise<ScanResult>;
  now: () => number;
}

const production: AnomalyScanDeps = {
  scan: () => runAnomalyScan({ db: db(), settings: anomalySettings() }),
  now: Date.now,
};

/** The handler over its dependencies; the unit tests give it their own. */
export function anomalyScanHandler(deps: AnomalyScanDeps = production) {
  return async (_event: ScheduledEvent): Promise<void> => {
    const started = deps.now();
    let result: ScanResult;
    try {
      result = await deps.scan();
    } catch (error) {
      logs.anomalyScanFailed(error instanceof Error ? error.name : typeof error);
      throw error;
    }
    const cursor = result.cursor;
    logs.anomalyScanCompleted({
      status: result.status,
      eventsScanned: result.eventsScanned,
      users: result.users,
      findings: result.findings,
      alertsRaised: result.alertsRaised,
      durationMs: deps.now() - started,
      caughtUp: result.caughtUp,
      cursorAt: cursor ? new Date(Math.floor(cursor.micros / 1000)).toISOString() : null,
    });
  };
}

export const anomalyScan = onSchedule(ANOMALY_SCAN_OPTIONS, anomalyScanHandler());
