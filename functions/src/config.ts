// The backend's configuration in one typed place. Values come from Firebase parameters
// (environment files per project, prompted at deploy time) and are read only inside
// handlers: reading a parameter while the module loads would fix it at deploy time.
import {
  defineBoolean,
  defineInt,
  defineList,
  defineString,
} from "firebase-functions/params";

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

// ---- Access: break-glass, care relationship, rate limits ---------------------------------

const fieldEncryptionKeySecret = defineString("FIELD_ENCRYPTION_KEY_SECRET", {
  default: "field-encryption-key",
  description: "Secret Manager secret holding the keys that encrypt sensitive fields",
});

const breakGlassMaxMinutes = defineInt("BREAK_GLASS_MAX_MINUTES", {
  default: 60,
  description: "Longest break-glass grant a provider may open, in minutes",
});

const careRelationshipDays = defineInt("CARE_RELATIONSHIP_DAYS", {
  default: 7,
  description:
    "A patient with a visit on the practice's schedule within this many days is in care",
});

const rateLimitWindowSeconds = defineInt("RATE_LIMIT_WINDOW_SECONDS", {
  default: 60,
  description: "Length of the per-user, per-operation rate-limit window",
});

const rateLimitCallsPerWindow = defineInt("RATE_LIMIT_CALLS_PER_WINDOW", {
  default: 120,
  description: "Calls one user may make to one operation per window",
});

const rateLimitSearchesPerWindow = defineInt("RATE_LIMIT_SEARCHES_PER_WINDOW", {
  default: 30,
  description: "Patient searches one user may make per window (stricter than calls)",
});

const rateLimitAuthFailuresPerWindow = defineInt("RATE_LIMIT_AUTH_FAILURES_PER_WINDOW", {
  default: 20,
  description:
    "Refused calls (per uid, or per IP when signed out) before all are refused",
});

const rateLimitAuthFailureWindowSeconds = defineInt(
  "RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS",
  {
    default: 900,
    description: "Length of the window that counts refused calls",
  },
);

export interface AccessConfig {
  fieldEncryptionKeySecret: string;
  breakGlassMaxMinutes: number;
  careRelationshipDays: number;
  rateLimitWindowSeconds: number;
  rateLimitCallsPerWindow: number;
  rateLimitSearchesPerWindow: number;
  rateLimitAuthFailuresPerWindow: number;
  rateLimitAuthFailureWindowSeconds: number;
}

/** Reads the access parameters; call it inside a handler, never at module load. */
export function accessConfig(): AccessConfig {
  return {
    fieldEncryptionKeySecret: fieldEncryptionKeySecret.value(),
    breakGlassMaxMinutes: breakGlassMaxMinutes.value(),
    careRelationshipDays: careRelationshipDays.value(),
    rateLimitWindowSeconds: rateLimitWindowSeconds.value(),
    rateLimitCallsPerWindow: rateLimitCallsPerWindow.value(),
    rateLimitSearchesPerWindow: rateLimitSearchesPerWindow.value(),
    rateLimitAuthFailuresPerWindow: rateLimitAuthFailuresPerWindow.value(),
    rateLimitAuthFailureWindowSeconds: rateLimitAuthFailureWindowSeconds.value(),
  };
}

// ---- Audit trail -----------------------------------------------------------------------

const auditSealKeySecret = defineString("AUDIT_SEAL_KEY_SECRET", {
  default: "audit-seal-key",
  description: "Secret Manager secret holding the HMAC keys that sign the audit seals",
});

/** The practice's zone as a deploy-time expression, for schedules that run on clinic days. */
export const practiceTimeZoneParam = practiceTimeZone;

export interface AuditConfig {
  sealKeySecret: string;
  practiceTimeZone: string;
}

/** Reads the audit parameters; call it inside a handler, never at module load. */
export function auditConfig(): AuditConfig {
  return {
    sealKeySecret: auditSealKeySecret.value(),
    practiceTimeZone: practiceTimeZone.value(),
  };
}

// ---- Tebra -----------------------------------------------------------------------------

const practiceId = defineString("PRACTICE_ID", {
  description: "Tebra's PracticeID of the clinic's practice (digits)",
});

const practiceName = defineString("PRACTICE_NAME", {
  description:
    "Tebra's PracticeName of the clinic's practice, exactly as Tebra spells it",
});

export const TEBRA_PRODUCTION_ENDPOINT =
  "https://webservice.kareo.com/services/soap/2.1/KareoServices.svc";

const tebraEndpoint = defineString("TEBRA_ENDPOINT", {
  default: TEBRA_PRODUCTION_ENDPOINT,
  description: "Tebra's SOAP endpoint (HTTPS)",
});

const tebraSpkiPins = defineString("TEBRA_SPKI_PINS", {
  default: "",
  description:
    "Comma-separated base64 SHA-256 SPKI pins accepted in Tebra's certificate chain " +
    "(current and next during a rotation); required for any non-loopback endpoint",
});

const tebraCredentialsSecret = defineString("TEBRA_CREDENTIALS_SECRET", {
  default: "tebra-credentials",
  description:
    "Secret holding Tebra's API credentials as JSON {customerKey, user, password}",
});

const tebraCallTimeoutSeconds = defineInt("TEBRA_CALL_TIMEOUT_SECONDS", {
  default: 30,
  description: "Timeout of one attempt of a Tebra call",
});

const tebraThrottleMarginMs = defineInt("TEBRA_THROTTLE_MARGIN_MS", {
  default: 300,
  description:
    "Added to Tebra's interval between two calls of an operation (at least 250)",
});

export interface TebraConfig {
  practiceId: string;
  practiceName: string;
  practiceTimeZone: string;
  endpoint: string;
  spkiPins: string;
  credentialsSecret: string;
  callTimeoutMs: number;
  throttleMarginMs: number;
  /** Plain HTTP to a loopback endpoint (the emulator and the tests only). */
  allowLoopbackHttp: boolean;
}

/** Under the emulator or vitest, TEBRA_ENDPOINT_OVERRIDE points at a local Tebra on a
 *  free port (the emulator lets .env values win over the process environment). */
function endpointOverride(): string | undefined {
  const local = inEmulator() || process.env.VITEST === "true";
  return local ? process.env.TEBRA_ENDPOINT_OVERRIDE || undefined : undefined;
}

/** Reads the Tebra parameters; call it inside a handler, never at module load. */
export function tebraConfig(): TebraConfig {
  return {
    practiceId: practiceId.value(),
    practiceName: practiceName.value(),
    practiceTimeZone: practiceTimeZone.value() || "America/Chicago",
    endpoint: endpointOverride() ?? (tebraEndpoint.value() || TEBRA_PRODUCTION_ENDPOINT),
    spkiPins: tebraSpkiPins.value(),
    credentialsSecret: tebraCredentialsSecret.value() || "tebra-credentials",
    callTimeoutMs: (tebraCallTimeoutSeconds.value() || 30) * 1000,
    throttleMarginMs: tebraThrottleMarginMs.value() || 300,
    allowLoopbackHttp: inEmulator() || process.env.VITEST === "true",
  };
}

// ---- HTTPS API -------------------------------------------------------------------------

/**
 * Origins whose browsers may call the callables: the patient-flow web app's. A JSON list
 * in the .env file; empty turns CORS off, so browsers on any origin are refused (callers
 * without an Origin, servers and tests, are not affected: CORS binds browsers only).
 */
export const webAppOrigins = defineList("WEB_APP_ORIGINS", {
  default: [],
  description: "Origins (scheme://host[:port]) of the web app, allowed to call callables",
});

const apiAllowedOrigins = defineString("API_ALLOWED_ORIGINS", {
  default: "",
  description:
    "Comma-separated origins (scheme://host[:port]) whose browsers may call the HTTPS " +
    "API; empty allows none (server-to-server callers send no Origin)",
});

export interface ApiConfig {
  /** Exact origins, lower case, without a trailing slash. */
  allowedOrigins: string[];
}

/** Reads the API parameters; call it inside a handler, never at module load. */
export function apiConfig(): ApiConfig {
  return {
    allowedOrigins: apiAllowedOrigins
      .value()
      .split(",")
      .map((origin) => origin.trim().toLowerCase().replace(/\/+$/, ""))
      .filter((origin) => origin !== ""),
  };
}
