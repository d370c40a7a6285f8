// The access policy in one table: for every operation, which roles may call it, whether it
// touches PHI, what the audit trail records about it, and which fields of its reply each
// role sees. The callable wrapper (http/callable.ts) reads the row before anything else
// runs and projects every reply through it, so a role sees only what its row names.
//
// Minimum necessary: the front desk sees what it needs to run the day (who, when, with
// whom, where the visit stands, a phone number for no-show calls); a provider also sees
// the clinical context (reason, notes, alerts); an admin sees the board as the front desk
// does and manages users and incidents; an auditor sees audit data and never PHI.
import type { AuditAction, EntityType, PurposeOfUse } from "../audit/event.ts";
import type { LimitClass } from "../limits/rules.ts";
import type { Role } from "./caller.ts";
import type { GuardRule } from "./guard.ts";

export const OPERATIONS = [
  "whoami",
  "getSchedule",
  "getAppointment",
  "createAppointment",
  "moveAppointment",
  "cancelAppointment",
  "searchPatients",
  "getPatient",
  "getProviders",
  "getServiceLocations",
  "getPractice",
  "syncSchedule",
  "setUserRole",
  "openBreakGlass",
  "startLockdown",
  "endLockdown",
  "rotateCredentials",
  "queryAuditEvents",
  "getComplianceReport",
  "verifyAuditTrail",
] as const;
export type OperationName = (typeof OPERATIONS)[number];

export function isOperationName(value: unknown): value is OperationName {
  return typeof value === "string" && (OPERATIONS as readonly string[]).includes(value);
}

export interface RoleAccess {
  purposeOfUse: PurposeOfUse;
  /** Dotted paths of the reply this role sees (see projection.ts). */
  fields: readonly string[];
}

export interface OperationPolicy {
  /** Returns or changes PHI. */
  phi: boolean;
  action: AuditAction;
  entityType: EntityType;
  /** PHI roles must have signed in with their second factor. */
  secondFactor: boolean;
  /** The session (from auth_time) must be younger than MAX_SESSION_AGE_MINUTES. */
  freshSession: boolean;
  limit: LimitClass;
  severity: "normal" | "high";
  /** Recorded for a refused call, whose role has no row of its own. */
  purposeOfUse: PurposeOfUse;
  /** The roles that may call the operation; a role not listed is refused. */
  access: Partial<Record<Role, RoleAccess>>;
}

// ---- Field vocabularies ----------------------------------------------------------------
// The names the PHI callables use in their replies. A field missing here is never shown.

/** What the board needs to run the day (one appointment or visit). */
export const APPOINTMENT_FRONT_DESK_FIELDS = [
  "appointmentId",
  "patientId",
  "practiceId",
  "date",
  "startTime",
  "endTime",
  "appointmentType",
  "providerId",
  "providerLabel",
  "serviceLocationId",
  "status",
  "tebraStatus",
  "room",
  "checkedInAt",
  "roomedAt",
  "readyForProviderAt",
  "seenByProviderAt",
  "checkedOutAt",
  "flowUpdatedAt",
  "patientName",
  "patientDob",
  "patientPhone",
] as const;

/** The clinical context a provider also sees. */
export const APPOINTMENT_CLINICAL_FIELDS = [
  "appointmentReason",
  "notes",
  "patientAlert",
] as const;

export const PATIENT_SEARCH_FIELDS = [
  "patientId",
  "firstName",
  "middleName",
  "lastName",
  "dateOfBirth",
] as const;

export const PATIENT_FRONT_DESK_FIELDS = [
  ...PATIENT_SEARCH_FIELDS,
  "homePhone",
  "mobilePhone",
  "email",
  "primaryProviderId",
] as const;

export const PATIENT_CLINICAL_FIELDS = ["gender", "alertMessage", "notes"] as const;

/** Providers by their full name: first and last name are patients' field names here. */
export const PROVIDER_FIELDS = [
  "providerId",
  "fullName",
  "degree",
  "specialty",
  "active",
] as const;

export const SERVICE_LOCATION_FIELDS = [
  "serviceLocationId",
  "name",
  "addressLine1",
  "addressLine2",
  "city",
  "state",
  "zipCode",
  "phone",
] as const;

export const PRACTICE_FIELDS = [
  "practiceId",
  "practiceName",
  "timeZone",
  "phone",
  "addressLine1",
  "addressLine2",
  "city",
  "state",
  "zipCode",
  "active",
] as const;

/**
 * Field names whose values identify a patient or describe their care. The tests check that
 * they appear only in PHI rows and never in an auditor's.
 */
export const PHI_FIELD_NAMES: ReadonlySet<string> = new Set([
  "patientName",
  "patientDob",
  "patientPhone",
  "appointmentReason",
  "notes",
  "patientAlert",
  "firstName",
  "middleName",
  "lastName",
  "dateOfBirth",
  "homePhone",
  "mobilePhone",
  "email",
  "gender",
  "alertMessage",
]);

/** `fields` under `prefix` (a list in the reply, e.g. the day's appointments). */
export function under(prefix: string, fields: readonly string[]): string[] {
  return fields.map((field) => `${prefix}.${field}`);
}

const FRONT_DESK_APPOINTMENT = [...APPOINTMENT_FRONT_DESK_FIELDS];
const PROVIDER_APPOINTMENT = [...FRONT_DESK_APPOINTMENT, ...APPOINTMENT_CLINICAL_FIELDS];
const SCHEDULE_HEADER = ["date", "practiceId", "providerId", "syncedAt"];

// ---- Row shapes -----------------------------------------------------------------------

const PHI_READ = {
  phi: true,
  action: "read",
  secondFactor: true,
  freshSession: true,
  limit: "standard",
  severity: "normal",
} as const;

const PHI_WRITE = { ...PHI_READ, action: "update" } as const;

const REFERENCE_READ = {
  phi: false,
  action: "read",
  entityType: "practice",
  secondFactor: false,
  freshSession: false,
  limit: "standard",
  severity: "normal",
  purposeOfUse: "HOPERAT",
} as const;

const ADMINISTRATION = {
  phi: false,
  secondFactor: true,
  freshSession: true,
  limit: "standard",
  severity: "high",
  purposeOfUse: "HSYSADMIN",
} as const;

const COMPLIANCE = {
  phi: false,
  secondFactor: true,
  freshSession: true,
  limit: "standard",
  severity: "normal",
  purposeOfUse: "HCOMPL",
} as const;

function frontDesk(fields: readonly string[]): RoleAccess {
  return { purposeOfUse: "HOPERAT", fields };
}

function treating(fields: readonly string[]): RoleAccess {
  return { purposeOfUse: "TREAT", fields };
}

function everyone(
  purposeOfUse: PurposeOfUse,
  fields: readonly string[],
): Partial<Record<Role, RoleAccess>> {
  return {
    admin: { purposeOfUse, fields },
    provider: { purposeOfUse, fields },
    staff: { purposeOfUse, fields },
  };
}

const WHOAMI_FIELDS = [
  "uid",
  "role",
  "practiceId",
  "secondFactor",
  "authTime",
  "sessionExpiresAt",
  "secondFactorRequired",
];

const USER_ROLE_FIELDS = [
  "uid",
  "role",
  "practiceId",
  "active",
  "displayName",
  "sessionsRevokedAt",
];

/** Counts only: the sync writes the day to Firestore, where the board reads it. */
const SYNC_FIELDS = [
  "date",
  "practiceId",
  "appointmentCount",
  "created",
  "updated",
  "unchanged",
  "removed",
  "tebraCalls",
  "syncedAt",
];

const AUDIT_EVENT_FIELDS = [
  "id",
  "recorded",
  "action",
  "outcome",
  "outcomeReason",
  "agent",
  "entity",
  "patientIds",
  "purposeOfUse",
  "source",
  "severity",
  "shard",
];

// ---- The table --------------------------------------------------------------------------

export const POLICY: Readonly<Record<OperationName, OperationPolicy>> = {
  whoami: {
    phi: false,
    action: "read",
    entityType: "user",
    secondFactor: false,
    freshSession: false,
    limit: "standard",
    severity: "normal",
    purposeOfUse: "HSYSADMIN",
    access: {
      ...everyone("HSYSADMIN", WHOAMI_FIELDS),
      auditor: { purposeOfUse: "HSYSADMIN", fields: WHOAMI_FIELDS },
    },
  },

  getSchedule: {
    ...PHI_READ,
    entityType: "schedule",
    purposeOfUse: "HOPERAT",
    access: {
      staff: frontDesk([
        ...SCHEDULE_HEADER,
        ...under("appointments", FRONT_DESK_APPOINTMENT),
      ]),
      provider: treating([
        ...SCHEDULE_HEADER,
        ...under("appointments", PROVIDER_APPOINTMENT),
      ]),
      admin: frontDesk([
        ...SCHEDULE_HEADER,
        ...under("appointments", FRONT_DESK_APPOINTMENT),
      ]),
    },
  },

  getAppointment: {
    ...PHI_READ,
    entityType: "appointment",
    purposeOfUse: "HOPERAT",
    access: {
      staff: frontDesk(FRONT_DESK_APPOINTMENT),
      provider: treating(PROVIDER_APPOINTMENT),
      admin: frontDesk(FRONT_DESK_APPOINTMENT),
    },
  },

  createAppointment: {
    ...PHI_WRITE,
    action: "create",
    entityType: "appointment",
    purposeOfUse: "HOPERAT",
    access: {
      staff: frontDesk(FRONT_DESK_APPOINTMENT),
      provider: treating(PROVIDER_APPOINTMENT),
    },
  },

  moveAppointment: {
    ...PHI_WRITE,
    entityType: "appointment",
    purposeOfUse: "HOPERAT",
    access: {
      staff: frontDesk(FRONT_DESK_APPOINTMENT),
      provider: treating(PROVIDER_APPOINTMENT),
    },
  },

  cancelAppointment: {
    ...PHI_WRITE,
    entityType: "appointment",
    purposeOfUse: "HOPERAT",
    access: {
      staff: frontDesk(FRONT_DESK_APPOINTMENT),
      provider: treating(PROVIDER_APPOINTMENT),
    },
  },

  searchPatients: {
    ...PHI_READ,
    entityType: "patient",
    limit: "search",
    purposeOfUse: "HOPERAT",
    access: {
      staff: frontDesk([...under("patients", PATIENT_SEARCH_FIELDS), "truncated"]),
      provider: treating([...under("patients", PATIENT_SEARCH_FIELDS), "truncated"]),
    },
  },

  getPatient: {
    ...PHI_READ,
    entityType: "patient",
    purposeOfUse: "TREAT",
    access: {
      staff: frontDesk(PATIENT_FRONT_DESK_FIELDS),
      provider: treating([...PATIENT_FRONT_DESK_FIELDS, ...PATIENT_CLINICAL_FIELDS]),
    },
  },

  getProviders: {
    ...REFERENCE_READ,
    access: everyone("HOPERAT", under("providers", PROVIDER_FIELDS)),
  },

  getServiceLocations: {
    ...REFERENCE_READ,
    access: everyone("HOPERAT", under("serviceLocations", SERVICE_LOCATION_FIELDS)),
  },

  getPractice: {
    ...REFERENCE_READ,
    access: everyone("HOPERAT", PRACTICE_FIELDS),
  },

  syncSchedule: {
    ...PHI_WRITE,
    action: "execute",
    entityType: "schedule",
    purposeOfUse: "HOPERAT",
    access: {
      staff: frontDesk(SYNC_FIELDS),
      admin: frontDesk(SYNC_FIELDS),
    },
  },

  setUserRole: {
    ...ADMINISTRATION,
    action: "update",
    entityType: "user",
    access: { admin: { purposeOfUse: "HSYSADMIN", fields: USER_ROLE_FIELDS } },
  },

  openBreakGlass: {
    // It discloses nothing itself, but it opens PHI: the strongest checks apply.
    phi: true,
    action: "create",
    entityType: "breakGlass",
    secondFactor: true,
    freshSession: true,
    limit: "standard",
    severity: "high",
    purposeOfUse: "ETREAT",
    access: {
      provider: {
        purposeOfUse: "ETREAT",
        fields: ["grantId", "patientId", "openedAt", "expiresAt"],
      },
    },
  },

  startLockdown: {
    ...ADMINISTRATION,
    action: "execute",
    entityType: "config",
    access: {
      admin: {
        purposeOfUse: "HSYSADMIN",
        fields: [
          "active",
          "startedAt",
          "startedBy",
          "reasonCode",
          "revokedSessions",
          "revokeFailures",
          "alertId",
        ],
      },
    },
  },

  endLockdown: {
    ...ADMINISTRATION,
    action: "execute",
    entityType: "config",
    access: {
      admin: {
        purposeOfUse: "HSYSADMIN",
        fields: ["active", "startedAt", "endedAt", "endedBy", "tebraEnabled"],
      },
    },
  },

  rotateCredentials: {
    ...ADMINISTRATION,
    action: "execute",
    entityType: "credential",
    access: {
      admin: {
        purposeOfUse: "HSYSADMIN",
        fields: ["secret", "status", "version", "previousVersion", "startedAt"],
      },
    },
  },

  queryAuditEvents: {
    ...COMPLIANCE,
    action: "read",
    entityType: "audit",
    access: {
      auditor: {
        purposeOfUse: "HCOMPL",
        fields: [...under("events", AUDIT_EVENT_FIELDS), "nextCursor"],
      },
    },
  },

  getComplianceReport: {
    ...COMPLIANCE,
    action: "read",
    entityType: "report",
    access: {
      auditor: {
        purposeOfUse: "HCOMPL",
        fields: ["reportId", "period", "format", "contentType", "body", "totals"],
      },
      admin: {
        purposeOfUse: "HSYSADMIN",
        fields: ["reportId", "period", "format", "contentType", "body", "totals"],
      },
    },
  },

  verifyAuditTrail: {
    ...COMPLIANCE,
    action: "execute",
    entityType: "audit",
    access: {
      auditor: {
        purposeOfUse: "HCOMPL",
        fields: ["ok", "eventsChecked", "sealsChecked", "problems", "verifiedAt"],
      },
      admin: {
        purposeOfUse: "HSYSADMIN",
        fields: ["ok", "eventsChecked", "sealsChecked", "problems", "verifiedAt"],
      },
    },
  },
};

export function policyFor(operation: OperationName): OperationPolicy {
  return POLICY[operation];
}

/** The roles that may call the operation. */
export function allowedRoles(operation: OperationName): Role[] {
  return Object.keys(POLICY[operation].access) as Role[];
}

/** What the guard needs from the row. */
export function guardRuleFor(operation: OperationName): GuardRule {
  const row = POLICY[operation];
  return {
    operation,
    roles: allowedRoles(operation),
    secondFactor: row.secondFactor,
    freshSession: row.freshSession,
  };
}

/** The purpose of use recorded for a call by `role` (the row's own for a refused role). */
export function purposeOfUseFor(
  operation: OperationName,
  role: Role | null,
  breakGlass = false,
): PurposeOfUse {
  if (breakGlass) return "ETREAT";
  const row = POLICY[operation];
  return (role && row.access[role]?.purposeOfUse) ?? row.purposeOfUse;
}

/** The fields `role` sees in the operation's reply; none for a role without a row. */
export function fieldsFor(operation: OperationName, role: Role): readonly string[] {
  return POLICY[operation].access[role]?.fields ?? [];
}
