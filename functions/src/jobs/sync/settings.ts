// The schedule sync's settings: parameters for what a practice may want to tune, constants
// for the rest. Read inside a handler only.
import { defineInt } from "firebase-functions/params";
import { z } from "zod";

const reconcileHours = defineInt("SYNC_RECONCILE_HOURS", {
  default: 4,
  description:
    "A sync lists the whole day (and so finds appointments deleted in Tebra) at least " +
    "this often; runs in between ask Tebra only for what changed",
});

const minIntervalSeconds = defineInt("SYNC_MIN_INTERVAL_SECONDS", {
  default: 60,
  description:
    "An on-demand sync this soon after the day's last completed one answers that run's " +
    "figures instead of calling Tebra again",
});

const patientCacheDays = defineInt("PATIENT_CACHE_MAX_AGE_DAYS", {
  default: 7,
  description:
    "A cached patient's details are fetched again from Tebra after this many days, " +
    "and older entries are removed",
});

/** Look-back added to every last-modified window: clock skew between us and Tebra, and
 *  Tebra's whole-second LastModifiedDate. Rows seen twice are found unchanged. */
export const MODIFIED_OVERLAP_MS = 5 * 60_000;
/** A run holds the day for at most this long (longer than the function's timeout). */
export const LEASE_MS = 10 * 60_000;
/** Visits written per transaction (Firestore allows 500 writes). */
export const VISITS_PER_TRANSACTION = 100;
/** GetPatient calls in flight at once; the shared throttle spaces them. */
export const PATIENT_CONCURRENCY = 3;

export interface SyncSettings {
  practiceId: string;
  timeZone: string;
  reconcileMs: number;
  minIntervalMs: number;
  patientCacheMaxAgeMs: number;
  overlapMs: number;
  leaseMs: number;
  visitsPerTransaction: number;
  patientConcurrency: number;
}

const schema = z.object({
  practiceId: z.string().regex(/^\d{1,19}$/),
  timeZone: z.string().min(1),
  reconcileMs: z
    .number()
    .int()
    .min(15 * 60_000)
    .max(24 * 3_600_000),
  minIntervalMs: z.number().int().min(0).max(3_600_000),
  patientCacheMaxAgeMs: z
    .number()
    .int()
    .min(3_600_000)
    .max(90 * 86_400_000),
  overlapMs: z.number().int().min(0),
  leaseMs: z.number().int().min(60_000),
  visitsPerTransaction: z.number().int().min(1).max(400),
  patientConcurrency: z.number().int().min(1).max(10),
});

export class SyncSettingsError extends Error {
  override name = "SyncSettingsError";
}

export function checkSyncSettings(settings: SyncSettings): SyncSettings {
  const result = schema.safeParse(settings);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SyncSettingsError(`sync settings: ${issue?.path.join(".") ?? "?"} invalid`);
  }
  return settings;
}

/** The parameters' values with the constants, checked. */
export function syncSettings(practice: {
  practiceId: string;
  timeZone: string;
}): SyncSettings {
  return checkSyncSettings({
    practiceId: practice.practiceId,
    timeZone: practice.timeZone,
    reconcileMs: (reconcileHours.value() || 4) * 3_600_000,
    minIntervalMs: minIntervalSeconds.value() * 1000,
    patientCacheMaxAgeMs: (patientCacheDays.value() || 7) * 86_400_000,
    overlapMs: MODIFIED_OVERLAP_MS,
    leaseMs: LEASE_MS,
    visitsPerTransaction: VISITS_PER_TRANSACTION,
    patientConcurrency: PATIENT_CONCURRENCY,
  });
}
