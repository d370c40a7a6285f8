// GetAppointments (the day's list, practice-local text) and the typed appointment
// operations GetAppointment, CreateAppointment, UpdateAppointment and DeleteAppointment
// (ISO UTC).
import type { DateTime } from "luxon";
import type { WireObject, WireValue } from "./codec.ts";
import { datesBetween, parseCrudDateTime } from "./dates.ts";
import {
  checkPractice,
  filterDate,
  instantRange,
  numberOrNull,
  requireFilter,
  sameText,
  text,
} from "./filters.ts";
import {
  API_USER_ID,
  InternalFault,
  NotAuthorizedError,
  TebraError,
  nullReference,
  type Handler,
  type OperationContext,
} from "./handler.ts";
import {
  APPOINTMENT_STATUSES,
  CONFIRMATION_STATUS_TEXT,
  type Appointment,
  type AppointmentStatus,
} from "./practice.ts";
import {
  appointmentCreate,
  appointmentResources,
  appointmentRow,
  patientFullName,
} from "./rows.ts";

/** Wider windows drew InternalServiceFault on the live service (API notes §5). */
export const MAX_APPOINTMENT_WINDOW_DAYS = 62;

export const getAppointments: Handler = (request, context) => {
  const filter = requireFilter(request, "GetAppointments");
  checkPractice(filter, context, { name: true, id: false });
  const zone = context.practice.timeZone;

  // The guide's defaults when dates are left out.
  const today = context.now().setZone(zone).startOf("day");
  const start = filterDate(filter, "StartDate", zone);
  const end = filterDate(filter, "EndDate", zone);
  const firstDay =
    start?.localDate ??
    (end ? today.minus({ days: 7 }) : today.minus({ days: 3 })).toISODate()!;
  const lastDay =
    end?.localDate ??
    (start ? start.instant.plus({ days: 7 }).toISODate()! : today.toISODate()!);
  if (lastDay < firstDay) return { Appointments: { AppointmentData: [] } };
  const days = datesBetween(firstDay, lastDay);
  if (days.length > MAX_APPOINTMENT_WINDOW_DAYS)
    throw new InternalFault("window too wide");

  const created = instantRange(filter, "FromCreatedDate", "ToCreatedDate", zone);
  const modified = instantRange(
    filter,
    "FromLastModifiedDate",
    "ToLastModifiedDate",
    zone,
  );
  const status = text(filter, "ConfirmationStatus");
  const patientId = text(filter, "PatientID");
  const patientName = text(filter, "PatientFullName");
  const resourceName = text(filter, "ResourceName");
  const locationName = text(filter, "ServiceLocationName");
  const type = text(filter, "Type");
  const reasonName = text(filter, "AppointmentReason");
  const payerScenario = text(filter, "PatientCasePayerScenario");
  const { practice, schedule } = context;

  const matches = (a: Appointment): boolean => {
    if (created && !created(a.createdAt)) return false;
    if (modified && !modified(a.modifiedAt)) return false;
    if (status && !sameText(status, CONFIRMATION_STATUS_TEXT[a.status])) return false;
    if (patientId && String(a.patientId) !== patientId) return false;
    if (type && !sameText(type, a.type)) return false;
    const patient = a.patientId ? practice.patient(a.patientId) : null;
    if (patientName && !(patient && sameText(patientName, patientFullName(patient)))) {
      return false;
    }
    if (payerScenario && !(patient && sameText(payerScenario, patient.payerScenario))) {
      return false;
    }
    if (resourceName) {
      const names = appointmentResources(practice, a).map((r) => r.name);
      if (!names.some((name) => sameText(name, resourceName))) return false;
    }
    if (locationName) {
      const location = a.serviceLocationId
        ? practice.serviceLocation(a.serviceLocationId)
        : null;
      if (!(location && sameText(location.name, locationName))) return false;
    }
    if (reasonName) {
      const reason = a.reasonId ? practice.reason(a.reasonId) : null;
      if (!(reason && sameText(reason.name, reasonName))) return false;
    }
    return true;
  };

  const rows = days
    .flatMap((day) => schedule.onDate(day))
    .filter(matches)
    .map((a) => appointmentRow(practice, a));
  return { Appointments: { AppointmentData: rows } };
};

function requireAppointment(request: WireObject, operation: string): WireObject {
  const appointment = request.Appointment;
  if (!appointment || typeof appointment !== "object" || Array.isArray(appointment)) {
    throw nullReference(operation, operation);
  }
  return appointment;
}

export const getAppointment: Handler = (request, context) => {
  const wanted = requireAppointment(request, "GetAppointment");
  const appointment = context.schedule.get(Number(wanted.AppointmentId));
  // No such appointment: a nil Appointment, as GetPatient answers for no such patient.
  if (!appointment) return { Appointment: null };
  return {
    Appointment: appointmentCreate(context.practice, appointment, context.customerId),
  };
};

function crudTime(value: WireValue, member: string): DateTime {
  if (typeof value !== "string") throw new TebraError(`${member} is required.`);
  const parsed = parseCrudDateTime(value);
  if (!parsed) {
    // The real service would read a time without an offset in some zone of its own
    // choosing; the local Tebra refuses to guess.
    throw new TebraError(
      `${member} must be an ISO 8601 date and time in UTC (ending in Z) or with an offset.`,
    );
  }
  return parsed;
}

interface Placement {
  start: DateTime;
  end: DateTime;
  serviceLocationId: number;
  providerId: number | null;
  roomIds: number[];
  reasonId: number | null;
}

/** The members Create and Update share, checked against the practice. */
function placement(appointment: WireObject, context: OperationContext): Placement {
  const { practice } = context;
  const start = crudTime(appointment.StartTime, "StartTime");
  const end = crudTime(appointment.EndTime, "EndTime");
  if (end <= start) throw new TebraError("EndTime must be after StartTime.");
  const serviceLocationId = Number(appointment.ServiceLocationId);
  if (!practice.serviceLocation(serviceLocationId)) {
    throw new TebraError("ServiceLocationId is not a service location of the practice.");
  }

  let providerId = numberOrNull(appointment.ProviderId);
  const roomIds: number[] = [];
  const resourceIds = appointment.ResourceIds;
  const listed =
    resourceIds && typeof resourceIds === "object" && !Array.isArray(resourceIds)
      ? ((resourceIds.long as number[] | undefined) ?? [])
      : [];
  const single = numberOrNull(appointment.ResourceId);
  for (const id of single === null ? listed : [single, ...listed]) {
    if (practice.room(id)) {
      if (!roomIds.includes(id)) roomIds.push(id);
    } else if (practice.provider(id)) providerId ??= id;
    else throw new TebraError(`Resource ${id} does not exist.`);
  }
  if (providerId !== null && !practice.provider(providerId)) {
    throw new TebraError("ProviderId is not a provider of the practice.");
  }
  const reasonId = numberOrNull(appointment.AppointmentReasonId);
  if (reasonId !== null && !practice.reason(reasonId)) {
    throw new TebraError("AppointmentReasonId does not exist.");
  }
  return { start, end, serviceLocationId, providerId, roomIds, reasonId };
}

function checkPatientCase(
  patientId: number | null,
  caseId: number | null,
  context: OperationContext,
) {
  if (caseId === null) return;
  const patient = patientId ? context.practice.patient(patientId) : null;
  if (!patient || patient.caseId !== caseId) {
    throw new TebraError("PatientCaseId is not a case of the patient.");
  }
}

export const createAppointment: Handler = (request, context) => {
  const input = requireAppointment(request, "CreateAppointment");
  const { practice } = context;
  if (Number(input.PracticeId) !== practice.practice.id) throw new NotAuthorizedError();
  // The guide requires these on create, though the schema does not.
  if (input.AppointmentMode === undefined)
    throw new TebraError("AppointmentMode is required.");
  if (input.WasCreatedOnline === undefined) {
    throw new TebraError("WasCreatedOnline is required.");
  }
  const type = input.AppointmentType as Appointment["type"];
  const summary = input.PatientSummary;
  const patientId =
    summary && typeof summary === "object" && !Array.isArray(summary)
      ? numberOrNull(summary.PatientId)
      : null;
  if (type === "P" && patientId === null) {
    throw new TebraError(
      "PatientSummary.PatientId is required for a patient appointment.",
    );
  }
  if (patientId !== null && !practice.patient(patientId)) {
    throw new TebraError("Patient not found.");
  }
  const caseId = numberOrNull(input.PatientCaseId);
  checkPatientCase(patientId, caseId, context);
  const place = placement(input, context);
  const now = context.now().toUTC().startOf("second");

  const stored = context.schedule.create({
    practiceId: practice.practice.id,
    serviceLocationId: place.serviceLocationId,
    patientId,
    patientCaseId: caseId,
    providerId: place.providerId,
    roomIds: place.roomIds,
    roomsFirst: false,
    start: place.start,
    end: place.end,
    type,
    status: input.AppointmentStatus as AppointmentStatus,
    reasonId: place.reasonId,
    name: typeof input.AppointmentName === "string" ? input.AppointmentName : null,
    notes: typeof input.Notes === "string" ? input.Notes : null,
    mode: input.AppointmentMode as Appointment["mode"],
    isRecurring: input.IsRecurring === true,
    maxAttendees: numberOrNull(input.MaxAttendees),
    occurrenceId: numberOrNull(input.OccurrenceId),
    authorizationId: numberOrNull(input.InsurancePolicyAuthorizationId),
    uuid:
      typeof input.AppointmentUUID === "string"
        ? input.AppointmentUUID
        : crypto.randomUUID(),
    wasCreatedOnline: input.WasCreatedOnline === true,
    createdAt: now,
    createdBy: API_USER_ID,
    modifiedAt: now,
    modifiedBy: API_USER_ID,
  });
  return { Appointment: appointmentCreate(practice, stored, context.customerId) };
};

/** A full replace: every member the request leaves out is reset, as the guide warns. */
export const updateAppointment: Handler = (request, context) => {
  const input = requireAppointment(request, "UpdateAppointment");
  const { practice, schedule } = context;
  const existing = schedule.get(Number(input.AppointmentId));
  if (!existing) throw new TebraError("Appointment not found.");
  const patientId = Number(input.PatientId);
  if (!practice.patient(patientId)) throw new TebraError("Patient not found.");
  const caseId = numberOrNull(input.PatientCaseId);
  checkPatientCase(patientId, caseId, context);
  const place = placement(input, context);
  const status = input.AppointmentStatus;

  const updated: Appointment = {
    ...existing,
    serviceLocationId: place.serviceLocationId,
    patientId,
    patientCaseId: caseId,
    providerId: place.providerId,
    roomIds: place.roomIds,
    start: place.start,
    end: place.end,
    status:
      typeof status === "string" &&
      (APPOINTMENT_STATUSES as readonly string[]).includes(status)
        ? (status as AppointmentStatus)
        : "Unknown",
    reasonId: place.reasonId,
    name: typeof input.AppointmentName === "string" ? input.AppointmentName : null,
    notes: typeof input.Notes === "string" ? input.Notes : null,
    mode: (input.AppointmentMode as Appointment["mode"] | undefined) ?? "InOffice",
    isRecurring: input.IsRecurring === true,
    maxAttendees: numberOrNull(input.MaxAttendees),
    occurrenceId: numberOrNull(input.OccurrenceId),
    authorizationId: numberOrNull(input.InsurancePolicyAuthorizationId),
    modifiedAt: context.now().toUTC().startOf("second"),
    modifiedBy: numberOrNull(input.UpdatedBy) ?? API_USER_ID,
  };
  schedule.replace(updated);
  return { Appointment: appointmentCreate(practice, updated, context.customerId) };
};

export const deleteAppointment: Handler = (request, context) => {
  const wanted = requireAppointment(request, "DeleteAppointment");
  const id = Number(wanted.AppointmentId);
  return { AppointmentId: id, Deleted: context.schedule.remove(id) };
};
