// Opening a break-glass grant: a provider's time-boxed access to one patient outside the
// care relationship, for a stated reason. The grant and a high-severity security alert are
// written together; the reason is encrypted (FieldCipher), bound to its document and field.
// A grant needs no job to close it: every use compares `expiresAt` with the time.
import { createHash, randomUUID } from "node:crypto";
import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { SECURITY_ALERTS } from "../audit/collections.ts";
import type { FieldCipher } from "../crypto/fieldCipher.ts";
import * as logs from "../logs.ts";
import type { Caller } from "./guard.ts";
import { BREAK_GLASS } from "./patientAccess.ts";

export const BREAK_GLASS_ALERT_RULE = "break-glass";

/** Binds an encrypted field to its place: the document path and the field's name. */
export function associatedData(docPath: string, field: string): string {
  return `${docPath}#${field}`;
}

/** The alert's id, derived from the grant so that a retry cannot raise a second one. */
export function breakGlassAlertId(grantId: string): string {
  const digest = createHash("sha256").update(grantId, "utf8").digest("hex");
  return `${BREAK_GLASS_ALERT_RULE}-${digest.slice(0, 24)}`;
}

export interface BreakGlassRequest {
  patientId: string;
  reason: string;
  minutes: number;
}

export interface BreakGlassGrant {
  grantId: string;
  patientId: string;
  /** ISO 8601, UTC. */
  openedAt: string;
  expiresAt: string;
  alertId: string;
}

export interface BreakGlassDeps {
  firestore: Firestore;
  cipher: FieldCipher;
  now: Date;
  /** The longest grant allowed; longer requests are cut to it. */
  maxMinutes: number;
}

export async function openGrant(
  caller: Caller,
  request: BreakGlassRequest,
  deps: BreakGlassDeps,
): Promise<BreakGlassGrant> {
  const grantId = randomUUID();
  const ref = deps.firestore.collection(BREAK_GLASS).doc(grantId);
  const minutes = Math.min(request.minutes, deps.maxMinutes);
  const openedAt = deps.now;
  const expiresAt = new Date(openedAt.getTime() + minutes * 60_000);
  const reason = await deps.cipher.encrypt(
    request.reason,
    associatedData(ref.path, "reason"),
  );
  const alertId = breakGlassAlertId(grantId);

  const batch = deps.firestore.batch();
  batch.create(ref, {
    uid: caller.uid,
    role: caller.role,
    practiceId: caller.practiceId,
    patientId: request.patientId,
    reason,
    minutes,
    openedAt: Timestamp.fromDate(openedAt),
    expiresAt: Timestamp.fromDate(expiresAt),
  });
  // The same shape as the anomaly scan's alerts (incident/securityAlerts.ts): ids only.
  batch.create(deps.firestore.collection(SECURITY_ALERTS).doc(alertId), {
    rule: BREAK_GLASS_ALERT_RULE,
    severity: "high",
    subjectUid: caller.uid,
    bucket: grantId,
    window: { from: openedAt, to: expiresAt },
    count: 1,
    eventIds: [],
    entity: { type: "breakGlass", id: grantId },
    patientIds: [request.patientId],
    practiceId: caller.practiceId,
    raisedBy: "openBreakGlass",
    createdAt: FieldValue.serverTimestamp(),
    updatedAt: FieldValue.serverTimestamp(),
    acknowledgedAt: null,
    acknowledgedBy: null,
  });
  await batch.commit();

  logs.securityAlertRaised({
    alertId,
    rule: BREAK_GLASS_ALERT_RULE,
    alertSeverity: "high",
    subjectUid: caller.uid,
    count: 1,
  });
  return {
    grantId,
    patientId: request.patientId,
    openedAt: openedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    alertId,
  };
}

/** Reads a grant's reason back (for a compliance review); the field must not have moved. */
export async function readBreakGlassReason(
  firestore: Firestore,
  cipher: FieldCipher,
  grantId: string,
): Promise<string | undefined> {
  const ref = firestore.collection(BREAK_GLASS).doc(grantId);
  const snapshot = await ref.get();
  const envelope = snapshot.get("reason") as unknown;
  if (typeof envelope !== "string") return undefined;
  return cipher.decrypt(envelope, associatedData(ref.path, "reason"));
}
