// The backend's configuration in one typed place. Values come from Firebase parameters
// (environment files per project, prompted at deploy time) and are read only inside
// handlers: reading a parameter while the module loads would fix it at deploy time.
import { defineBoolean, defineInt, defineString } from "firebase-functions/params";

export const REGION = "us-central1";

/** The service's own name for logs, the audit trail and the health report. */
export const SERVICE_NAME = "tebra-bridge";

const practiceTimeZone = defineString("PRACTICE_TIME_ZONE", {
  default: "America/Chicago",
  description: "IANA time zone of the practice; the clinic day is a date in this zone",
});

const enforceAppCheck = defineBoolean("ENFORCE_APP_CHECK", {
  default: true,
  description:
    "Require a valid App Check token on callables (switch off only in the emulator)",
});

const maxSessionAgeMinutes = defineInt("MAX_SESSION_AGE_MINUTES", {
  default: 720,
  description:
    "A session older than this (from the ID token's auth_time) must sign in again",
});

export interface RuntimeConfig {
  practiceTimeZone: string;
  enforceAppCheck: boolean;
  maxSessionAgeMinutes: number;
}

/** Reads the parameters; call it inside a handler, never at module load. */
export function runtimeConfig(): RuntimeConfig {
  return {
    practiceTimeZone: practiceTimeZone.value(),
    enforceAppCheck: enforceAppCheck.value(),
    maxSessionAgeMinutes: maxSessionAgeMinutes.value(),
  };
}

/** Whether this process runs inside the Firebase Emulator Suite. */
export function inEmulator(): boolean {
  return process.env.FUNCTIONS_EMULATOR === "true";
}
