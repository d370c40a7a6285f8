// Request bodies, one builder per operation. Tebra is a WCF DataContract service: a member
// that is misnamed, misplaced or out of order is dropped without an error (quirk 10), so
// every object here is built member by member in the XSD's order and case, and node-soap is
// never relied on to sort it. Values that are absent are left out, never sent as nil.
import type { AppointmentStatus } from "../flow/tebraStatus.ts";
import { nextDate, toCrudDateTime } from "./dates.ts";

export interface TebraCredentials {
  customerKey: string;
  user: string;
  password: string;
}

export interface Practice {
  /** Tebra's PracticeID, as a string. */
  id: string;
  /** Tebra's PracticeName, which list filters match on. */
  name: string;
}

type Members = Record<string, unknown>;

/** Adds the members that have a value, in the order given. */
function ordered(entries: ReadonlyArray<readonly [string, unknown]>): Members {
  const out: Members = {};
  for (const [name, value] of entries) {
    if (value !== undefined && value !== null && value !== "") out[name] = value;
  }
  return out;
}

/** RequestHeader: ClientVersion, CustomerKey, Password, User (quirk 3). */
export function requestHeader(
  credentials: TebraCredentials,
  clientVersion: string,
): Members {
  return ordered([
    ["ClientVersion", clientVersion],
    ["CustomerKey", credentials.customerKey],
    ["Password", credentials.password],
    ["User", credentials.user],
  ]);
}

/** `<request>` of an operation on RequestBase: RequestHeader first (quirk 4). */
function request(header: Members, members: Members = {}): Members {
  return { request: { RequestHeader: header, ...members } };
}

// ---- List operations: empty Fields (quirk 6), always a Filter (quirk 5) ----------------

export interface AppointmentsQuery {
  /** UTC instants with Z bounding the clinic days asked for. */
  startDate: string;
  endDate: string;
  /** Provider (or practice resource) name; AppointmentFilter has no ProviderID. */
  resourceName?: string;
  patientId?: string;
  confirmationStatus?: string;
  /** Only appointments changed in this range (UTC instants with Z, both optional). */
  modifiedFrom?: string;
  modifiedTo?: string;
}

export function getAppointments(
  header: Members,
  practice: Practice,
  query: AppointmentsQuery,
): Members {
  return request(header, {
    Fields: {},
    Filter: ordered([
      ["ConfirmationStatus", query.confirmationStatus],
      ["EndDate", query.endDate],
      ["FromLastModifiedDate", query.modifiedFrom],
      ["PatientID", query.patientId],
      ["PracticeName", practice.name],
      ["ResourceName", query.resourceName],
      ["StartDate", query.startDate],
      ["ToLastModifiedDate", query.modifiedTo],
    ]),
  });
}

export interface PatientsQuery {
  firstName?: string;
  lastName?: string;
  /** `YYYY-MM-DD`; sent as From = DOB, To = DOB + 1 day (To is exclusive, quirk 14). */
  dateOfBirth?: string;
  /** Only patients changed in this range (UTC instants with Z). */
  modifiedFrom?: string;
  modifiedTo?: string;
}

export function getPatients(header: Members, practice: Practice, query: PatientsQuery) {
  const dob = query.dateOfBirth;
  return request(header, {
    Fields: {},
    Filter: ordered([
      ["FirstName", query.firstName],
      ["FromDateOfBirth", dob],
      ["FromLastModifiedDate", query.modifiedFrom],
      ["LastName", query.lastName],
      ["PracticeID", practice.id],
      ["PracticeName", practice.name],
      ["ToDateOfBirth", dob === undefined ? undefined : nextDate(dob)],
      ["ToLastModifiedDate", query.modifiedTo],
    ]),
  });
}

export function getProviders(header: Members, practice: Practice): Members {
  return request(header, {
    Fields: {},
    Filter: ordered([
      ["PracticeID", practice.id],
      ["PracticeName", practice.name],
    ]),
  });
}

export function getPractices(header: Members, practice: Practice): Members {
  return request(header, {
    Fields: {},
    Filter: ordered([
      ["ID", practice.id],
      ["PracticeName", practice.name],
    ]),
  });
}

/** Fields and Filter in the no-slash namespace: the project WSDL declares them there. */
export function getServiceLocations(header: Members, practice: Practice): Members {
  return request(header, {
    Fields: {},
    Filter: ordered([
      ["PracticeID", practice.id],
      ["PracticeName", practice.name],
    ]),
  });
}

// ---- Single records ---------------------------------------------------------------------

/** GetPatient has a Filter and no Fields (quirk 12). */
export function getPatient(header: Members, patientId: string): Members {
  return request(header, { Filter: ordered([["PatientID", patientId]]) });
}

export function getAppointment(header: Members, appointmentId: string): Members {
  return request(header, { Appointment: { AppointmentId: appointmentId } });
}

export function getThrottles(header: Members): Members {
  return request(header);
}

/** The one request without RequestHeader: bare CustomerKey, Password, User. */
export function getCustomerIdFromKey(credentials: TebraCredentials): Members {
  return {
    request: ordered([
      ["CustomerKey", credentials.customerKey],
      ["Password", credentials.password],
      ["User", credentials.user],
    ]),
  };
}

// ---- Appointment writes: typed values, UTC times with Z (quirks 15, 16) ----------------

export { APPOINTMENT_STATUSES, type AppointmentStatus } from "../flow/tebraStatus.ts";
export type AppointmentType = "U" | "P" | "O";
export type AppointmentMode = "InOffice" | "Telehealth";

export interface NewAppointment {
  patientId: string;
  /** Instants with an offset or Z; sent as UTC with Z. */
  startTime: string;
  endTime: string;
  serviceLocationId: string;
  status?: AppointmentStatus;
  type?: AppointmentType;
  mode?: AppointmentMode;
  name?: string;
  reasonId?: string;
  providerId?: string;
  resourceId?: string;
  patientCaseId?: string;
  notes?: string;
}

function resourceIds(ids: readonly string[] | undefined): Members | undefined {
  return ids && ids.length > 0 ? { long: [...ids] } : undefined;
}

/** AppointmentCreate in schema order; PracticeId and PatientSummary are required. */
export function createAppointment(
  header: Members,
  practice: Practice,
  input: NewAppointment,
): Members {
  return request(header, {
    Appointment: ordered([
      ["AppointmentMode", input.mode ?? "InOffice"],
      ["AppointmentName", input.name],
      ["AppointmentReasonId", input.reasonId],
      ["AppointmentStatus", input.status ?? "Scheduled"],
      ["AppointmentType", input.type ?? "P"],
      ["EndTime", toCrudDateTime(input.endTime)],
      ["IsRecurring", false],
      ["Notes", input.notes],
      ["PatientCaseId", input.patientCaseId],
      ["PatientSummary", { PatientId: input.patientId, PracticeId: practice.id }],
      ["PracticeId", practice.id],
      ["ProviderId", input.providerId],
      ["ResourceId", input.resourceId],
      ["ServiceLocationId", input.serviceLocationId],
      ["StartTime", toCrudDateTime(input.startTime)],
      ["WasCreatedOnline", false],
    ]),
  });
}

/** What UpdateAppointment sends: the whole appointment, since it acts as a replace. */
export interface AppointmentUpdate {
  appointmentId: string;
  patientId: string;
  serviceLocationId: string;
  status: AppointmentStatus;
  startTime: string;
  endTime: string;
  mode?: AppointmentMode | null;
  name?: string | null;
  reasonId?: string | null;
  insurancePolicyAuthorizationId?: string | null;
  isRecurring?: boolean | null;
  maxAttendees?: string | null;
  notes?: string | null;
  occurrenceId?: string | null;
  /** Left out, Tebra drops the appointment's case link. */
  patientCaseId?: string | null;
  providerId?: string | null;
  resourceId?: string | null;
  resourceIds?: readonly string[];
}

/** AppointmentUpdate in schema order (no AppointmentType, no PracticeId; quirk 22). */
export function updateAppointment(header: Members, input: AppointmentUpdate): Members {
  return request(header, {
    Appointment: ordered([
      ["AppointmentId", input.appointmentId],
      ["AppointmentMode", input.mode],
      ["AppointmentName", input.name],
      ["AppointmentReasonId", input.reasonId],
      ["AppointmentStatus", input.status],
      ["EndTime", toCrudDateTime(input.endTime)],
      ["InsurancePolicyAuthorizationId", input.insurancePolicyAuthorizationId],
      ["IsRecurring", input.isRecurring],
      ["MaxAttendees", input.maxAttendees],
      ["Notes", input.notes],
      ["OccurrenceId", input.occurrenceId],
      ["PatientCaseId", input.patientCaseId],
      ["PatientId", input.patientId],
      ["ProviderId", input.providerId],
      ["ResourceId", input.resourceId],
      ["ResourceIds", resourceIds(input.resourceIds)],
      ["ServiceLocationId", input.serviceLocationId],
      ["StartTime", toCrudDateTime(input.startTime)],
    ]),
  });
}
