// Tebra's records as the flow board shows them (contract/appointments.ts). The status comes
// from Tebra, mapped by flow/status.ts; a synced visit adds what Tebra does not hold (the
// room, the time of each step, the app-only "seen by provider") and what a single record
// lacks (the reason's text). Every member is present, null when unknown, so the policy's
// projection decides what a role sees, not the shape of the data.
import type {
  AppointmentView,
  PatientRecord,
  PatientSummary,
} from "../contract/index.ts";
import { flowStatusFromTebra, type FlowStatus } from "../flow/status.ts";
import { clinicDayOf } from "../tebra/dates.ts";
import type {
  AppointmentRecord,
  ScheduledAppointment,
  TebraPatient,
} from "../tebra/results.ts";
import type { VisitFlow } from "./visits.ts";

/**
 * Where the visit stands: Tebra's status, except that a visit the board has marked "seen
 * by provider" (which Tebra cannot hold) stays so while Tebra still says ready-for-provider.
 */
export function currentStatus(tebra: FlowStatus, visit: VisitFlow | null): FlowStatus {
  if (visit?.status === "seen-by-provider" && tebra === "ready-for-provider") {
    return "seen-by-provider";
  }
  return tebra;
}

function flowFields(visit: VisitFlow | null) {
  return {
    room: visit?.room ?? null,
    checkedInAt: visit?.checkedInAt ?? null,
    roomedAt: visit?.roomedAt ?? null,
    readyForProviderAt: visit?.readyForProviderAt ?? null,
    seenByProviderAt: visit?.seenByProviderAt ?? null,
    checkedOutAt: visit?.checkedOutAt ?? null,
    flowUpdatedAt: visit?.flowUpdatedAt ?? null,
  };
}

export interface Mapped<T> {
  value: T;
  /** The Tebra status text did not map to a flow status (it reads as scheduled). */
  unmapped: boolean;
}

/** A row of the day's schedule (GetAppointments). */
export function scheduledView(
  row: ScheduledAppointment,
  practiceId: string,
  visit: VisitFlow | null,
): Mapped<AppointmentView> {
  const mapped = flowStatusFromTebra(row.confirmationStatus ?? "");
  return {
    unmapped: row.confirmationStatus !== null && !mapped.mapped,
    value: {
      appointmentId: row.appointmentId,
      patientId: row.patientId,
      practiceId,
      date: row.clinicDay,
      startTime: row.startTime,
      endTime: row.endTime,
      appointmentType: row.type,
      providerId: row.providerId,
      providerLabel: row.providerName,
      serviceLocationId: row.serviceLocationId,
      status: currentStatus(mapped.status, visit),
      tebraStatus: row.confirmationStatus,
      ...flowFields(visit),
      patientName: row.patientFullName ?? visit?.patientName ?? null,
      patientDob: visit?.patientDob ?? null,
      patientPhone: null,
      appointmentReason: row.reason ?? visit?.appointmentReason ?? null,
      notes: null,
      patientAlert: null,
    },
  };
}

/** How the board writes a patient's name: "Last, First". */
export function displayName(patient: TebraPatient): string | null {
  const last = patient.lastName;
  const first = patient.firstName;
  if (last && first) return `${last}, ${first}`;
  return last ?? first ?? patient.fullName;
}

export interface RecordContext {
  practiceId: string;
  timeZone: string;
  visit: VisitFlow | null;
  patient: TebraPatient | null;
  providerLabel: string | null;
}

/** One appointment (GetAppointment, CreateAppointment, UpdateAppointment). */
export function recordView(
  record: AppointmentRecord,
  context: RecordContext,
): AppointmentView {
  const { visit, patient } = context;
  const mapped = flowStatusFromTebra(record.status);
  return {
    appointmentId: record.appointmentId,
    patientId: record.patientId,
    practiceId: context.practiceId,
    date: clinicDayOf(record.startTime, context.timeZone),
    startTime: record.startTime,
    endTime: record.endTime,
    appointmentType: record.type,
    providerId: record.providerId,
    providerLabel: context.providerLabel,
    serviceLocationId: record.serviceLocationId,
    status: currentStatus(mapped.status, visit),
    tebraStatus: record.status,
    ...flowFields(visit),
    patientName: (patient && displayName(patient)) ?? visit?.patientName ?? null,
    patientDob: patient?.dateOfBirth ?? visit?.patientDob ?? null,
    patientPhone: patient ? (patient.mobilePhone ?? patient.homePhone) : null,
    appointmentReason: visit?.appointmentReason ?? null,
    notes: record.notes,
    patientAlert: null,
  };
}

export function patientSummaryOf(patient: TebraPatient): PatientSummary {
  return {
    patientId: patient.patientId,
    firstName: patient.firstName,
    middleName: patient.middleName,
    lastName: patient.lastName,
    dateOfBirth: patient.dateOfBirth,
  };
}

export function patientRecordOf(patient: TebraPatient): PatientRecord {
  return {
    ...patientSummaryOf(patient),
    homePhone: patient.homePhone,
    mobilePhone: patient.mobilePhone,
    email: patient.email,
    primaryProviderId: patient.defaultProviderId,
    gender: patient.gender,
    // Not read from Tebra yet; present so that the projection, not the data, decides.
    alertMessage: null,
    notes: null,
  };
}
