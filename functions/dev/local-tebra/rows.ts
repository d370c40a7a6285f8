// How the synthetic records look on the wire. List replies (AppointmentData, PatientData,
// ProviderData, …) are all strings with practice-local text dates and .NET's "True"/"False";
// the typed CRUD replies (AppointmentCreate) carry numbers, enums and ISO UTC times. A member
// left out here is written as i:nil="true", as WCF writes a null member.
import type { DateTime } from "luxon";
import type { WireObject } from "./codec.ts";
import { isoUtc, listDate, listDateTime } from "./dates.ts";
import {
  CONFIRMATION_STATUS_TEXT,
  type Appointment,
  type Patient,
  type Provider,
  type ServiceLocation,
  type SyntheticPractice,
} from "./practice.ts";

function dotnetBool(value: boolean): string {
  return value ? "True" : "False";
}

export function providerFullName(provider: Provider): string {
  return `${provider.firstName} ${provider.lastName}, ${provider.degree}`;
}

export function patientFullName(patient: Patient): string {
  return [patient.firstName, patient.middleName, patient.lastName]
    .filter(Boolean)
    .join(" ");
}

/** Resources as list replies name them: the provider (type 1) and rooms (type 2). */
export function appointmentResources(
  practice: SyntheticPractice,
  appointment: Appointment,
): { id: number; name: string; typeId: 1 | 2 }[] {
  const provider = appointment.providerId
    ? practice.provider(appointment.providerId)
    : null;
  const doctor = provider
    ? [{ id: provider.id, name: providerFullName(provider), typeId: 1 as const }]
    : [];
  const rooms = appointment.roomIds.flatMap((id) => {
    const room = practice.room(id);
    return room ? [{ id: room.id, name: room.name, typeId: 2 as const }] : [];
  });
  return appointment.roomsFirst ? [...rooms, ...doctor] : [...doctor, ...rooms];
}

/**
 * Rows by appointment: an appointment record never changes (a write stores a new one), and
 * formatting 300 rows of dates is most of what a GetAppointments call costs. The patient's
 * name is checked on each use, since tests rename patients in place.
 */
const ROWS = new WeakMap<Appointment, WireObject>();

export function appointmentRow(
  practice: SyntheticPractice,
  appointment: Appointment,
): WireObject {
  const patient = appointment.patientId ? practice.patient(appointment.patientId) : null;
  let row = ROWS.get(appointment);
  if (!row || (patient && row.PatientFullName !== patientFullName(patient))) {
    row = makeAppointmentRow(practice, appointment);
    ROWS.set(appointment, row);
  }
  return row;
}

function makeAppointmentRow(
  practice: SyntheticPractice,
  appointment: Appointment,
): WireObject {
  const zone = practice.timeZone;
  const patient = appointment.patientId ? practice.patient(appointment.patientId) : null;
  const location = appointment.serviceLocationId
    ? practice.serviceLocation(appointment.serviceLocationId)
    : null;
  const reason = appointment.reasonId ? practice.reason(appointment.reasonId) : null;
  const row: WireObject = {
    AllDay: "False",
    AppointmentDuration: String(
      appointment.end.diff(appointment.start, "minutes").minutes,
    ),
    ConfirmationStatus: CONFIRMATION_STATUS_TEXT[appointment.status],
    CreatedDate: listDateTime(appointment.createdAt, zone),
    EndDate: listDateTime(appointment.end, zone),
    ID: String(appointment.id),
    LastModifiedDate: listDateTime(appointment.modifiedAt, zone),
    Notes: appointment.notes,
    PracticeID: String(appointment.practiceId),
    PracticeName: practice.practice.name,
    Recurring: dotnetBool(appointment.isRecurring),
    StartDate: listDateTime(appointment.start, zone),
    Type: appointment.type,
  };
  if (patient) {
    row.PatientID = String(patient.id);
    row.PatientFullName = patientFullName(patient);
  }
  if (patient && appointment.patientCaseId === patient.caseId) {
    row.PatientCaseID = String(patient.caseId);
    row.PatientCaseName = patient.caseName;
    row.PatientCasePayerScenario = patient.payerScenario;
  }
  if (location) {
    row.ServiceLocationID = String(location.id);
    row.ServiceLocationName = location.name;
  }
  if (reason) {
    row.AppointmentReason1 = reason.name;
    row.AppointmentReasonID1 = String(reason.id);
  }
  appointmentResources(practice, appointment).forEach((resource, i) => {
    row[`ResourceID${i + 1}`] = String(resource.id);
    row[`ResourceName${i + 1}`] = resource.name;
    row[`ResourceTypeID${i + 1}`] = String(resource.typeId);
  });
  return row;
}

/** A PatientSummary (inside the typed appointment replies). */
export function patientSummary(
  practice: SyntheticPractice,
  patient: Patient,
): WireObject {
  return {
    DateOfBirth: `${patient.dateOfBirth}T00:00:00`,
    Email: patient.email,
    FirstName: patient.firstName,
    GenderId: patient.gender === "Female" ? 2 : 1,
    Guid: patient.guid,
    HomePhone: patient.homePhone,
    LastName: patient.lastName,
    MiddleName: patient.middleName || null,
    MobilePhone: patient.mobilePhone,
    PatientId: patient.id,
    PracticeId: practice.practice.id,
  };
}

/** The typed AppointmentCreate that GetAppointment, CreateAppointment and UpdateAppointment answer. */
export function appointmentCreate(
  practice: SyntheticPractice,
  appointment: Appointment,
  customerId: number,
): WireObject {
  const patient = appointment.patientId ? practice.patient(appointment.patientId) : null;
  return {
    AppointmentId: appointment.id,
    AppointmentMode: appointment.mode,
    AppointmentName: appointment.name,
    AppointmentReasonId: appointment.reasonId,
    AppointmentStatus: appointment.status,
    AppointmentType: appointment.type,
    AppointmentUUID: appointment.uuid,
    AttendeesCount: patient ? 1 : 0,
    CreatedAt: isoUtc(appointment.createdAt),
    CreatedBy: appointment.createdBy,
    CustomerId: customerId,
    EndTime: isoUtc(appointment.end),
    ForRecare: false,
    InsurancePolicyAuthorizationId: appointment.authorizationId,
    IsDeleted: false,
    IsGroupAppointment: false,
    IsRecurring: appointment.isRecurring,
    MaxAttendees: appointment.maxAttendees,
    Notes: appointment.notes,
    OccurrenceId: appointment.occurrenceId,
    PatientCaseId: appointment.patientCaseId,
    PatientSummary: patient ? patientSummary(practice, patient) : null,
    PracticeId: appointment.practiceId,
    ProviderId: appointment.providerId,
    ResourceId: appointment.roomIds[0] ?? null,
    ResourceIds: { long: appointment.roomIds },
    ServiceLocationId: appointment.serviceLocationId ?? 0,
    StartTime: isoUtc(appointment.start),
    UpdatedAt: isoUtc(appointment.modifiedAt),
    UpdatedBy: appointment.modifiedBy,
    WasCreatedOnline: appointment.wasCreatedOnline,
  };
}

function ageOn(dateOfBirth: string, today: DateTime): string {
  const [year, month, day] = dateOfBirth.split("-").map(Number) as [
    number,
    number,
    number,
  ];
  let age = today.year - year;
  if (today.month < month || (today.month === month && today.day < day)) age--;
  return String(age);
}

export function patientRow(
  practice: SyntheticPractice,
  patient: Patient,
  today: DateTime,
): WireObject {
  const zone = practice.timeZone;
  const provider = practice.provider(patient.providerId)!;
  const location = practice.serviceLocation(patient.serviceLocationId)!;
  return {
    AddressLine1: patient.addressLine1,
    Age: ageOn(patient.dateOfBirth, today.setZone(zone)),
    AlertShowWhenSchedulingAppointments: "False",
    Cases: {
      PatientCaseData: [
        {
          IsPrimaryCase: true,
          Name: patient.caseName,
          PatientCaseID: String(patient.caseId),
          PayerScenario: patient.payerScenario,
        },
      ],
    },
    City: patient.city,
    Country: "USA",
    CreatedDate: listDateTime(patient.createdAt, zone),
    DOB: listDate(patient.dateOfBirth),
    DefaultCaseID: String(patient.caseId),
    DefaultCaseName: patient.caseName,
    DefaultCasePayerScenario: patient.payerScenario,
    DefaultRenderingProviderFullName: providerFullName(provider),
    DefaultRenderingProviderId: String(provider.id),
    DefaultServiceLocationId: String(location.id),
    DefaultServiceLocationName: location.name,
    EmailAddress: patient.email,
    FirstName: patient.firstName,
    Gender: patient.gender,
    HomePhone: patient.homePhone,
    ID: String(patient.id),
    InsuranceBalance: "0.00",
    LastModifiedDate: listDateTime(patient.modifiedAt, zone),
    LastName: patient.lastName,
    MedicalRecordNumber: patient.medicalRecordNumber,
    MiddleName: patient.middleName || null,
    MobilePhone: patient.mobilePhone,
    PatientBalance: "0.00",
    PatientFullName: patientFullName(patient),
    PracticeId: String(practice.practice.id),
    PracticeName: practice.practice.name,
    PrimaryCarePhysicianFullName: providerFullName(provider),
    PrimaryCarePhysicianId: String(provider.id),
    State: patient.state,
    TotalBalance: "0.00",
    ZipCode: patient.zipCode,
  };
}

export function providerRow(practice: SyntheticPractice, provider: Provider): WireObject {
  const zone = practice.timeZone;
  return {
    Active: "True",
    CreatedDate: listDateTime(provider.createdAt, zone),
    Degree: provider.degree,
    EmailAddress: provider.email,
    FirstName: provider.firstName,
    FullName: providerFullName(provider),
    ID: String(provider.id),
    LastModifiedDate: listDateTime(provider.modifiedAt, zone),
    LastName: provider.lastName,
    MiddleName: provider.middleName || null,
    NationalProviderIdentifier: provider.npi,
    PracticeID: String(practice.practice.id),
    PracticeName: practice.practice.name,
    Prefix: provider.prefix || null,
    SpecialtyName: provider.specialty,
    Type: "Normal Provider",
    WorkPhone: practice.practice.phone,
  };
}

export function practiceRow(practice: SyntheticPractice): WireObject {
  const p = practice.practice;
  return {
    Active: "True",
    CreatedDate: listDateTime(p.createdAt, practice.timeZone),
    Email: p.email,
    ID: String(p.id),
    LastModifiedDate: listDateTime(p.modifiedAt, practice.timeZone),
    NPI: p.npi,
    Phone: p.phone,
    PracticeAddressLine1: p.addressLine1,
    PracticeCity: p.city,
    PracticeCountry: "USA",
    PracticeName: p.name,
    PracticeState: p.state,
    PracticeZipCode: p.zipCode,
    TaxID: p.taxId,
  };
}

export function serviceLocationRow(
  practice: SyntheticPractice,
  location: ServiceLocation,
): WireObject {
  return {
    AddressLine1: location.addressLine1,
    BillingName: location.billingName,
    City: location.city,
    Country: "USA",
    CreatedDate: listDateTime(location.createdAt, practice.timeZone),
    ID: String(location.id),
    ModifiedDate: listDateTime(location.modifiedAt, practice.timeZone),
    NPI: location.npi,
    Name: location.name,
    Phone: location.phone,
    PlaceOfService: location.placeOfService,
    PracticeID: String(practice.practice.id),
    PracticeName: practice.practice.name,
    State: location.state,
    ZipCode: location.zipCode,
  };
}
