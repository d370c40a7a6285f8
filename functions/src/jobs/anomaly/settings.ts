// The anomaly scan's thresholds: parameters with defaults a compliance officer can tune per
// project (functions/.env.<project>). Read inside the handler only; `anomalySettings`
// checks them together, so a clinic day that closes before it opens fails the run loudly
// instead of alerting on every event.
import { defineInt, defineString } from "firebase-functions/params";
import { IANAZone } from "luxon";
import { z } from "zod";
import { runtimeConfig } from "../../config.ts";

const volumeMultiplier = defineInt("ANOMALY_VOLUME_MULTIPLIER", {
  default: 4,
  description:
    "Alert when a user's events in an hour exceed this many times their baseline",
});
const volumeMinEvents = defineInt("ANOMALY_VOLUME_MIN_EVENTS", {
  default: 60,
  description: "An hour with fewer events than this never raises a volume alert",
});
const newUserHourlyEvents = defineInt("ANOMALY_NEW_USER_HOURLY_EVENTS", {
  default: 200,
  description: "Hourly ceiling for a user whose baseline is not yet established",
});
const baselineMinHours = defineInt("ANOMALY_BASELINE_MIN_HOURS", {
  default: 8,
  description: "Active hours of history before a user's own baseline is trusted",
});
const distinctPatients = defineInt("ANOMALY_DISTINCT_PATIENTS", {
  default: 30,
  description:
    "Alert when a user opens this many different patients' records in a window",
});
const distinctWindowMinutes = defineInt("ANOMALY_DISTINCT_WINDOW_MINUTES", {
  default: 15,
  description: "Window for the distinct-patients rule, in minutes",
});
const denials = defineInt("ANOMALY_DENIALS", {
  default: 5,
  description: "Alert when a user is refused this many times in a window",
});
const denialWindowMinutes = defineInt("ANOMALY_DENIAL_WINDOW_MINUTES", {
  default: 15,
  description: "Window for the repeated-denials rule, in minutes",
});
const bulkReadPatients = defineInt("ANOMALY_BULK_READ_PATIENTS", {
  default: 100,
  description: "Alert when one event discloses this many patients (set above a full day)",
});
const clinicOpenHour = defineInt("CLINIC_OPEN_HOUR", {
  default: 7,
  description: "Hour (0-23, practice time zone) the clinic opens",
});
const clinicCloseHour = defineInt("CLINIC_CLOSE_HOUR", {
  default: 19,
  description: "Hour (1-24, practice time zone) the clinic closes",
});
const clinicDays = defineString("CLINIC_DAYS", {
  default: "1,2,3,4,5",
  description:
    "ISO weekdays the clinic is open, comma-separated (1 = Monday, 7 = Sunday)",
});
const maxEventsPerRun = defineInt("ANOMALY_MAX_EVENTS_PER_RUN", {
  default: 200000,
  description:
    "A run stops after this many events; the next run continues from its cursor",
});

export interface ClinicHours {
  timeZone: string;
  openHour: number;
  closeHour: number;
  /** ISO weekdays, 1 = Monday. */
  days: readonly number[];
}

export interface AnomalySettings {
  volumeMultiplier: number;
  volumeMinEvents: number;
  newUserHourlyEvents: number;
  baselineMinHours: number;
  distinctPatients: number;
  distinctWindowMinutes: number;
  denials: number;
  denialWindowMinutes: number;
  bulkReadPatients: number;
  clinicHours: ClinicHours;
  maxEventsPerRun: number;
}

const positive = z.number().int().min(1);

const settingsSchema = z
  .object({
    volumeMultiplier: z.number().int().min(2),
    volumeMinEvents: positive,
    newUserHourlyEvents: positive,
    baselineMinHours: positive,
    distinctPatients: z.number().int().min(2),
    distinctWindowMinutes: z.number().int().min(1).max(1440),
    denials: positive,
    denialWindowMinutes: z.number().int().min(1).max(1440),
    bulkReadPatients: z.number().int().min(2),
    clinicHours: z.object({
      timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), "unknown zone"),
      openHour: z.number().int().min(0).max(23),
      closeHour: z.number().int().min(1).max(24),
      days: z.array(z.number().int().min(1).max(7)).min(1),
    }),
    maxEventsPerRun: positive,
  })
  .refine((s) => s.clinicHours.openHour < s.clinicHours.closeHour, {
    message: "CLINIC_OPEN_HOUR must be before CLINIC_CLOSE_HOUR",
    path: ["clinicHours", "closeHour"],
  });

/** Raised when the parameters do not fit together; names the parameter, not a value. */
export class AnomalySettingsError extends Error {
  override name = "AnomalySettingsError";
}

export function parseClinicDays(text: string): number[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map(Number);
}

/** Validates a settings object (from parameters or a test). */
export function checkAnomalySettings(settings: AnomalySettings): AnomalySettings {
  const result = settingsSchema.safeParse(settings);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new AnomalySettingsError(
      `anomaly settings: ${issue?.path.join(".") ?? "?"} ${issue?.message ?? "invalid"}`,
    );
  }
  return settings;
}

/** The parameters' values, checked; call inside the handler. */
export function anomalySettings(): AnomalySettings {
  return checkAnomalySettings({
    volumeMultiplier: volumeMultiplier.value(),
    volumeMinEvents: volumeMinEvents.value(),
    newUserHourlyEvents: newUserHourlyEvents.value(),
    baselineMinHours: baselineMinHours.value(),
    distinctPatients: distinctPatients.value(),
    distinctWindowMinutes: distinctWindowMinutes.value(),
    denials: denials.value(),
    denialWindowMinutes: denialWindowMinutes.value(),
    bulkReadPatients: bulkReadPatients.value(),
    clinicHours: {
      timeZone: runtimeConfig().practiceTimeZone,
      openHour: clinicOpenHour.value(),
      closeHour: clinicCloseHour.value(),
      days: parseClinicDays(clinicDays.value()),
    },
    maxEventsPerRun: maxEventsPerRun.value(),
  });
}

/** The defaults, for tests and the benchmark. */
export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = {
  volumeMultiplier: 4,
  volumeMinEvents: 60,
  newUserHourlyEvents: 200,
  baselineMinHours: 8,
  distinctPatients: 30,
  distinctWindowMinutes: 15,
  denials: 5,
  denialWindowMinutes: 15,
  bulkReadPatients: 100,
  clinicHours: {
    timeZone: "America/Chicago",
    openHour: 7,
    closeHour: 19,
    days: [1, 2, 3, 4, 5],
  },
  maxEventsPerRun: 200000,
};
