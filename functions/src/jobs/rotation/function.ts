// Scheduled `credentialRotation`: every hour, in the practice's time zone (stated; an
// hourly run is the same in any zone). A run promotes a pending Tebra credential once it
// authenticates, retires replaced versions after their grace, rotates the backend's own
// keys when they reach KEY_ROTATION_DAYS, re-encrypts fields under retiring field keys, and
// applies the age policy. Most runs change nothing and call Tebra not at all.
import { onSchedule, type ScheduledEvent } from "firebase-functions/scheduler";
import { REGION, practiceTimeZoneParam } from "../../config.ts";
import { productionRotationDeps, scheduledSource, SYSTEM_AGENT } from "./deps.ts";
import { runRotation, type RoleOutcome, type RotationDeps } from "./run.ts";

export const ROTATION_OPTIONS = {
  schedule: "15 * * * *",
  timeZone: practiceTimeZoneParam,
  region: REGION,
  maxInstances: 1,
  timeoutSeconds: 540,
  retryCount: 0,
};

/** Named by its schedule time: a retry of the same tick takes over its own leases. */
export function rotationRunId(scheduleTime: string | undefined, now: number): string {
  const time =
    scheduleTime && !Number.isNaN(Date.parse(scheduleTime)) ? scheduleTime : now;
  return `rotation-${new Date(time).toISOString()}`;
}

/** A scheduled run: every managed secret, named by the tick. */
export function runScheduledRotation(
  deps: (runId: string) => RotationDeps,
  event: Pick<ScheduledEvent, "scheduleTime">,
  now = Date.now(),
): Promise<RoleOutcome[]> {
  const runId = rotationRunId(event.scheduleTime, now);
  return runRotation(deps(runId), { runId, trigger: "schedule" });
}

/** The handler over its run; the unit tests give it their own. */
export function rotationHandler(
  run: (event: Pick<ScheduledEvent, "scheduleTime">) => Promise<RoleOutcome[]> = (
    event,
  ) =>
    runScheduledRotation(
      (runId) => productionRotationDeps(SYSTEM_AGENT, scheduledSource(runId)),
      event,
    ),
) {
  return async (event: ScheduledEvent): Promise<void> => {
    await run(event);
  };
}

export const credentialRotation = onSchedule(ROTATION_OPTIONS, rotationHandler());
