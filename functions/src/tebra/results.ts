// Reply payloads as the backend's types. Tebra's lists are nested twice
// (`Appointments/AppointmentData`, quirk 19) and a list of one is a single element
// (quirk 18), so every list is read as an array; ids become strings (quirk 21); rows with
// an empty ID are placeholders and are dropped (quirk 8); dates are converted (dates.ts).
import {
  parseCrudDateTime,
  parseDateOfBirth,
  parseListDateTime,
  clinicDayOf,
  TebraDateError,
} from "./dates.ts";
import type { AppointmentMode, AppointmentStatus, AppointmentType } from "./requests.ts";
import { APPOINTMENT_STATUSES } from "./requests.ts";

type Node = Record<string, unknown>;

/** Trimmed text of a member, or null when absent or empty. */
export function text(node: Node | null | undefined, name: string): string | null {
  const value = node?.[name];
  if (
    typeof value !== "string" &&
    typeof value !== "number" &&
    typeof value !== "boolean"
  ) {
    return null;
  }
  const out = String(value).trim();
  return out === "" ? null : out;
}

function bool(node: Node | null | undefined, name: string): boolean | null {
  const value = node?.[name];
  if (typeof value === "boolean") return value;
  const t = text(node, name)?.toLowerCase();
  if (t === "true" || t === "1" || t === "yes") return true;
  if (t === "false" || t === "0" || t === "no") return false;
  return null;
}

/** The items of `container/itemName`, always as an array. */
export function listOf(container: unknown, itemName: string): Node[] {
  const items = (container as Node | null | undefined)?.[itemName];
  if (items === undefined || items === null) return [];
  const list = Array.isArray(items) ? items : [items];
  return list.filter((item): item is Node => typeof item === "object" && item !== null);
}

/** Rows that carry an ID; Tebra pads a no-match reply with one empty row. */
export function realRows(rows: Node[]): Node[] {
  return rows.filter((row) => text(row, "ID") !== null);
}

export interface RowsSkipped {
  /** Rows dropped because a date they need could not be read. */
  unreadable: number;
}

// ---- GetAppointments ---------------------------------------------------------------------

export interface AppointmentResource {
  id: string;
  name: string | null;
  /** 1 = a provider (doctor), 2 = a practice resource. */
  typeId: string | null;
}

export interface ScheduledAppointment {
  appointmentId: string;
  /** The clinic-local date of its start, `YYYY-MM-DD`. */
  clinicDay: string;
  /** UTC instants with Z. */
  startTime: string;
  endTime: string | null;
  durationMinutes: number | null;
  confirmationStatus: string | null;
  type: string | null;
  patientId: string | null;
  patientFullName: string | null;
  patientCaseId: string | null;
  practiceId: string | null;
  serviceLocationId: string | null;
  serviceLocationName: string | null;
  reason: string | null;
  reasonId: string | null;
  /** The first resource of type 1 (a provider), matching ProviderData.ID. */
  providerId: string | null;
  providerName: string | null;
  resources: AppointmentResource[];
  allDay: boolean | null;
  recurring: boolean | null;
  createdAt: string | null;
  lastModifiedAt: string | null;
}

function optionalListDate(row: Node, name: string, zone: string): string | null {
  const value = text(row, name);
  if (value === null) return null;
  try {
    return parseListDateTime(value, zone);
  } catch {
    return null;
  }
}

function resourcesOf(row: Node): AppointmentResource[] {
  const out: AppointmentResource[] = [];
  for (let n = 1; n <= 10; n++) {
    const id = text(row, `ResourceID${n}`);
    if (id === null) continue;
    out.push({
      id,
      name: text(row, `ResourceName${n}`),
      typeId: text(row, `ResourceTypeID${n}`),
    });
  }
  return out;
}

export function appointmentRow(row: Node, zone: string): ScheduledAppointment {
  const start = text(row, "StartDate");
  if (start === null) throw new TebraDateError("an appointment without a start");
  const startTime = parseListDateTime(start, zone);
  const resources = resourcesOf(row);
  const provider = resources.find((r) => r.typeId === "1") ?? null;
  const duration = Number(text(row, "AppointmentDuration"));
  return {
    appointmentId: text(row, "ID")!,
    clinicDay: clinicDayOf(startTime, zone),
    startTime,
    endTime: optionalListDate(row, "EndDate", zone),
    durationMinutes: Number.isFinite(duration) && duration > 0 ? duration : null,
    confirmationStatus: text(row, "ConfirmationStatus"),
    type: text(row, "Type"),
    patientId: text(row, "PatientID"),
    patientFullName: text(row, "PatientFullName"),
    patientCaseId: text(row, "PatientCaseID"),
    practiceId: text(row, "PracticeID"),
    serviceLocationId: text(row, "ServiceLocationID"),
    serviceLocationName: text(row, "ServiceLocationName"),
    reason: text(row, "AppointmentReason1"),
    reasonId: text(row, "AppointmentReasonID1"),
    providerId: provider?.id ?? null,
    providerName: provider?.name ?? null,
    resources,
    allDay: bool(row, "AllDay"),
    recurring: bool(row, "Recurring"),
    createdAt: optionalListDate(row, "CreatedDate", zone),
    lastModifiedAt: optionalListDate(row, "LastModifiedDate", zone),
  };
}

/** Appointments of the asked clinic days, in start order; unreadable rows are counted. */
export function appointmentsFrom(
  result: Node,
  zone: string,
  days: { from: string; to: string },
): { appointments: ScheduledAppointment[]; skipped: RowsSkipped } {
  const appointments: ScheduledAppointment[] = [];
  let unreadable = 0;
  for (const row of realRows(listOf(result["Appointments"], "AppointmentData"))) {
    let appointment: ScheduledAppointment;
    try {
      appointment = appointmentRow(row, zone);
    } catch (error) {
      if (!(error instanceof TebraDateError)) throw error;
      unreadable++;
      continue;
    }
    // Tebra may match dates by day in its own terms; keep only the clinic days asked for.
    if (appointment.clinicDay < days.from || appointment.clinicDay > days.to) continue;
    appointments.push(appointment);
  }
  appointments.sort((a, b) => a.startTime.localeCompare(b.startTime));
  return { appointments, skipped: { unreadable } };
}

// ---- GetAppointment, CreateAppointment, UpdateAppointment (AppointmentCreate) ------------

export interface AppointmentRecord {
  appointmentId: string;
  status: AppointmentStatus;
  type: AppointmentType | null;
  mode: AppointmentMode | null;
  name: string | null;
  reasonId: string | null;
  /** UTC instants with Z. */
  startTime: string;
  endTime: string;
  patientId: string | null;
  patientCaseId: string | null;
  practiceId: string | null;
  serviceLocationId: string | null;
  providerId: string | null;
  resourceId: string | null;
  resourceIds: string[];
  insurancePolicyAuthorizationId: string | null;
  isRecurring: boolean | null;
  maxAttendees: string | null;
  notes: string | null;
  occurrenceId: string | null;
  isDeleted: boolean | null;
  createdAt: string | null;
  updatedAt: string | null;
}

function crudDate(node: Node, name: string): string | null {
  const value = text(node, name);
  return value === null ? null : parseCrudDateTime(value);
}

function statusOf(value: string | null): AppointmentStatus {
  const found = APPOINTMENT_STATUSES.find(
    (s) => s.toLowerCase() === value?.toLowerCase(),
  );
  return found ?? "Unknown";
}

/** An AppointmentCreate reply member; null when absent or a placeholder without an id. */
export function appointmentRecord(node: unknown): AppointmentRecord | null {
  if (typeof node !== "object" || node === null) return null;
  const a = node as Node;
  const appointmentId = text(a, "AppointmentId");
  if (appointmentId === null || appointmentId === "0") return null;
  const start = crudDate(a, "StartTime");
  const end = crudDate(a, "EndTime");
  if (start === null || end === null)
    throw new TebraDateError("an appointment without times");
  const type = text(a, "AppointmentType");
  const mode = text(a, "AppointmentMode");
  const summary = a["PatientSummary"] as Node | undefined;
  return {
    appointmentId,
    status: statusOf(text(a, "AppointmentStatus")),
    type: type === "U" || type === "P" || type === "O" ? type : null,
    mode: mode === "InOffice" || mode === "Telehealth" ? mode : null,
    name: text(a, "AppointmentName"),
    reasonId: text(a, "AppointmentReasonId"),
    startTime: start,
    endTime: end,
    patientId: text(summary, "PatientId"),
    patientCaseId: text(a, "PatientCaseId"),
    practiceId: text(a, "PracticeId"),
    serviceLocationId: text(a, "ServiceLocationId"),
    providerId: text(a, "ProviderId"),
    resourceId: text(a, "ResourceId"),
    resourceIds: arrayOfText((a["ResourceIds"] as Node | null | undefined)?.["long"]),
    insurancePolicyAuthorizationId: text(a, "InsurancePolicyAuthorizationId"),
    isRecurring: bool(a, "IsRecurring"),
    maxAttendees: text(a, "MaxAttendees"),
    notes: text(a, "Notes"),
    occurrenceId: text(a, "OccurrenceId"),
    isDeleted: bool(a, "IsDeleted"),
    createdAt: crudDate(a, "CreatedAt"),
    updatedAt: crudDate(a, "UpdatedAt"),
  };
}

function arrayOfText(value: unknown): string[] {
  const list = Array.isArray(value)
    ? value
    : value === undefined || value === null
      ? []
      : [value];
  return list
    .filter((v) => typeof v === "string" || typeof v === "number")
    .map((v) => String(v).trim())
    .filter(Boolean);
}

// ---- Patients ----------------------------------------------------------------------------

export interface TebraPatient {
  patientId: string;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  fullName: string | null;
  prefix: string | null;
  suffix: string | null;
  /** `YYYY-MM-DD`, read as written. */
  dateOfBirth: string | null;
  gender: string | null;
  homePhone: string | null;
  mobilePhone: string | null;
  workPhone: string | null;
  email: string | null;
  medicalRecordNumber: string | null;
  practiceId: string | null;
  defaultProviderId: string | null;
  defaultServiceLocationId: string | null;
  createdAt: string | null;
  lastModifiedAt: string | null;
}

export function patientFrom(node: unknown, zone: string): TebraPatient | null {
  if (typeof node !== "object" || node === null) return null;
  const p = node as Node;
  const patientId = text(p, "ID");
  if (patientId === null) return null;
  const dob = text(p, "DOB");
  let dateOfBirth: string | null = null;
  if (dob !== null) {
    try {
      dateOfBirth = parseDateOfBirth(dob);
    } catch {
      dateOfBirth = null;
    }
  }
  return {
    patientId,
    firstName: text(p, "FirstName"),
    middleName: text(p, "MiddleName"),
    lastName: text(p, "LastName"),
    fullName: text(p, "PatientFullName"),
    prefix: text(p, "Prefix"),
    suffix: text(p, "Suffix"),
    dateOfBirth,
    gender: text(p, "Gender"),
    homePhone: text(p, "HomePhone"),
    mobilePhone: text(p, "MobilePhone"),
    workPhone: text(p, "WorkPhone"),
    email: text(p, "EmailAddress"),
    medicalRecordNumber: text(p, "MedicalRecordNumber"),
    practiceId: text(p, "PracticeId"),
    defaultProviderId: text(p, "DefaultRenderingProviderId"),
    defaultServiceLocationId: text(p, "DefaultServiceLocationId"),
    createdAt: optionalListDate(p, "CreatedDate", zone),
    lastModifiedAt: optionalListDate(p, "LastModifiedDate", zone),
  };
}

export function patientsFrom(result: Node, zone: string): TebraPatient[] {
  return realRows(listOf(result["Patients"], "PatientData"))
    .map((row) => patientFrom(row, zone))
    .filter((p): p is TebraPatient => p !== null);
}

// ---- Reference data ----------------------------------------------------------------------

export interface TebraProvider {
  providerId: string;
  fullName: string | null;
  prefix: string | null;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  suffix: string | null;
  degree: string | null;
  specialty: string | null;
  npi: string | null;
  type: string | null;
  active: boolean | null;
  practiceId: string | null;
}

export function providersFrom(result: Node): TebraProvider[] {
  return realRows(listOf(result["Providers"], "ProviderData")).map((row) => ({
    providerId: text(row, "ID")!,
    fullName: text(row, "FullName"),
    prefix: text(row, "Prefix"),
    firstName: text(row, "FirstName"),
    middleName: text(row, "MiddleName"),
    lastName: text(row, "LastName"),
    suffix: text(row, "Suffix"),
    degree: text(row, "Degree"),
    specialty: text(row, "SpecialtyName"),
    npi: text(row, "NationalProviderIdentifier"),
    type: text(row, "Type"),
    active: bool(row, "Active"),
    practiceId: text(row, "PracticeID"),
  }));
}

export interface TebraPractice {
  practiceId: string;
  name: string | null;
  active: boolean | null;
  npi: string | null;
}

export function practicesFrom(result: Node): TebraPractice[] {
  return realRows(listOf(result["Practices"], "PracticeData")).map((row) => ({
    practiceId: text(row, "ID")!,
    name: text(row, "PracticeName"),
    active: bool(row, "Active"),
    npi: text(row, "NPI"),
  }));
}

export interface TebraServiceLocation {
  serviceLocationId: string;
  name: string | null;
  billingName: string | null;
  npi: string | null;
  placeOfService: string | null;
  practiceId: string | null;
}

export function serviceLocationsFrom(result: Node): TebraServiceLocation[] {
  return realRows(listOf(result["ServiceLocations"], "ServiceLocationData")).map(
    (row) => ({
      serviceLocationId: text(row, "ID")!,
      name: text(row, "Name"),
      billingName: text(row, "BillingName"),
      npi: text(row, "NPI"),
      placeOfService: text(row, "PlaceOfService"),
      practiceId: text(row, "PracticeID"),
    }),
  );
}

export interface ThrottleEntry {
  /** Tebra's endpoint name as it sent it. */
  endpoint: string;
  intervalMs: number;
}

export function throttlesFrom(result: Node): ThrottleEntry[] {
  return listOf(result["ThrottleDetails"], "ThrottleDetail")
    .map((row) => ({
      endpoint: text(row, "Endpoint") ?? "",
      intervalMs: Number(row["ThrottleTimeMs"]),
    }))
    .filter(
      (t) => t.endpoint !== "" && Number.isFinite(t.intervalMs) && t.intervalMs >= 0,
    );
}

export interface CustomerIdCheck {
  customerId: string | null;
  isAuthorized: boolean;
}

export function customerIdFrom(result: Node): CustomerIdCheck {
  return {
    customerId: text(result, "CustomerId"),
    isAuthorized: bool(result, "IsAuthorized") === true,
  };
}
