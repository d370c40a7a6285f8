// The access matrix: which persona may do which operation on which collection from a
// client. The rules suite tries every cell on the emulator (what is not listed here must
// be refused), and docs/SECURITY.md shows it as a table rendered from this file, so the
// rules, the tests and the doc cannot drift apart. Pure data: no Firebase imports.

export const OPERATIONS = ["get", "list", "create", "update", "delete"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Tebra's PracticeID of the clinic the fixtures belong to, and of another clinic. */
export const PRACTICE_ID = "1";
export const OTHER_PRACTICE_ID = "2";

/** Minutes since sign-in of a fresh session, and of one past MAX_SESSION_AGE_MINUTES. */
export const FRESH_SESSION_MINUTES = 5;
export const STALE_SESSION_MINUTES = 13 * 60;

/** The personas fall in three tables in docs/SECURITY.md. */
export const PERSONA_GROUPS = {
  complete:
    "The four roles with a complete session (a second factor, a fresh session, the " +
    "practice's claim, an active profile that matches the token), a signed-in user " +
    "with no role, and a signed-out client",
  "sign-in":
    "Each role whose sign-in falls short: no second factor, or a session older than " +
    "the maximum",
  standing: "Each role in another practice, and a token whose profile no longer backs it",
} as const;

/** How the persona's `users/{uid}` profile stands against its token. */
export type ProfileStanding =
  "matching" | "inactive" | "revoked" | "role-changed" | "missing";

export interface Persona {
  id: string;
  /** The column heading in docs/SECURITY.md. */
  label: string;
  group: keyof typeof PERSONA_GROUPS;
  /** The Firebase uid; null when signed out. */
  uid: string | null;
  /** The custom claims `role` and `practiceId`. */
  role?: string;
  practiceId?: string;
  /** Whether the sign-in completed a second factor. */
  secondFactor: boolean;
  /** Minutes since the user signed in (the ID token's auth_time). */
  sessionAgeMinutes: number;
  profile: ProfileStanding;
}

function persona<const Id extends string>(
  id: Id,
  fields: Omit<Persona, "id" | "uid" | "profile"> & Partial<Persona>,
): Persona & { id: Id } {
  return { uid: id, profile: "matching", ...fields, id };
}

function member<const Id extends string>(
  id: Id,
  role: string,
  label: string,
  changes: Partial<Persona> & Pick<Persona, "group">,
): Persona & { id: Id } {
  return persona(id, {
    label,
    role,
    practiceId: PRACTICE_ID,
    secondFactor: true,
    sessionAgeMinutes: FRESH_SESSION_MINUTES,
    ...changes,
  });
}

const complete = { group: "complete" } as const;
const noSecondFactor = { secondFactor: false, group: "sign-in" } as const;
const stale = { sessionAgeMinutes: STALE_SESSION_MINUTES, group: "sign-in" } as const;
const otherPractice = { practiceId: OTHER_PRACTICE_ID, group: "standing" } as const;
const standing = (profile: ProfileStanding) => ({ profile, group: "standing" }) as const;

export const PERSONAS = [
  member("admin", "admin", "admin", complete),
  member("provider", "provider", "provider", complete),
  member("staff", "staff", "staff", complete),
  member("auditor", "auditor", "auditor", complete),
  persona("no-role", {
    label: "no role",
    group: "complete",
    practiceId: PRACTICE_ID,
    secondFactor: true,
    sessionAgeMinutes: FRESH_SESSION_MINUTES,
  }),
  persona("signed-out", {
    label: "signed out",
    group: "complete",
    uid: null,
    secondFactor: false,
    sessionAgeMinutes: 0,
  }),
  member("admin-no-2fa", "admin", "admin, no 2nd factor", noSecondFactor),
  member("provider-no-2fa", "provider", "provider, no 2nd factor", noSecondFactor),
  member("staff-no-2fa", "staff", "staff, no 2nd factor", noSecondFactor),
  member("auditor-no-2fa", "auditor", "auditor, no 2nd factor", noSecondFactor),
  member("admin-stale", "admin", "admin, stale session", stale),
  member("provider-stale", "provider", "provider, stale session", stale),
  member("staff-stale", "staff", "staff, stale session", stale),
  member("auditor-stale", "auditor", "auditor, stale session", stale),
  member("admin-elsewhere", "admin", "admin, other practice", otherPractice),
  member("provider-elsewhere", "provider", "provider, other practice", otherPractice),
  member("staff-elsewhere", "staff", "staff, other practice", otherPractice),
  member("auditor-elsewhere", "auditor", "auditor, other practice", otherPractice),
  member("staff-inactive", "staff", "staff, inactive profile", standing("inactive")),
  member("staff-revoked", "staff", "staff, sessions revoked", standing("revoked")),
  member(
    "staff-role-changed",
    "staff",
    "staff, profile now provider",
    standing("role-changed"),
  ),
  member("staff-no-profile", "staff", "staff, no profile", standing("missing")),
] as const;

export type MatrixPersona = (typeof PERSONAS)[number];
export type PersonaId = MatrixPersona["id"];

export interface Target {
  id: string;
  /** The row heading in docs/SECURITY.md. */
  label: string;
  /** Conditions on an allowed operation, shown as footnotes. */
  conditions?: Partial<Record<Operation, string>>;
}

function target<const Id extends string>(
  id: Id,
  label: string,
  conditions?: Target["conditions"],
): Target & { id: Id } {
  return conditions ? { id, label, conditions } : { id, label };
}

export const TARGETS = [
  target("own-profile", "`users/{uid}`, one's own"),
  target("other-profile", "`users/{uid}`, another user's"),
  target("practice", "`practices/{practiceId}`"),
  target("schedule", "`practices/{practiceId}/schedules/{date}`"),
  target("visit", "`…/schedules/{date}/visits/{appointmentId}`", {
    update:
      "only the flow fields, each of its type, along an allowed status move, " +
      "stamped with the writer's uid and the server's time (see below)",
  }),
  target("sync-state", "`…/schedules/{date}/sync/state`"),
  target("patient-cache", "`practices/{practiceId}/patientCache/{patientId}`"),
  target("tebra-cache", "`practices/{practiceId}/tebraCache/{docId}`"),
  target("audit-event", "`auditEvents/{eventId}`"),
  target("audit-seal", "`auditSeals/{sealId}`"),
  target("audit-seal-child", "`auditSeals/{…}/{subcollection}/{id}`"),
  target("audit-state", "`auditState/{docId}`"),
  target("security-alert", "`securityAlerts/{alertId}`", {
    update:
      "only an acknowledgement, once: `acknowledgedAt` (the server's time), " +
      "`acknowledgedBy` (the admin's uid), optionally `acknowledgementNote` (≤ 500 characters)",
  }),
  target("compliance-report", "`complianceReports/{reportId}`"),
  target("config", "`config/{docId}`"),
  target("anomaly-baseline", "`anomalyBaselines/{…}`"),
  target("rate-limit", "`rateLimits/{…}`"),
  target("tebra-throttle", "`tebraThrottle/{…}`"),
  target("credential-rotation", "`credentialRotation/{…}`"),
  target("break-glass", "`breakGlass/{…}`"),
  target("local-secret", "`_localSecrets/{…}`"),
  target("unlisted", "any other path (e.g. `patients/{id}`)"),
] as const;

export type TargetId = (typeof TARGETS)[number]["id"];

const SIGNED_IN: readonly PersonaId[] = PERSONAS.filter((p) => p.uid !== null).map(
  (p) => p.id,
);
/** PHI readers of the fixtures' practice: complete sessions only, never auditors. */
const PHI_READERS: readonly PersonaId[] = ["admin", "provider", "staff"];
const FLOW_WRITERS: readonly PersonaId[] = ["provider", "staff"];
/** Admins and auditors are not bound to a practice outside PHI. */
const ADMINS: readonly PersonaId[] = ["admin", "admin-elsewhere"];
const AUDITORS: readonly PersonaId[] = ["auditor", "auditor-elsewhere"];

/** Every allowed cell. Any persona, target and operation not listed here is refused. */
export const ALLOWED: Readonly<
  Record<TargetId, Partial<Record<Operation, readonly PersonaId[]>>>
> = {
  "own-profile": { get: SIGNED_IN, list: ADMINS },
  "other-profile": { get: ADMINS, list: ADMINS },
  practice: {},
  schedule: { get: PHI_READERS, list: PHI_READERS },
  visit: { get: PHI_READERS, list: PHI_READERS, update: FLOW_WRITERS },
  "sync-state": {},
  "patient-cache": {},
  "tebra-cache": {},
  "audit-event": { get: AUDITORS, list: AUDITORS },
  "audit-seal": { get: AUDITORS, list: AUDITORS },
  "audit-seal-child": { get: AUDITORS, list: AUDITORS },
  "audit-state": { get: AUDITORS, list: AUDITORS },
  "security-alert": {
    get: [...ADMINS, ...AUDITORS],
    list: [...ADMINS, ...AUDITORS],
    update: ADMINS,
  },
  "compliance-report": { get: [...ADMINS, ...AUDITORS], list: [...ADMINS, ...AUDITORS] },
  config: { get: ADMINS, list: ADMINS },
  "anomaly-baseline": {},
  "rate-limit": {},
  "tebra-throttle": {},
  "credential-rotation": {},
  "break-glass": {},
  "local-secret": {},
  unlisted: {},
};

export function isAllowed(persona: PersonaId, target: TargetId, operation: Operation) {
  return ALLOWED[target][operation]?.includes(persona) ?? false;
}

/** The operations a persona may perform on a target, in OPERATIONS order. */
export function allowedOperations(persona: PersonaId, target: TargetId): Operation[] {
  return OPERATIONS.filter((operation) => isAllowed(persona, target, operation));
}

/**
 * The flow board's filtered queries on a day's visits: one field equal to a value, ordered
 * by start time. Each needs a composite index in firestore.indexes.json (a unit test
 * checks) and is allowed to the PHI readers (the rules suite runs them).
 */
export const BOARD_QUERIES = [
  { where: "status", equals: "checked-in", orderBy: "startTime" },
  { where: "providerId", equals: "prov-01", orderBy: "startTime" },
] as const;
