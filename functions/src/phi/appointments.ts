// getAppointment and createAppointment. A single appointment is read from Tebra with its
// patient (GetPatient: the board's name, date of birth and phone) and the synced visit's
// flow fields; the practice's schedule is the front desk's to read, so no care
// relationship is asked for here (getPatient asks for one). A new appointment is
// written to Tebra only: the board shows it after the next sync.
import { HttpsError } from "firebase-functions/https";
import type { z } from "zod";
import type {
  AppointmentView,
  createAppointmentRequest,
  getAppointmentRequest,
} from "../contract/index.ts";
import type { OperationContext } from "../http/callable.ts";
import { clinicDayOf } from "../tebra/dates.ts";
import { isTebraError } from "../tebra/errors.ts";
import type { AppointmentRecord, TebraPatient } from "../tebra/results.ts";
import { requireSamePractice } from "./access.ts";
import type { PhiDeps } from "./deps.ts";
import { providerLabel } from "./referenceData.ts";
import { recordView } from "./views.ts";
import { readVisit } from "./visits.ts";

/** Tebra's answer for an appointment of another practice reads as not found. */
export function ensureOurs(record: AppointmentRecord, deps: PhiDeps): void {
  if (record.practiceId !== null && record.practiceId !== deps.practice.id) {
    throw new HttpsError("not-found", "Not found in Tebra", { reason: "other-practice" });
  }
}

async function patientOrNull(
  deps: PhiDeps,
  patientId: string,
): Promise<TebraPatient | null> {
  try {
    return await deps.tebra.getPatient(patientId);
  } catch (error) {
    if (isTebraError(error, "not-found")) return null;
    throw error;
  }
}

/** Whole seconds in UTC with Z, as Tebra's CRUD operations take them. */
export function tebraInstant(instant: string): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export async function getAppointment(
  input: z.output<typeof getAppointmentRequest>,
  { caller, audit }: OperationContext,
  deps: PhiDeps,
): Promise<AppointmentView> {
  requireSamePractice(caller, deps);
  audit.entityId = input.appointmentId;

  const record = await deps.tebra.getAppointment(input.appointmentId);
  ensureOurs(record, deps);
  if (record.patientId) audit.patientIds.push(record.patientId);

  const date = clinicDayOf(record.startTime, deps.practice.timeZone);
  const [visit, patient, label] = await Promise.all([
    readVisit(deps.firestore, deps.practice.id, date, record.appointmentId),
    record.patientId ? patientOrNull(deps, record.patientId) : null,
    providerLabel(deps, record.providerId),
  ]);
  return recordView(record, {
    practiceId: deps.practice.id,
    timeZone: deps.practice.timeZone,
    visit,
    patient,
    providerLabel: label,
  });
}

export async function createAppointment(
  input: z.output<typeof createAppointmentRequest>,
  { caller, audit }: OperationContext,
  deps: PhiDeps,
): Promise<AppointmentView> {
  requireSamePractice(caller, deps);
  audit.patientIds.push(input.patientId);
  audit.fieldsWritten.push(...Object.keys(input));

  const record = await deps.tebra.createAppointment({
    patientId: input.patientId,
    providerId: input.providerId,
    serviceLocationId: input.serviceLocationId,
    startTime: tebraInstant(input.startTime),
    endTime: tebraInstant(input.endTime),
    status: "Scheduled",
    type: "P",
    ...(input.reasonId !== undefined && { reasonId: input.reasonId }),
    ...(input.mode !== undefined && { mode: input.mode }),
    ...(input.notes !== undefined && { notes: input.notes }),
  });
  audit.entityId = record.appointmentId;

  return recordView(record, {
    practiceId: deps.practice.id,
    timeZone: deps.practice.timeZone,
    visit: null,
    patient: null,
    providerLabel: await providerLabel(deps, record.providerId),
  });
}
