// What callers may pass to the client, validated with zod before anything reaches Tebra:
// ids are digits, days are real calendar dates, instants carry an offset, texts are short.
// A bad value is `invalid-argument` naming the field (errors.ts parseInput).
import { z } from "zod";
import { isCalendarDate } from "./dates.ts";
import { APPOINTMENT_STATUSES } from "./requests.ts";

export const tebraId = z.string().regex(/^\d{1,19}$/, "must be a Tebra id (digits)");
const clinicDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date (YYYY-MM-DD)")
  .refine(isCalendarDate, "must be a calendar date");
const shortText = z.string().trim().min(1).max(200);
const instant = z.iso.datetime({ offset: true });

export const appointmentsQuery = z.strictObject({
  fromDay: clinicDay,
  toDay: clinicDay.optional(),
  resourceName: shortText.optional(),
  patientId: tebraId.optional(),
  confirmationStatus: shortText.optional(),
  modifiedFrom: instant.optional(),
  modifiedTo: instant.optional(),
});

export const patientsQuery = z
  .strictObject({
    firstName: shortText.optional(),
    lastName: shortText.optional(),
    dateOfBirth: clinicDay.optional(),
    modifiedFrom: instant.optional(),
    modifiedTo: instant.optional(),
  })
  .refine((q) => q.firstName ?? q.lastName ?? q.dateOfBirth ?? q.modifiedFrom, {
    message: "a name, a date of birth or modifiedFrom is required",
  });

export const appointmentStatus = z.enum(APPOINTMENT_STATUSES);

export const newAppointment = z.strictObject({
  patientId: tebraId,
  startTime: instant,
  endTime: instant,
  serviceLocationId: tebraId,
  status: appointmentStatus.optional(),
  type: z.enum(["U", "P", "O"]).optional(),
  mode: z.enum(["InOffice", "Telehealth"]).optional(),
  name: shortText.optional(),
  reasonId: tebraId.optional(),
  providerId: tebraId.optional(),
  resourceId: tebraId.optional(),
  patientCaseId: tebraId.optional(),
  notes: z.string().max(2000).optional(),
});

export type AppointmentsQuery = z.input<typeof appointmentsQuery>;
export type PatientsQuery = z.input<typeof patientsQuery>;
export type NewAppointmentInput = z.input<typeof newAppointment>;
