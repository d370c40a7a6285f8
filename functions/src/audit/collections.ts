// Where the audit trail lives in Firestore. Nothing in this backend updates or deletes a
// document in these collections; the retention guard (retention.ts) refuses them too.

export const AUDIT_EVENTS = "auditEvents";
export const AUDIT_SEALS = "auditSeals";
/** One document per shard: the chain head and the sealer's cursor. */
export const AUDIT_STATE = "auditState";
export const COMPLIANCE_REPORTS = "complianceReports";
/** Written by the anomaly scan and by the daily review when the trail fails to verify. */
export const SECURITY_ALERTS = "securityAlerts";

export function sealDocId(shard: number, seq: number): string {
  return `${String(shard).padStart(2, "0")}-${String(seq).padStart(10, "0")}`;
}

export function stateDocId(shard: number): string {
  return `shard-${String(shard).padStart(2, "0")}`;
}
