// How long operational data is kept, as parameters (days). Audit data has no parameter:
// it is never purged (audit/retention.ts).
import { defineInt } from "firebase-functions/params";
import { z } from "zod";

const scheduleDays = defineInt("RETENTION_SCHEDULE_DAYS", {
  default: 30,
  description: "Daily schedules (and their visits) older than this many clinic days go",
});
const rateLimitDays = defineInt("RETENTION_RATE_LIMIT_DAYS", {
  default: 1,
  description: "Rate-limit windows expired more than this many days ago go",
});
const throttleDays = defineInt("RETENTION_THROTTLE_DAYS", {
  default: 7,
  description: "Tebra throttle state not written for this many days goes",
});
const anomalyBaselineDays = defineInt("RETENTION_ANOMALY_BASELINE_DAYS", {
  default: 90,
  description: "A user's anomaly baseline not updated for this many days goes",
});

export interface RetentionSettings {
  scheduleDays: number;
  rateLimitDays: number;
  throttleDays: number;
  anomalyBaselineDays: number;
  practiceTimeZone: string;
}

const days = z.number().int().min(1).max(3650);
const schema = z.object({
  // The board shows today and the sync writes ahead; a week is the least that is safe.
  scheduleDays: z.number().int().min(7).max(3650),
  rateLimitDays: days,
  throttleDays: days,
  anomalyBaselineDays: days,
  practiceTimeZone: z.string().min(1),
});

export class RetentionSettingsError extends Error {
  override name = "RetentionSettingsError";
}

export function checkRetentionSettings(settings: RetentionSettings): RetentionSettings {
  const result = schema.safeParse(settings);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new RetentionSettingsError(
      `retention settings: ${issue?.path.join(".") ?? "?"} ${issue?.message ?? "invalid"}`,
    );
  }
  return settings;
}

/** The parameters' values, checked; call inside the handler. */
export function retentionSettings(practiceTimeZone: string): RetentionSettings {
  return checkRetentionSettings({
    scheduleDays: scheduleDays.value(),
    rateLimitDays: rateLimitDays.value(),
    throttleDays: throttleDays.value(),
    anomalyBaselineDays: anomalyBaselineDays.value(),
    practiceTimeZone,
  });
}
