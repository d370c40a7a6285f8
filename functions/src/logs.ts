// The log catalog: every line this backend writes to Cloud Logging is one of the functions
// below. Each takes identifiers, codes, counts and durations, never names, dates of birth,
// phone numbers, notes or SOAP text. As a second guard, any string value that does not look
// like an identifier is replaced before it is written, so a mistake shows as "[redacted]"
// in the logs, not as a patient's name.
import { logger } from "firebase-functions";

type Severity = "DEBUG" | "INFO" | "NOTICE" | "WARNING" | "ERROR" | "ALERT";
type LogValue = string | number | boolean | null | undefined | readonly string[];
type LogFields = Record<string, LogValue>;

/** Identifiers, codes and ISO timestamps; no spaces, no "@", bounded length. */
const IDENTIFIER = /^[A-Za-z0-9_.:/+=-]{0,160}$/;
export const REDACTED = "[redacted]";

function clean(value: LogValue): LogValue {
  if (typeof value === "string") return IDENTIFIER.test(value) ? value : REDACTED;
  if (Array.isArray(value)) {
    return (value as readonly string[]).map((item) => clean(item) as string);
  }
  return value;
}

/** Exported for tests of the guard; handlers call the named events below. */
export function sanitize(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) out[key] = clean(value);
  return out;
}

function write(severity: Severity, event: string, fields: LogFields = {}): void {
  // The last plain object becomes jsonPayload; `event` is what metrics and alerts match.
  logger.write({ severity, message: event, event, ...sanitize(fields) });
}

// ---- Platform -------------------------------------------------------------------------

export function healthChecked(status: string, failing: readonly string[]): void {
  write(failing.length ? "WARNING" : "DEBUG", "health.checked", { status, failing });
}

export function unexpectedError(where: string, errorName: string): void {
  // Only the error's class name: messages from libraries can quote the data they choked on.
  write("ERROR", "error.unexpected", { where, errorName });
}

// ---- Identity -------------------------------------------------------------------------

export function callerDescribed(uid: string, role: string | null): void {
  write("DEBUG", "identity.caller_described", { uid, role });
}

// ---- Audit trail ----------------------------------------------------------------------

export function auditEventWritten(
  eventId: string,
  action: string,
  entityType: string,
): void {
  write("DEBUG", "audit.event_written", { eventId, action, entityType });
}

export function auditEventDuplicate(eventId: string): void {
  write("INFO", "audit.event_duplicate", { eventId });
}
