// The audit trail's scheduled functions. The sealer runs every minute (UTC: it works on
// server time, not on clinic days); the daily review runs at 03:30 in the practice's time
// zone and reviews the clinic day that just ended.
import { randomUUID } from "node:crypto";
import { onSchedule } from "firebase-functions/scheduler";
import { auditConfig, practiceTimeZoneParam, REGION } from "../config.ts";
import { auditRecorder, trailDeps } from "./deps.ts";
import { dailyReview } from "./review.ts";
import { sealAll } from "./sealer.ts";

export const auditSealer = onSchedule(
  {
    schedule: "every 1 minutes",
    timeZone: "Etc/UTC",
    region: REGION,
    // The next run a minute later is the retry; a run is bounded and idempotent.
    retryCount: 0,
    timeoutSeconds: 300,
  },
  async () => {
    await sealAll(trailDeps());
  },
);

export const auditDailyReview = onSchedule(
  {
    schedule: "30 3 * * *",
    timeZone: practiceTimeZoneParam,
    region: REGION,
    retryCount: 3,
    timeoutSeconds: 540,
    memory: "1GiB",
  },
  async (event) => {
    await dailyReview(
      {
        ...trailDeps(),
        recorder: auditRecorder(),
        timeZone: auditConfig().practiceTimeZone,
      },
      {
        requestId: event.jobName
          ? `${event.jobName}-${event.scheduleTime}`
          : randomUUID(),
      },
    );
  },
);
