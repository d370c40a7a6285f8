// One document per row of the access matrix, and the writes each persona attempts on it.
// Synthetic data only. The writes are the ones a client would plausibly try (a flow move,
// an acknowledgement, a role change, an audit edit), so a refusal is a refusal of intent,
// not of a malformed payload.
import { Timestamp, serverTimestamp, type DocumentData } from "firebase/firestore";
import type { Profile } from "../../../src/identity/guard.ts";
import {
  OTHER_PRACTICE_ID,
  PERSONAS,
  PRACTICE_ID,
  type Persona,
  type TargetId,
} from "./matrix.ts";

export const DAY = "2026-03-02";
export const SCHEDULE_PATH = `practices/${PRACTICE_ID}/schedules/${DAY}`;
export const VISIT_PATH = `${SCHEDULE_PATH}/visits/appt-1001`;
export const OTHER_VISIT_PATH = `practices/${OTHER_PRACTICE_ID}/schedules/${DAY}/visits/appt-2001`;
export const ALERT_PATH = "securityAlerts/alert-0001";

/**
 * The persona's `users/{uid}` profile as the backend writes it (typed by the guard's own
 * reading of it), or null when it has none.
 */
export function profileOf(persona: Persona): Profile | null {
  if (!persona.uid || persona.profile === "missing") return null;
  const profile: Profile = {
    active: persona.profile !== "inactive",
    role: persona.profile === "role-changed" ? "provider" : (persona.role ?? null),
    practiceId: persona.practiceId ?? null,
  };
  // Revoked a minute ago, after the persona's sign-in.
  if (persona.profile === "revoked") {
    profile.sessionsRevokedAt = Timestamp.fromMillis(Date.now() - 60_000);
  }
  return profile;
}

/** A visit as the sync writes it: the board's fields and the flow fields, unset. */
export function visitDocument(practiceId = PRACTICE_ID, appointmentId = "appt-1001") {
  return {
    practiceId,
    date: DAY,
    appointmentId,
    patientId: "pat-0001",
    patientName: "Testpatient, Ada",
    patientDob: "1970-01-01",
    startTime: "2026-03-02T15:00:00Z",
    endTime: "2026-03-02T15:20:00Z",
    appointmentType: "Follow-up",
    appointmentReason: "Synthetic reason",
    providerId: "prov-01",
    providerLabel: "Dr. Example",
    serviceLocationId: "loc-01",
    tebraStatus: "Scheduled",
    tebraModifiedAt: "2026-03-01T12:00:00Z",
    syncedAt: "2026-03-02T11:00:00Z",
    status: "scheduled",
    room: null,
    checkedInAt: null,
    roomedAt: null,
    readyForProviderAt: null,
    seenByProviderAt: null,
    checkedOutAt: null,
    flowUpdatedBy: null,
    flowUpdatedAt: null,
  };
}

export function alertDocument() {
  return {
    kind: "repeated-denials",
    severity: "high",
    subjectUid: "staff",
    raisedAt: new Date("2026-03-02T16:00:00Z"),
    acknowledgedAt: null,
    acknowledgedBy: null,
  };
}

/** A flow write as the app makes it: the fields, signed by the writer. */
export function flowWrite(uid: string, fields: DocumentData): DocumentData {
  return { ...fields, flowUpdatedBy: uid, flowUpdatedAt: serverTimestamp() };
}

export function acknowledgement(uid: string, note?: string): DocumentData {
  return {
    acknowledgedAt: serverTimestamp(),
    acknowledgedBy: uid,
    ...(note === undefined ? {} : { acknowledgementNote: note }),
  };
}

interface Fixture {
  /** The document the row is about; the persona matters only for one's own profile. */
  path: (persona: Persona) => string;
  /** Its content, or null when the row's document does not exist for this persona. */
  seed: (persona: Persona) => DocumentData | null;
  /** A plausible new document in the same collection. */
  create: (uid: string) => DocumentData;
  /** A plausible change to the seeded document. */
  update: (uid: string) => DocumentData;
}

function fixed(
  path: string,
  seed: () => DocumentData,
  update: (uid: string) => DocumentData,
  create: (uid: string) => DocumentData = seed,
): Fixture {
  return { path: () => path, seed: () => seed(), create, update };
}

const auditEvent = () => ({
  action: "read",
  outcome: "success",
  agent: { uid: "staff", role: "staff", kind: "user", breakGlass: false },
  entity: { type: "visit", id: "appt-1001" },
  patientIds: ["pat-0001"],
  purposeOfUse: "HOPERAT",
  source: { function: "getSchedule", requestId: "req-0001" },
  severity: "normal",
});
const seal = () => ({ sequence: 1, digest: "a".repeat(64), previous: "0".repeat(64) });
const tamper = () => ({ outcome: "denied" });
const reseal = () => ({ digest: "b".repeat(64) });

export const FIXTURES: Readonly<Record<TargetId, Fixture>> = {
  "own-profile": {
    path: (persona) => `users/${persona.uid ?? "signed-out-reader"}`,
    seed: (persona) => profileOf(persona),
    create: () => ({ role: "admin", practiceId: PRACTICE_ID, active: true }),
    update: () => ({ role: "admin" }),
  },
  "other-profile": fixed(
    "users/someone-else",
    () => ({ role: "provider", practiceId: PRACTICE_ID, active: true }),
    () => ({ active: false }),
  ),
  practice: fixed(
    `practices/${PRACTICE_ID}`,
    () => ({ practiceName: "Example Clinic" }),
    () => ({ practiceName: "Renamed Clinic" }),
  ),
  schedule: fixed(
    SCHEDULE_PATH,
    () => ({ date: DAY, visitCount: 1, lastSyncedAt: new Date("2026-03-02T11:00:00Z") }),
    () => ({ visitCount: 0 }),
  ),
  visit: fixed(
    VISIT_PATH,
    () => visitDocument(),
    (uid) => flowWrite(uid, { status: "checked-in", checkedInAt: serverTimestamp() }),
  ),
  // Backend-only documents under the practice: the sync's memory and Tebra caches (the
  // patient cache holds names and dates of birth, encrypted).
  "sync-state": fixed(
    `${SCHEDULE_PATH}/sync/state`,
    () => ({ lastRunAt: new Date("2026-03-02T11:00:00Z"), status: "ok" }),
    () => ({ status: "running" }),
  ),
  "patient-cache": fixed(
    `practices/${PRACTICE_ID}/patientCache/pat-0001`,
    () => ({ name: "enc:v1:synthetic", dob: "enc:v1:synthetic" }),
    () => ({ name: "enc:v1:replaced" }),
  ),
  "tebra-cache": fixed(
    `practices/${PRACTICE_ID}/tebraCache/providers`,
    () => ({ providers: [{ id: "prov-01", name: "Dr. Synthetic" }] }),
    () => ({ providers: [] }),
  ),
  "audit-event": fixed("auditEvents/evt-0001", auditEvent, tamper),
  "audit-seal": fixed("auditSeals/00-0000000001", seal, reseal),
  "audit-seal-child": fixed("auditSeals/00-0000000001/leaves/evt-0001", seal, reseal),
  "audit-state": fixed(
    "auditState/shard-00",
    () => ({ lastSequence: 1, head: "a".repeat(64) }),
    () => ({ lastSequence: 0 }),
  ),
  "security-alert": fixed(ALERT_PATH, alertDocument, (uid) => acknowledgement(uid)),
  "compliance-report": fixed(
    `complianceReports/${DAY}`,
    () => ({ periodStart: DAY, periodEnd: DAY, totalEvents: 12, chainVerified: true }),
    () => ({ chainVerified: false }),
  ),
  config: fixed(
    "config/runtime",
    () => ({ tebraEnabled: true, lockdown: { active: false } }),
    () => ({ tebraEnabled: false }),
  ),
  "anomaly-baseline": fixed(
    "anomalyBaselines/staff",
    () => ({ meanDailyReads: 40, updatedAt: new Date("2026-03-02T06:00:00Z") }),
    () => ({ meanDailyReads: 100_000 }),
  ),
  "rate-limit": fixed(
    "rateLimits/staff-getSchedule",
    () => ({ count: 3, windowStart: new Date("2026-03-02T16:00:00Z") }),
    () => ({ count: 0 }),
  ),
  "tebra-throttle": fixed(
    `tebraThrottle/practice-${PRACTICE_ID}`,
    () => ({ tokens: 5 }),
    () => ({ tokens: 1000 }),
  ),
  "credential-rotation": fixed(
    "credentialRotation/tebra",
    () => ({ currentVersion: "2", pendingVersion: null }),
    () => ({ pendingVersion: "3" }),
  ),
  "break-glass": fixed(
    "breakGlass/grant-0001",
    () => ({ uid: "provider", patientId: "pat-0001", reason: "synthetic" }),
    () => ({ expiresAt: new Date("2099-01-01T00:00:00Z") }),
  ),
  "local-secret": fixed(
    "_localSecrets/tebra-password",
    () => ({ value: "local-password-not-secret" }),
    () => ({ value: "local-replacement-not-secret" }),
  ),
  unlisted: fixed(
    "patients/pat-0001",
    () => ({ patientName: "Testpatient, Ada" }),
    () => ({ patientName: "Changed, Ada" }),
  ),
};

/** The profile of every signed-in persona that has one. */
export function profileDocuments(): Record<string, DocumentData> {
  const documents: Record<string, DocumentData> = {};
  for (const persona of PERSONAS) {
    const profile = profileOf(persona);
    if (profile) documents[`users/${persona.uid}`] = profile;
  }
  return documents;
}

/** Every document the matrix reads: each row's, and each signed-in persona's profile. */
export function matrixDocuments(): Record<string, DocumentData> {
  const documents: Record<string, DocumentData> = {};
  for (const fixture of Object.values(FIXTURES)) {
    for (const persona of PERSONAS) {
      const data = fixture.seed(persona);
      if (data) documents[fixture.path(persona)] = data;
    }
  }
  return documents;
}
