// Which patients a caller may open. The normal policy is a care relationship: the patient
// has a visit on the caller's practice's schedule within CARE_RELATIONSHIP_DAYS of today
// (clinic-local dates). Outside it, a provider may open a time-boxed break-glass grant
// (breakGlass.ts); an access allowed only by such a grant is marked in the audit trail.
// Auditors never open a patient; admins and the front desk only within the relationship.
import type { Firestore } from "firebase-admin/firestore";
import { DateTime } from "luxon";
import type { Caller } from "./guard.ts";

export const BREAK_GLASS = "breakGlass";

export type PatientAccessBasis =
  "care-relationship" | "break-glass" | "no-care-relationship" | "role-not-allowed";

export interface PatientAccess {
  allowed: boolean;
  /** True when only an active break-glass grant allowed it. */
  breakGlass: boolean;
  basis: PatientAccessBasis;
  /** The grant that allowed it, when `breakGlass`. */
  grantId?: string;
}

export interface PatientAccessSettings {
  careRelationshipDays: number;
  practiceTimeZone: string;
  now: Date;
}

/** The clinic-local dates (YYYY-MM-DD) a care relationship looks at, first and last. */
export function careWindow(settings: PatientAccessSettings): {
  from: string;
  to: string;
} {
  const today = DateTime.fromJSDate(settings.now, { zone: settings.practiceTimeZone });
  const days = Math.max(0, Math.floor(settings.careRelationshipDays));
  return {
    from: today.minus({ days }).toISODate()!,
    to: today.plus({ days }).toISODate()!,
  };
}

/** A visit of the patient on the practice's schedule within the window. */
export async function hasCareRelationship(
  firestore: Firestore,
  practiceId: string,
  patientId: string,
  settings: PatientAccessSettings,
): Promise<boolean> {
  const { from, to } = careWindow(settings);
  const visits = await firestore
    .collectionGroup("visits")
    .where("practiceId", "==", practiceId)
    .where("patientId", "==", patientId)
    .where("date", ">=", from)
    .where("date", "<=", to)
    .limit(1)
    .get();
  return !visits.empty;
}

/** A grant is in force from its opening until `expiresAt`, exclusive; then it is over. */
export function grantInForce(
  grant: { openedAt?: unknown; expiresAt?: unknown },
  now: Date,
): boolean {
  const opened = millisOf(grant.openedAt);
  const expires = millisOf(grant.expiresAt);
  if (opened === undefined || expires === undefined) return false;
  return opened <= now.getTime() && now.getTime() < expires;
}

function millisOf(value: unknown): number | undefined {
  const timestamp = value as { toMillis?: () => number } | null | undefined;
  return typeof timestamp?.toMillis === "function" ? timestamp.toMillis() : undefined;
}

/**
 * The id of the caller's grant for the patient that is in force now, if any. A user holds
 * few grants for one patient, so they are filtered here rather than by an index.
 */
export async function activeGrant(
  firestore: Firestore,
  uid: string,
  patientId: string,
  now: Date,
): Promise<string | undefined> {
  const grants = await firestore
    .collection(BREAK_GLASS)
    .where("uid", "==", uid)
    .where("patientId", "==", patientId)
    .get();
  return grants.docs.find((grant) => grantInForce(grant.data(), now))?.id;
}

export interface PatientAccessDeps {
  firestore: Firestore;
  settings: PatientAccessSettings;
}

/**
 * Decides whether `caller` may open `patientId`. The PHI callables call it (through the
 * operation context) before they read or change anything of one patient.
 */
export async function authorizePatientAccess(
  caller: Caller,
  patientId: string,
  deps: PatientAccessDeps,
): Promise<PatientAccess> {
  if (caller.role === "auditor") {
    return { allowed: false, breakGlass: false, basis: "role-not-allowed" };
  }
  if (
    caller.practiceId &&
    (await hasCareRelationship(
      deps.firestore,
      caller.practiceId,
      patientId,
      deps.settings,
    ))
  ) {
    return { allowed: true, breakGlass: false, basis: "care-relationship" };
  }
  if (caller.role === "provider") {
    const grantId = await activeGrant(
      deps.firestore,
      caller.uid,
      patientId,
      deps.settings.now,
    );
    if (grantId)
      return { allowed: true, breakGlass: true, basis: "break-glass", grantId };
  }
  return { allowed: false, breakGlass: false, basis: "no-care-relationship" };
}
