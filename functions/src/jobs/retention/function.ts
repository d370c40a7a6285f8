// Scheduled `purgeExpiredData`: every night at 04:00 in the practice's time zone, after the
// clinic day and before the first sync. It removes operational data past its age and
// records each purge in the audit trail; audit data is never touched (guard.ts).
import { onSchedule, type ScheduledEvent } from "firebase-functions/scheduler";
import { auditRecorder } from "../../audit/deps.ts";
import { REGION, practiceTimeZoneParam, runtimeConfig } from "../../config.ts";
import { db } from "../../platform/firebase.ts";
import { runRetention, type TargetResult } from "./purge.ts";
import { retentionSettings } from "./settings.ts";

export const RETENTION_OPTIONS = {
  schedule: "0 4 * * *",
  timeZone: practiceTimeZoneParam,
  region: REGION,
  maxInstances: 1,
  timeoutSeconds: 540,
  retryCount: 1,
};

/** Raised when a target could not be purged, so the run shows as failed. */
export class RetentionRunError extends Error {
  override name = "RetentionRunError";
}

export interface RetentionRunDeps {
  run: (runId: string, now: Date) => Promise<TargetResult[]>;
}

const production: RetentionRunDeps = {
  run: (runId, now) =>
    runRetention({
      db: db(),
      recorder: auditRecorder(),
      settings: retentionSettings(runtimeConfig().practiceTimeZone),
      now,
      runId,
    }),
};

/** A run is named by its schedule time, so a retry of the same tick audits a success once. */
export function retentionRunId(scheduleTime: string | undefined, now: Date): string {
  const time =
    scheduleTime && !Number.isNaN(Date.parse(scheduleTime)) ? scheduleTime : now;
  return new Date(time).toISOString();
}

export function retentionHandler(deps: RetentionRunDeps = production) {
  return async (event: ScheduledEvent): Promise<void> => {
    const now = new Date();
    const results = await deps.run(retentionRunId(event.scheduleTime, now), now);
    const failed = results.filter((r) => r.outcome === "failed").map((r) => r.target);
    if (failed.length) throw new RetentionRunError(`not purged: ${failed.join(", ")}`);
  };
}

export const purgeExpiredData = onSchedule(RETENTION_OPTIONS, retentionHandler());
