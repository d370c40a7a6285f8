// Scheduled `dailyScheduleSync`: today's appointments into the board, early in the morning
// and then every two hours through clinic hours, in the practice's time zone (stated, so
// the hours are the clinic's whatever the server's zone). Tebra asks integrations to poll
// rarely: most runs ask only for what changed (run.ts), two calls when nothing did.
import { onSchedule, type ScheduledEvent } from "firebase-functions/scheduler";
import { REGION, practiceTimeZoneParam } from "../../config.ts";
import * as logs from "../../logs.ts";
import { clinicToday } from "../../tebra/dates.ts";
import { isTebraError } from "../../tebra/errors.ts";
import { productionSyncDeps } from "./deps.ts";
import { syncDay, type SyncRequest, type SyncResult } from "./run.ts";

export const SCHEDULE_SYNC_OPTIONS = {
  // 05:00, then 07:00 to 19:00 every two hours, every day (Saturday clinics included).
  schedule: "0 5,7,9,11,13,15,17,19 * * *",
  timeZone: practiceTimeZoneParam,
  region: REGION,
  // One run at a time (the day's lease enforces it too).
  maxInstances: 1,
  timeoutSeconds: 540,
  retryCount: 0,
};

/** Patient fetches stop this long before the timeout, so the run can write and finish. */
export const SCHEDULED_BUDGET_MS = 480_000;

export function logSyncResult(trigger: string, result: SyncResult): void {
  if (result.status === "busy") {
    logs.syncSkipped(result.practiceId, result.date, "busy");
    return;
  }
  logs.syncCompleted({
    practiceId: result.practiceId,
    date: result.date,
    trigger,
    status: result.status,
    mode: result.mode,
    appointmentCount: result.appointmentCount,
    created: result.created,
    updated: result.updated,
    unchanged: result.unchanged,
    removed: result.removed,
    kept: result.kept,
    keptLocalStatus: result.keptLocalStatus,
    patientsFetched: result.patientsFetched,
    patientsFromCache: result.patientsFromCache,
    patientsRefreshed: result.patientsRefreshed,
    tebraCalls: result.tebraCalls,
    durationMs: result.durationMs,
  });
}

export function logSyncFailure(practiceId: string, date: string, error: unknown): void {
  logs.syncFailed(
    practiceId,
    date,
    error instanceof Error ? error.name : typeof error,
    isTebraError(error) ? error.kind : null,
  );
}

/** What a scheduled run needs: the practice, a clock, and the sync itself. */
export interface ScheduledSyncWiring {
  settings: () => { practiceId: string; timeZone: string };
  sync: (request: SyncRequest) => Promise<SyncResult>;
  now: () => number;
}

const production: ScheduledSyncWiring = {
  settings: () => productionSyncDeps().settings,
  sync: (request) => syncDay(productionSyncDeps(), request),
  now: Date.now,
};

/** The run's id: named by its schedule time, so a retry of the tick takes over its own
 *  lease instead of waiting for it. */
export function scheduledRunId(scheduleTime: string | undefined, now: number): string {
  const time =
    scheduleTime && !Number.isNaN(Date.parse(scheduleTime)) ? scheduleTime : now;
  return `schedule-${new Date(time).toISOString()}`;
}

/** One scheduled run: today, in the practice's zone, with the scheduled budget. */
export async function runScheduledSync(
  wiring: ScheduledSyncWiring,
  event: Pick<ScheduledEvent, "scheduleTime">,
): Promise<SyncResult> {
  const { practiceId, timeZone } = wiring.settings();
  const now = wiring.now();
  const date = clinicToday(timeZone, new Date(now));
  try {
    const result = await wiring.sync({
      date,
      trigger: "schedule",
      runId: scheduledRunId(event.scheduleTime, now),
      deadline: now + SCHEDULED_BUDGET_MS,
    });
    logSyncResult("schedule", result);
    return result;
  } catch (error) {
    logSyncFailure(practiceId, date, error);
    throw error;
  }
}

/** The handler over its wiring; the unit tests give it their own. */
export function scheduleSyncHandler(wiring: ScheduledSyncWiring = production) {
  return async (event: ScheduledEvent): Promise<void> => {
    await runScheduledSync(wiring, event);
  };
}

export const dailyScheduleSync = onSchedule(SCHEDULE_SYNC_OPTIONS, scheduleSyncHandler());
