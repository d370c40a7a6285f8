// The audit event: one per access to or change of PHI, and per security-relevant action.
// Shaped after FHIR AuditEvent (action, outcome, agent, entity, purposeOfUse, source). An
// event holds identifiers and field names, never PHI values: the entity is an internal id
// (Tebra's PatientID or AppointmentId), never a name.

export const AUDIT_ACTIONS = ["create", "read", "update", "delete", "execute"] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ["success", "denied", "failed"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** What kind of record an event is about. */
export const ENTITY_TYPES = [
  "patient",
  "appointment",
  "schedule",
  "visit",
  "practice",
  "user",
  "config",
  "breakGlass",
  "alert",
  "report",
  "audit",
  "credential",
  "backup",
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/**
 * HL7 v3 PurposeOfUse codes: TREAT treatment, ETREAT emergency treatment (break-glass),
 * HOPERAT healthcare operations (the front desk running the day), HSYSADMIN system
 * administration, HCOMPL compliance (auditors).
 */
export const PURPOSES_OF_USE = [
  "TREAT",
  "ETREAT",
  "HOPERAT",
  "HSYSADMIN",
  "HCOMPL",
] as const;
export type PurposeOfUse = (typeof PURPOSES_OF_USE)[number];

export interface AuditAgent {
  /** Firebase uid; null for the system (a scheduled job, a trigger without a user). */
  uid: string | null;
  role: string | null;
  kind: "user" | "service" | "system";
  ip?: string;
  userAgent?: string;
  /** True when the access was allowed only by an active break-glass grant. */
  breakGlass: boolean;
  /**
   * How the uid was established: a verified ID token (callables), the principal Firestore
   * reported to a trigger, or the `flowUpdatedBy` field the rules tie to the writer.
   */
  identifiedBy?: "token" | "auth-context" | "flowUpdatedBy";
}

export interface AuditEntity {
  type: EntityType;
  /** Internal id; absent for a query (a search, a day's schedule) that names no one record. */
  id?: string;
  /** Field names written or disclosed; never their values. */
  fields?: string[];
}

export interface AuditSource {
  /** The function that recorded the event, e.g. "getSchedule" or "auditVisitChanges". */
  function: string;
  /** The request id of a call, or the event id of a trigger delivery. */
  requestId: string;
}

/** What a writer supplies; the trail adds the id, the time and its tamper-evidence fields. */
export interface NewAuditEvent {
  action: AuditAction;
  outcome: AuditOutcome;
  /** A code for a denial or failure ("permission-denied", "tebra-unavailable"); no text. */
  outcomeReason?: string;
  agent: AuditAgent;
  entity: AuditEntity;
  /** Every patient whose data the access disclosed or changed (ids), for "who saw whom". */
  patientIds: string[];
  purposeOfUse: PurposeOfUse;
  source: AuditSource;
  /** High-severity events also go to Cloud Logging at once. */
  severity: "normal" | "high";
}

export interface RecordOptions {
  /**
   * A deterministic id (a trigger's function name and event id). When an event with this
   * id already exists the recorder writes nothing and resolves with the id.
   */
  id?: string;
}

/** The interface functions write through. It fails closed: a rejected promise means no PHI. */
export interface AuditRecorder {
  /** Records the event and resolves with its id once it is durably stored. */
  record(event: NewAuditEvent, options?: RecordOptions): Promise<string>;
}

/** An event as stored in `auditEvents/{id}` and read back by auditors and the verifier. */
export interface AuditEvent extends NewAuditEvent {
  id: string;
  /** When the trail stored it: Firestore's commit time (FHIR `recorded`), UTC. */
  recorded: Date;
  /** The seal chain it belongs to: a hash of its id, see shard.ts. */
  shard: number;
}
