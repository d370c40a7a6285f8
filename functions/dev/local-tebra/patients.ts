// GetPatient (one patient by ID) and GetPatients (a search by the PatientFilter members).
import {
  checkPractice,
  filterDate,
  instantRange,
  numberOrNull,
  requireFilter,
  sameText,
  text,
} from "./filters.ts";
import { TebraError, type Handler } from "./handler.ts";
import type { Patient } from "./practice.ts";
import { patientFullName, patientRow, providerFullName } from "./rows.ts";

export const getPatient: Handler = (request, context) => {
  const filter = requireFilter(request, "GetPatient");
  const id = numberOrNull(filter.PatientID ?? null);
  if (id === null) {
    if (text(filter, "ExternalID") === null) {
      throw new TebraError("PatientID or ExternalID and ExternalVendorID are required.");
    }
    // The synthetic patients have no external IDs.
    return { Patient: null };
  }
  const patient = context.practice.patient(id);
  return {
    Patient: patient ? patientRow(context.practice, patient, context.now()) : null,
  };
};

/** PatientFilter members that name data the synthetic patients do not have. */
const UNMATCHABLE_PATIENT_FILTERS = [
  "CollectionCategoryName",
  "FromLastEncounterDate",
  "ToLastEncounterDate",
  "PrimaryInsurancePolicyCompanyName",
  "PrimaryInsurancePolicyPlanName",
  "ReferralSource",
  "ReferringProviderFullName",
  "SSN",
  "SecondaryInsurancePolicyCompanyName",
  "SecondaryInsurancePolicyPlanName",
];

export const getPatients: Handler = (request, context) => {
  const filter = requireFilter(request, "GetPatients");
  checkPractice(filter, context, { name: true, id: true });
  const { practice } = context;
  const zone = practice.timeZone;
  if (UNMATCHABLE_PATIENT_FILTERS.some((member) => text(filter, member) !== null)) {
    return { Patients: { PatientData: [] } };
  }
  const created = instantRange(filter, "FromCreatedDate", "ToCreatedDate", zone);
  const modified = instantRange(
    filter,
    "FromLastModifiedDate",
    "ToLastModifiedDate",
    zone,
  );
  // FromDateOfBirth is inclusive and ToDateOfBirth exclusive (observed on the live service).
  const bornFrom = filterDate(filter, "FromDateOfBirth", zone)?.localDate ?? null;
  const bornBefore = filterDate(filter, "ToDateOfBirth", zone)?.localDate ?? null;
  const exact: [string, (p: Patient) => string][] = [
    ["FirstName", (p) => p.firstName],
    ["LastName", (p) => p.lastName],
    ["MiddleName", (p) => p.middleName],
    ["Gender", (p) => p.gender],
    ["DefaultCasePayerScenario", (p) => p.payerScenario],
    [
      "DefaultRenderingProviderFullName",
      (p) => providerFullName(practice.provider(p.providerId)!),
    ],
    [
      "PrimaryCarePhysicianFullName",
      (p) => providerFullName(practice.provider(p.providerId)!),
    ],
    [
      "DefaultServiceLocationName",
      (p) => practice.serviceLocation(p.serviceLocationId)!.name,
    ],
  ];
  const wanted = exact.flatMap(([member, read]) => {
    const value = text(filter, member);
    return value === null ? [] : [{ value, read }];
  });
  const fullName = text(filter, "FullName")?.toLowerCase() ?? null;

  const rows = practice
    .allPatients()
    .filter((p) => {
      if (created && !created(p.createdAt)) return false;
      if (modified && !modified(p.modifiedAt)) return false;
      if (bornFrom && p.dateOfBirth < bornFrom) return false;
      if (bornBefore && p.dateOfBirth >= bornBefore) return false;
      if (fullName && !patientFullName(p).toLowerCase().includes(fullName)) return false;
      return wanted.every(({ value, read }) => sameText(value, read(p)));
    })
    .map((p) => patientRow(practice, p, context.now()));
  return { Patients: { PatientData: rows } };
};
