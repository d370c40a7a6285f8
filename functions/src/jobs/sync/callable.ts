// Callable `syncSchedule` (staff, admins): syncs a day now, through the shared wrapper
// (guard, rate limit, validation, projection, one audit event). The same core as the
// schedule (run.ts); a day the schedule or another member of staff is syncing answers
// `aborted`, and a second request within SYNC_MIN_INTERVAL_SECONDS of a completed run
// answers that run's figures without calling Tebra again.
import { HttpsError } from "firebase-functions/https";
import { DateTime } from "luxon";
import { z } from "zod";
import { callable, type OperationDefinition } from "../../http/callable.ts";
import { clinicToday, isCalendarDate } from "../../tebra/dates.ts";
import { productionSyncDeps } from "./deps.ts";
import { logSyncFailure, logSyncResult } from "./function.ts";
import { syncStateRef } from "./paths.ts";
import { syncDay, type SyncDeps } from "./run.ts";
import { readState } from "./state.ts";

/** Days before and after today that staff may sync. */
export const DAYS_BACK = 1;
export const DAYS_AHEAD = 7;
/** Patient fetches stop this long after the call starts: a callable has 60 s, and the
 *  chunk in hand must still be written. */
export const CALLABLE_BUDGET_MS = 30_000;

export const syncScheduleInput = z.strictObject({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date (YYYY-MM-DD)")
    .refine(isCalendarDate, "expected a calendar date")
    .optional(),
  full: z.boolean().optional(),
});

export interface SyncScheduleReply {
  date: string;
  practiceId: string;
  appointmentCount: number;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  tebraCalls: number;
  syncedAt: string;
  /** False when the run stopped early (its budget); the next call continues. */
  complete: boolean;
  mode: "full" | "incremental" | null;
}

function checkWindow(date: string, today: string): void {
  const asked = DateTime.fromISO(date, { zone: "utc" });
  const base = DateTime.fromISO(today, { zone: "utc" });
  const days = asked.diff(base, "days").days;
  if (days < -DAYS_BACK || days > DAYS_AHEAD) {
    throw new HttpsError(
      "invalid-argument",
      `Invalid request: date: within ${DAYS_BACK} day before and ${DAYS_AHEAD} after today`,
      { field: "date" },
    );
  }
}

export function syncScheduleOperation(
  deps: () => SyncDeps = productionSyncDeps,
): OperationDefinition<typeof syncScheduleInput, SyncScheduleReply> {
  return {
    name: "syncSchedule",
    input: syncScheduleInput,
    async handle(input, { caller, requestId, now, audit }) {
      const d = deps();
      const { practiceId, timeZone } = d.settings;
      if (caller.practiceId !== practiceId) {
        throw new HttpsError("permission-denied", "Not a member of this practice", {
          reason: "other-practice",
        });
      }
      const date = input.date ?? clinicToday(timeZone, now);
      checkWindow(date, clinicToday(timeZone, now));
      audit.entityId = `${practiceId}:${date}`;

      const { lastRun } = await readState(syncStateRef(d.db, practiceId, date));
      const lastAt = lastRun?.complete ? Date.parse(lastRun.at) : NaN;
      if (lastRun && d.now() - lastAt < d.settings.minIntervalMs) {
        return {
          date,
          practiceId,
          appointmentCount: lastRun.appointmentCount,
          created: 0,
          updated: 0,
          unchanged: lastRun.appointmentCount,
          removed: 0,
          tebraCalls: 0,
          syncedAt: lastRun.at,
          complete: true,
          mode: lastRun.mode,
        };
      }

      let result;
      try {
        result = await syncDay(d, {
          date,
          trigger: "staff",
          runId: `staff-${requestId}`,
          ...(input.full !== undefined && { full: input.full }),
          deadline: d.now() + CALLABLE_BUDGET_MS,
        });
      } catch (error) {
        logSyncFailure(practiceId, date, error);
        throw error;
      }
      logSyncResult("staff", result);
      if (result.status === "busy") {
        throw new HttpsError("aborted", "A sync of this day is already running", {
          reason: "sync-running",
        });
      }
      audit.fieldsWritten.push("visits");
      return {
        date,
        practiceId,
        appointmentCount: result.appointmentCount,
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        removed: result.removed,
        tebraCalls: result.tebraCalls,
        syncedAt: result.syncedAt,
        complete: result.status === "completed",
        mode: result.mode,
      };
    },
  };
}

export const syncSchedule = callable(syncScheduleOperation());
