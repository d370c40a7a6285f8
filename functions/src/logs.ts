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

// ---- Security alerts, scheduled jobs and incidents -------------------------------------

/** The line the Cloud Monitoring alert policy matches (docs/monitoring.md). */
export function securityAlertRaised(alert: {
  alertId: string;
  rule: string;
  alertSeverity: string;
  subjectUid: string | null;
  count: number;
}): void {
  write("ALERT", "security.alert_raised", alert);
}

export function anomalyScanCompleted(scan: {
  status: string;
  eventsScanned: number;
  users: number;
  findings: number;
  alertsRaised: number;
  durationMs: number;
  caughtUp: boolean;
  cursorAt: string | null;
}): void {
  write("INFO", "anomaly.scan_completed", scan);
}

export function anomalyScanFailed(errorName: string): void {
  write("ERROR", "anomaly.scan_failed", { errorName });
}

export function retentionPurged(target: string, documents: number, cutoff: string): void {
  write("INFO", "retention.purged", { target, documents, cutoff });
}

export function retentionRefused(target: string, collection: string): void {
  write("ERROR", "retention.protected_refused", { target, collection });
}

export function retentionFailed(target: string, errorName: string): void {
  write("ERROR", "retention.failed", { target, errorName });
}

export function backupExportStarted(operationId: string, outputUriPrefix: string): void {
  write("INFO", "backup.export_started", { operationId, outputUriPrefix });
}

export function backupExportCompleted(outputUriPrefix: string, durationMs: number): void {
  write("NOTICE", "backup.export_completed", { outputUriPrefix, durationMs });
}

export function backupExportStillRunning(operationId: string, waitedMs: number): void {
  write("WARNING", "backup.export_still_running", { operationId, waitedMs });
}

/** The line the backup-failure alert policy matches (docs/monitoring.md). */
export function backupExportFailed(
  outputUriPrefix: string,
  errorName: string,
  code: string | number | null,
): void {
  write("ERROR", "backup.export_failed", { outputUriPrefix, errorName, code });
}

export function lockdownStarted(lockdown: {
  by: string;
  reasonCode: string;
  sessionsRevoked: number;
  revokeFailures: number;
}): void {
  write("ALERT", "incident.lockdown_started", lockdown);
}

export function lockdownEnded(by: string, tebraEnabled: boolean): void {
  write("NOTICE", "incident.lockdown_ended", { by, tebraEnabled });
}

export function auditWriteFailed(functionName: string, errorName: string): void {
  // The caller gets an error and no PHI; this line says why the trail refused.
  write("ERROR", "audit.write_failed", { function: functionName, errorName });
}

export function auditCloudLoggingFailed(what: string, errorName: string): void {
  write("ERROR", "audit.cloud_logging_failed", { what, errorName });
}

export function auditSealed(shard: number, seq: number, events: number): void {
  write("DEBUG", "audit.sealed", { shard, seq, events });
}

export function auditSealRaced(shard: number, seq: number): void {
  write("INFO", "audit.seal_raced", { shard, seq });
}

export function auditSealerRun(seals: number, events: number, durationMs: number): void {
  write("INFO", "audit.sealer_run", { seals, events, durationMs });
}

export function auditVerified(
  ok: boolean,
  findings: number,
  events: number,
  seals: number,
  durationMs: number,
): void {
  write(ok ? "INFO" : "ALERT", "audit.verified", {
    ok,
    findings,
    events,
    seals,
    durationMs,
  });
}

export function auditTamperDetected(
  kind: string,
  shard: number | null,
  seq: number | null,
  eventId: string | null,
): void {
  // Cloud Monitoring alerts on this event name (docs/audit.md).
  write("ALERT", "audit.tamper_detected", { kind, shard, seq, eventId });
}

export function auditReportStored(reportId: string, events: number): void {
  write("INFO", "audit.report_stored", { reportId, events });
}

// ---- Tebra client ---------------------------------------------------------------------

export function tebraCallSucceeded(
  operation: string,
  durationMs: number,
  attempts: number,
  rows: number | null,
): void {
  write("DEBUG", "tebra.call_succeeded", { operation, durationMs, attempts, rows });
}

export function tebraCallFailed(failure: {
  operation: string;
  kind: string;
  code: string;
  attempts: number;
  durationMs: number;
  httpStatus: number | null;
  reason: string | null;
}): void {
  write(failure.kind === "contract" ? "ERROR" : "WARNING", "tebra.call_failed", failure);
}

/** Needs a person: refused credentials, an unauthorized practice, a malformed request, a
 *  missing configuration or a TLS failure. Cloud Monitoring alerts on this event name. */
export function tebraAlert(
  kind: string,
  operation: string | null,
  reason: string | null,
): void {
  write("ALERT", "tebra.alert", { kind, operation, reason });
}

export function tebraTlsPinMismatch(
  host: string,
  presentedPins: readonly string[],
): void {
  write("ALERT", "tebra.tls_pin_mismatch", { host, presentedPins });
}

export function tebraThrottled(
  operation: string,
  retryAfterMs: number,
  source: string,
): void {
  write("WARNING", "tebra.throttled", { operation, retryAfterMs, source });
}

export function tebraBreakerStateChanged(state: string): void {
  write(state === "open" ? "ERROR" : "NOTICE", "tebra.breaker_state_changed", { state });
}

export function tebraSwitchedOff(operation: string): void {
  write("NOTICE", "tebra.switched_off", { operation });
}

export function tebraThrottleTableRefreshed(entries: number, matched: number): void {
  write("INFO", "tebra.throttle_table_refreshed", { entries, matched });
}

export function tebraThrottleTableRefreshFailed(kind: string): void {
  write("WARNING", "tebra.throttle_table_refresh_failed", { kind });
}

export function tebraRowsSkipped(operation: string, rows: number, reason: string): void {
  write("WARNING", "tebra.rows_skipped", { operation, rows, reason });
}

// ---- Secrets --------------------------------------------------------------------------

export function secretLoaded(secret: string, version: string): void {
  write("INFO", "secret.loaded", { secret, version });
}

export function secretUnavailable(secret: string, reason: string): void {
  write("ALERT", "secret.unavailable", { secret, reason });
}

// ---- PHI functions and the HTTPS API ---------------------------------------------------

export function referenceDataLoaded(kind: string, count: number): void {
  write("DEBUG", "phi.reference_data_loaded", { kind, count });
}

/** Tebra statuses the flow does not know read as scheduled; the count says how many. */
export function flowStatusUnmapped(operation: string, count: number): void {
  write("WARNING", "phi.flow_status_unmapped", { operation, count });
}

// No appointment id in these two: it points at one patient's visit, and the audit
// trail already records which appointment was changed and by whom.
export function visitFlowUpdated(status: string): void {
  write("DEBUG", "phi.visit_flow_updated", { status });
}

/** The day of the moved appointment is not in Firestore: only Tebra was changed. */
export function visitNotSynced(): void {
  write("DEBUG", "phi.visit_not_synced");
}

/** Refused before any operation ran: no route, a method, an origin, a size. */
export function apiRequestRefused(reason: string, method: string, route: string | null) {
  write("INFO", "api.request_refused", { reason, method, route });
}

/** verifyIdToken refused the bearer token; `code` is Firebase Auth's error code. */
export function apiTokenRejected(code: string): void {
  write("INFO", "api.token_rejected", { code });
}

// ---- Schedule sync (src/jobs/sync) -----------------------------------------------------

export function syncCompleted(run: {
  practiceId: string;
  date: string;
  trigger: string;
  status: string;
  mode: string | null;
  appointmentCount: number;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  kept: number;
  keptLocalStatus: number;
  patientsFetched: number;
  patientsFromCache: number;
  patientsRefreshed: number;
  tebraCalls: number;
  durationMs: number;
}): void {
  write(run.status === "completed" ? "INFO" : "NOTICE", "sync.completed", run);
}

/** A run that did not start: another holds the day, or the last one is too recent. */
export function syncSkipped(practiceId: string, date: string, reason: string): void {
  write("INFO", "sync.skipped", { practiceId, date, reason });
}

export function syncFailed(
  practiceId: string,
  date: string,
  errorName: string,
  kind: string | null,
): void {
  write("ERROR", "sync.failed", { practiceId, date, errorName, kind });
}

/** Tebra sent a status the flow map does not know; `statusKey` is its letters only. */
export function syncStatusUnmapped(
  practiceId: string,
  date: string,
  statusKey: string,
  count: number,
): void {
  write("WARNING", "sync.status_unmapped", { practiceId, date, statusKey, count });
}

// ---- Credential rotation (src/jobs/rotation) -------------------------------------------

export function credentialPromoted(
  secret: string,
  version: string,
  previousVersion: string | null,
): void {
  write("NOTICE", "rotation.credential_promoted", { secret, version, previousVersion });
}

/** A pending Tebra credential did not authenticate; an alert is raised beside this line. */
export function credentialRefused(secret: string, version: string, reason: string): void {
  write("ERROR", "rotation.credential_refused", { secret, version, reason });
}

export function credentialVersionDisabled(
  secret: string,
  version: string,
  reason: string,
): void {
  write("NOTICE", "rotation.version_disabled", { secret, version, reason });
}

/** The current version is older than the warning age (the alert age raises an alert). */
export function credentialAgeWarning(
  secret: string,
  version: string,
  ageDays: number,
): void {
  write("WARNING", "rotation.age_warning", { secret, version, ageDays });
}

export function keyRotated(
  secret: string,
  version: string,
  previousVersion: string | null,
) {
  write("NOTICE", "rotation.key_rotated", { secret, version, previousVersion });
}

export function keyReencrypted(
  secret: string,
  location: string,
  documents: number,
): void {
  write("INFO", "rotation.reencrypted", { secret, location, documents });
}

export function rotationCompleted(secret: string, status: string, durationMs: number) {
  write("INFO", "rotation.completed", { secret, status, durationMs });
}

export function rotationFailed(secret: string, errorName: string): void {
  write("ERROR", "rotation.failed", { secret, errorName });
}
