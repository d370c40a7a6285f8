// Patients: search by name and date of birth, and one patient's record. A search needs a
// last name and a second identifier (a first name or the date of birth), so that no call
// can list the practice's patients wholesale; replies are capped at MAX_SEARCH_RESULTS.
import { z } from "zod";
import { clinicDate, patientId, personName } from "./values.ts";

export const MAX_SEARCH_RESULTS = 25;

export const searchPatientsRequest = z
  .strictObject({
    lastName: personName(),
    firstName: personName().optional(),
    dateOfBirth: clinicDate.optional(),
  })
  .refine((query) => query.firstName !== undefined || query.dateOfBirth !== undefined, {
    message: "give firstName or dateOfBirth with lastName",
    path: ["firstName"],
  });
export type SearchPatientsRequest = z.input<typeof searchPatientsRequest>;

export const getPatientRequest = z.strictObject({ patientId });
export type GetPatientRequest = z.input<typeof getPatientRequest>;

const nullableText = z.string().nullable();

export const patientSummary = z.strictObject({
  patientId: z.string(),
  firstName: nullableText.optional(),
  middleName: nullableText.optional(),
  lastName: nullableText.optional(),
  /** YYYY-MM-DD, as Tebra holds it. */
  dateOfBirth: nullableText.optional(),
});
export type PatientSummary = z.output<typeof patientSummary>;

export const searchPatientsReply = z.strictObject({
  patients: z.array(patientSummary),
  /** More patients matched than the reply holds: ask with more detail. */
  truncated: z.boolean(),
});
export type SearchPatientsReply = z.output<typeof searchPatientsReply>;

export const patientRecord = patientSummary.extend({
  homePhone: nullableText.optional(),
  mobilePhone: nullableText.optional(),
  email: nullableText.optional(),
  primaryProviderId: nullableText.optional(),
  // Providers only:
  gender: nullableText.optional(),
  alertMessage: nullableText.optional(),
  notes: nullableText.optional(),
});
export type PatientRecord = z.output<typeof patientRecord>;

export const getPatientReply = patientRecord;
export type GetPatientReply = PatientRecord;
