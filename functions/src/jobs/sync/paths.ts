// Where the schedule sync keeps what it writes. Everything lives under the practice and is
// keyed by Tebra's ids and the clinic-local date, so a re-run addresses the same documents:
//
//   practices/{practiceId}/schedules/{date}                 the day (what the board reads)
//   practices/{practiceId}/schedules/{date}/visits/{id}     one visit per appointment
//   practices/{practiceId}/schedules/{date}/sync/state      the day's cursor and run lease
//   practices/{practiceId}/patientCache/{patientId}         patient details, encrypted
//   practices/{practiceId}/tebraCache/providers             provider labels
//   practices/{practiceId}/tebraCache/patients              the patient cache's cursor
//
// The rules give clients the day and its visits only; `sync`, `patientCache` and
// `tebraCache` match no rule, so no client can read them. The day's `sync` state sits under
// the day so that retention removes it with the day.
import type { DocumentReference, Firestore } from "firebase-admin/firestore";

export const PRACTICES = "practices";
export const SCHEDULES = "schedules";
export const VISITS = "visits";
export const PATIENT_CACHE = "patientCache";

const TEBRA_ID = /^\d{1,19}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Tebra ids and clinic dates only: a path segment from anywhere else is refused. */
function checked(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new Error(`not a ${what}`);
  return value;
}

export function dayRef(
  db: Firestore,
  practiceId: string,
  date: string,
): DocumentReference {
  return db
    .collection(PRACTICES)
    .doc(checked(practiceId, TEBRA_ID, "practice id"))
    .collection(SCHEDULES)
    .doc(checked(date, DATE, "clinic date"));
}

export function visitRef(
  db: Firestore,
  practiceId: string,
  date: string,
  appointmentId: string,
): DocumentReference {
  return dayRef(db, practiceId, date)
    .collection(VISITS)
    .doc(checked(appointmentId, TEBRA_ID, "appointment id"));
}

export function syncStateRef(
  db: Firestore,
  practiceId: string,
  date: string,
): DocumentReference {
  return dayRef(db, practiceId, date).collection("sync").doc("state");
}

export function patientCacheRef(
  db: Firestore,
  practiceId: string,
  patientId: string,
): DocumentReference {
  return db
    .collection(PRACTICES)
    .doc(checked(practiceId, TEBRA_ID, "practice id"))
    .collection(PATIENT_CACHE)
    .doc(checked(patientId, TEBRA_ID, "patient id"));
}

export function providerCacheRef(db: Firestore, practiceId: string): DocumentReference {
  return db
    .collection(PRACTICES)
    .doc(checked(practiceId, TEBRA_ID, "practice id"))
    .collection("tebraCache")
    .doc("providers");
}

export function patientCursorRef(db: Firestore, practiceId: string): DocumentReference {
  return db
    .collection(PRACTICES)
    .doc(checked(practiceId, TEBRA_ID, "practice id"))
    .collection("tebraCache")
    .doc("patients");
}

export function isTebraId(value: unknown): value is string {
  return typeof value === "string" && TEBRA_ID.test(value);
}
