// The synthetic practice: one clinic, its providers, rooms, service locations, a pool of
// invented patients and a schedule for any date. Everything comes from a seeded generator
// keyed by what it describes (a patient id, a date), so the same seed and date give the
// same appointments in any run and in any order of requests. No value here is real.
import { DateTime } from "luxon";
import { dateFromDayNumber, dayNumber } from "./dates.ts";
import {
  GIVEN_FEMALE,
  GIVEN_MALE,
  NOTES,
  Random,
  STREETS,
  phone,
  surname,
  uuid,
  weighted,
} from "./synthetic.ts";

export const APPOINTMENT_STATUSES = [
  "Unknown",
  "Scheduled",
  "ReminderSent",
  "Confirmed",
  "CheckedIn",
  "Roomed",
  "CheckedOut",
  "NeedsReschedule",
  "ReadyToBeSeen",
  "NoShow",
  "Cancelled",
  "Rescheduled",
  "Tentative",
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** The free text list replies carry in ConfirmationStatus (the guide's texts where it has one). */
export const CONFIRMATION_STATUS_TEXT: Record<AppointmentStatus, string> = {
  Unknown: "Unknown",
  Scheduled: "Scheduled",
  ReminderSent: "Reminder Sent",
  Confirmed: "Confirmed",
  CheckedIn: "Check-in",
  Roomed: "Roomed",
  CheckedOut: "Check-out",
  NeedsReschedule: "Needs Reschedule",
  ReadyToBeSeen: "Ready To Be Seen",
  NoShow: "No-show",
  Cancelled: "Cancelled",
  Rescheduled: "Rescheduled",
  Tentative: "Tentative",
};

export interface Practice {
  id: number;
  name: string;
  npi: string;
  taxId: string;
  phone: string;
  email: string;
  addressLine1: string;
  city: string;
  state: string;
  zipCode: string;
  createdAt: DateTime;
  modifiedAt: DateTime;
}

export interface Provider {
  id: number;
  prefix: string;
  firstName: string;
  middleName: string;
  lastName: string;
  degree: string;
  specialty: string;
  npi: string;
  email: string;
  serviceLocationId: number;
  createdAt: DateTime;
  modifiedAt: DateTime;
}

/** A practice resource (ResourceTypeID 2): an exam room. */
export interface Room {
  id: number;
  name: string;
}

export interface ServiceLocation {
  id: number;
  name: string;
  billingName: string;
  addressLine1: string;
  city: string;
  state: string;
  zipCode: string;
  phone: string;
  npi: string;
  placeOfService: string;
  createdAt: DateTime;
  modifiedAt: DateTime;
}

export interface AppointmentReason {
  id: number;
  name: string;
  minutes: number;
}

export interface Patient {
  id: number;
  firstName: string;
  middleName: string;
  lastName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  gender: "Female" | "Male";
  homePhone: string;
  mobilePhone: string;
  email: string;
  addressLine1: string;
  city: string;
  state: string;
  zipCode: string;
  medicalRecordNumber: string;
  caseId: number;
  caseName: string;
  payerScenario: string;
  providerId: number;
  serviceLocationId: number;
  guid: string;
  createdAt: DateTime;
  modifiedAt: DateTime;
}

export interface Appointment {
  id: number;
  practiceId: number;
  serviceLocationId: number | null;
  patientId: number | null;
  patientCaseId: number | null;
  /** The doctor (ResourceTypeID 1), or null when an update left it out. */
  providerId: number | null;
  /** Practice resources (rooms), ResourceTypeID 2. */
  roomIds: number[];
  /** List replies name the rooms before the provider (ResourceID1 = a room). */
  roomsFirst: boolean;
  start: DateTime;
  end: DateTime;
  type: "U" | "P" | "O";
  status: AppointmentStatus;
  reasonId: number | null;
  name: string | null;
  notes: string | null;
  mode: "InOffice" | "Telehealth";
  isRecurring: boolean;
  maxAttendees: number | null;
  occurrenceId: number | null;
  authorizationId: number | null;
  uuid: string;
  wasCreatedOnline: boolean;
  createdAt: DateTime;
  createdBy: number;
  modifiedAt: DateTime;
  modifiedBy: number;
}

/** What updatePatient may change. */
export type PatientChange = Partial<Omit<Patient, "id" | "createdAt" | "modifiedAt">>;

/** What addPatient takes: the demographics a test wants to see come back. */
export interface NewPatient {
  firstName: string;
  lastName: string;
  middleName?: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  gender?: "Female" | "Male";
  homePhone?: string;
  mobilePhone?: string;
  email?: string;
}

export interface PracticeOptions {
  seed: number;
  appointmentsPerDay: number;
  timeZone: string;
}

// ---- The practice -----------------------------------------------------------------------

const CREATED = DateTime.fromISO("2019-04-01T15:00:00Z", { zone: "UTC" });

const STATUS_WEIGHTS: [AppointmentStatus, number][] = [
  ["Scheduled", 33],
  ["Confirmed", 25],
  ["ReminderSent", 3],
  ["CheckedIn", 8],
  ["Roomed", 5],
  ["ReadyToBeSeen", 4],
  ["CheckedOut", 10],
  ["NoShow", 4],
  ["Cancelled", 4],
  ["Rescheduled", 2],
  ["NeedsReschedule", 1],
  ["Tentative", 1],
];

/** First and last appointment start of the clinic day, in minutes after local midnight. */
const DAY_MS = 86_400_000;

function utc(millis: number): DateTime {
  return DateTime.fromMillis(millis, { zone: "utc" });
}

const FIRST_SLOT = 7 * 60;
const LAST_SLOT = 19 * 60 + 45;
const SLOT = 15;

export class SyntheticPractice {
  readonly seed: number;
  readonly appointmentsPerDay: number;
  readonly timeZone: string;
  readonly practice: Practice;
  readonly providers: Provider[];
  readonly rooms: Room[];
  readonly serviceLocations: ServiceLocation[];
  readonly reasons: AppointmentReason[];
  /** Patient IDs run from FIRST_PATIENT_ID for `patientCount` patients. */
  readonly patientCount: number;
  static readonly FIRST_PATIENT_ID = 10001;
  /** Patients added with addPatient get IDs from here, far above the pool. */
  static readonly FIRST_ADDED_PATIENT_ID = 9_000_001;

  private readonly days = new Map<string, Appointment[]>();
  private readonly patients = new Map<number, Patient>();
  private readonly added = new Map<number, Patient>();

  constructor(options: PracticeOptions) {
    if (!Number.isInteger(options.appointmentsPerDay) || options.appointmentsPerDay < 0) {
      throw new Error("appointmentsPerDay must be a whole number");
    }
    if (options.appointmentsPerDay > 9999) {
      throw new Error(
        "appointmentsPerDay is at most 9999 (appointment IDs hold 4 digits)",
      );
    }
    this.seed = options.seed;
    this.appointmentsPerDay = options.appointmentsPerDay;
    this.timeZone = options.timeZone;
    this.patientCount = Math.max(1000, options.appointmentsPerDay * 8);

    this.practice = {
      id: 1,
      name: "Lakeside Family Medicine (synthetic)",
      npi: "0000000001",
      taxId: "00-0000001",
      phone: "(312) 555-0100",
      email: "front-desk@lakeside.example.test",
      addressLine1: "100 Example Lane",
      city: "Lakeside",
      state: "IL",
      zipCode: "00000",
      createdAt: CREATED,
      modifiedAt: CREATED.plus({ days: 30 }),
    };
    this.serviceLocations = [
      this.location(201, "Lakeside Main Clinic (synthetic)", "100 Example Lane"),
      this.location(202, "Lakeside North Annex (synthetic)", "42 Sample Street"),
    ];
    this.providers = this.makeProviders();
    this.rooms = [301, 302, 303, 304].map((id, i) => ({
      id,
      name: `Exam Room ${i + 1}`,
    }));
    this.reasons = [
      { id: 401, name: "Annual physical", minutes: 45 },
      { id: 402, name: "Follow-up visit", minutes: 15 },
      { id: 403, name: "Sick visit", minutes: 15 },
      { id: 404, name: "Medication review", minutes: 30 },
      { id: 405, name: "New patient visit", minutes: 60 },
      { id: 406, name: "Vaccination", minutes: 15 },
      { id: 407, name: "Lab review", minutes: 30 },
      { id: 408, name: "Telehealth check-in", minutes: 20 },
    ];
  }

  private location(id: number, name: string, street: string): ServiceLocation {
    return {
      id,
      name,
      billingName: this.practice.name,
      addressLine1: street,
      city: "Lakeside",
      state: "IL",
      zipCode: "00000",
      phone: `(312) 555-01${id - 150}`,
      npi: `000000${id}0`,
      placeOfService: "11",
      createdAt: CREATED,
      modifiedAt: CREATED.plus({ days: id - 200 }),
    };
  }

  private makeProviders(): Provider[] {
    const specialties = ["Family Medicine", "Internal Medicine", "Pediatrics"];
    const degrees = ["MD", "DO", "MD", "NP", "MD", "PA"];
    return [101, 102, 103, 104, 105, 106].map((id, i) => {
      const random = new Random(this.seed, `provider:${id}`);
      const female = random.chance(0.5);
      const degree = degrees[i]!;
      return {
        id,
        prefix: degree === "MD" || degree === "DO" ? "Dr." : "",
        firstName: random.pick(female ? GIVEN_FEMALE : GIVEN_MALE),
        middleName: "",
        lastName: surname(random),
        degree,
        specialty: specialties[i % specialties.length]!,
        npi: `00000001${String(id).padStart(2, "0").slice(-2)}`,
        email: `provider${id}@lakeside.example.test`,
        serviceLocationId: i < 4 ? 201 : 202,
        createdAt: CREATED.plus({ days: i }),
        modifiedAt: CREATED.plus({ days: 100 + i }),
      };
    });
  }

  provider(id: number): Provider | null {
    return this.providers.find((p) => p.id === id) ?? null;
  }

  room(id: number): Room | null {
    return this.rooms.find((r) => r.id === id) ?? null;
  }

  serviceLocation(id: number): ServiceLocation | null {
    return this.serviceLocations.find((l) => l.id === id) ?? null;
  }

  reason(id: number): AppointmentReason | null {
    return this.reasons.find((r) => r.id === id) ?? null;
  }

  /** A patient of the pool or an added one, or null for an ID outside both. */
  patient(id: number): Patient | null {
    const added = this.added.get(id);
    if (added) return added;
    const first = SyntheticPractice.FIRST_PATIENT_ID;
    if (!Number.isInteger(id) || id < first || id >= first + this.patientCount)
      return null;
    let patient = this.patients.get(id);
    if (!patient) {
      patient = this.makePatient(id);
      this.patients.set(id, patient);
    }
    return patient;
  }

  /** Every patient of the pool, then the added ones, in ID order. */
  allPatients(): Patient[] {
    const all: Patient[] = [];
    for (let i = 0; i < this.patientCount; i++) {
      all.push(this.patient(SyntheticPractice.FIRST_PATIENT_ID + i)!);
    }
    return [...all, ...this.added.values()];
  }

  /** Changes a pool or added patient in place and stamps `modifiedAt` (to the second). */
  updatePatient(id: number, change: PatientChange, now: DateTime): Patient {
    const patient = this.patient(id);
    if (!patient) throw new Error(`no patient ${id}`);
    Object.assign(patient, change, { modifiedAt: now.toUTC().startOf("second") });
    return patient;
  }

  /**
   * Adds a patient with the given demographics (tests use values that must never reach a
   * log, "canaries"). Added patients survive `reset()`; they are reference data.
   */
  addPatient(input: NewPatient, now: DateTime): Patient {
    const id = SyntheticPractice.FIRST_ADDED_PATIENT_ID + this.added.size;
    const random = new Random(this.seed, `added-patient:${id}`);
    const provider = this.providers[0]!;
    const patient: Patient = {
      id,
      firstName: input.firstName,
      middleName: input.middleName ?? "",
      lastName: input.lastName,
      dateOfBirth: input.dateOfBirth,
      gender: input.gender ?? "Female",
      homePhone: input.homePhone ?? phone(random),
      mobilePhone: input.mobilePhone ?? phone(random),
      email: input.email ?? `added.${id}@example.test`,
      addressLine1: `${1 + random.int(9800)} ${random.pick(STREETS)} Street`,
      city: "Lakeside",
      state: "IL",
      zipCode: "00000",
      medicalRecordNumber: `LK${id}`,
      caseId: 50000 + id,
      caseName: "Default Case",
      payerScenario: "Commercial",
      providerId: provider.id,
      serviceLocationId: provider.serviceLocationId,
      guid: uuid(random),
      createdAt: now.toUTC().startOf("second"),
      modifiedAt: now.toUTC().startOf("second"),
    };
    this.added.set(id, patient);
    return patient;
  }

  private makePatient(id: number): Patient {
    const random = new Random(this.seed, `patient:${id}`);
    const female = random.chance(0.52);
    const firstName = random.pick(female ? GIVEN_FEMALE : GIVEN_MALE);
    const lastName = surname(random);
    const middleName = random.chance(0.6) ? String.fromCharCode(65 + random.int(26)) : "";
    const born = new Date(Date.UTC(1935, 0, 1) + random.int(32000) * DAY_MS);
    const created = utc(
      CREATED.toMillis() + random.int(2000) * DAY_MS + random.int(600) * 60_000,
    );
    const provider = random.pick(this.providers);
    const selfPay = random.chance(0.15);
    const emailName = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, "");
    return {
      id,
      firstName,
      middleName,
      lastName,
      dateOfBirth: born.toISOString().slice(0, 10),
      gender: female ? "Female" : "Male",
      homePhone: phone(random),
      mobilePhone: phone(random),
      email: `${emailName}.${id}@example.test`,
      addressLine1: `${1 + random.int(9800)} ${random.pick(STREETS)} Street`,
      city: "Lakeside",
      state: "IL",
      zipCode: "00000",
      medicalRecordNumber: `LK${id}`,
      caseId: 50000 + id,
      caseName: selfPay ? "Self Pay" : "Default Case",
      payerScenario: selfPay
        ? "Self Pay"
        : random.pick(["Commercial", "Medicare", "Medicaid"]),
      providerId: provider.id,
      serviceLocationId: provider.serviceLocationId,
      guid: uuid(random),
      createdAt: created,
      modifiedAt: utc(created.toMillis() + random.int(400) * DAY_MS),
    };
  }

  /** The generated schedule of a clinic-local date (YYYY-MM-DD), sorted by start time. */
  generatedDay(date: string): Appointment[] {
    let day = this.days.get(date);
    if (!day) {
      day = this.makeDay(date);
      if (this.days.size >= 128) this.days.delete(this.days.keys().next().value!);
      this.days.set(date, day);
    }
    return day;
  }

  /** The generated appointment with this ID (its date is part of the ID), or null. */
  generatedAppointment(id: number): Appointment | null {
    if (!Number.isSafeInteger(id) || id <= 0) return null;
    const date = dateFromDayNumber(Math.floor(id / 10000));
    return this.generatedDay(date).find((a) => a.id === id) ?? null;
  }

  private readonly offsets = new Map<string, number>();

  /** A clinic wall-clock time ("HH:mm", 03:00 or later) on a date, as an instant. */
  clinicTime(date: string, time: string): DateTime {
    const [hour, minute] = time.split(":").map(Number) as [number, number];
    return this.wallClock(date, hour * 60 + minute);
  }

  /**
   * A clinic wall-clock time (minutes after midnight, from 03:00 on) on `date` or a number
   * of days before it. Daylight saving changes at 02:00, so one offset per date holds for
   * every time the schedule uses; on 2026-03-08, 07:00 is 12:00Z, on 2026-03-07 13:00Z.
   */
  private wallClock(date: string, minutes: number, daysBefore = 0): DateTime {
    const day = dayNumber(date) - daysBefore;
    let offset = this.offsets.get(`${day}`);
    if (offset === undefined) {
      offset = DateTime.fromISO(`${dateFromDayNumber(day)}T12:00`, {
        zone: this.timeZone,
      }).offset;
      this.offsets.set(`${day}`, offset);
    }
    return utc(Date.UTC(2000, 0, 1) + day * DAY_MS + (minutes - offset) * 60_000);
  }

  private makeDay(date: string): Appointment[] {
    const random = new Random(this.seed, `day:${date}`);
    const at = (minutes: number, daysBefore = 0) =>
      this.wallClock(date, minutes, daysBefore);
    const lastEdit = at(18 * 60, 1);
    const drafts: Omit<Appointment, "id">[] = [];
    const chosen = new Set<number>();
    const patientsWanted = Math.max(
      0,
      this.appointmentsPerDay - (this.appointmentsPerDay >= 10 ? 1 : 0),
    );

    for (let k = 0; k < patientsWanted; k++) {
      let patientId: number;
      do {
        patientId = SyntheticPractice.FIRST_PATIENT_ID + random.int(this.patientCount);
      } while (chosen.has(patientId));
      chosen.add(patientId);
      const patient = this.patient(patientId)!;
      const provider = random.chance(0.7)
        ? this.provider(patient.providerId)!
        : random.pick(this.providers);
      const reason = random.pick(this.reasons);
      const telehealth = reason.id === 408;
      const slots = (LAST_SLOT - FIRST_SLOT) / SLOT + 1;
      const start = at(FIRST_SLOT + random.int(slots) * SLOT);
      const created = at((8 + random.int(9)) * 60 + random.int(60), 1 + random.int(60));
      // Whole seconds, as list replies show them, so a LastModifiedDate read from a reply
      // names the stored instant exactly.
      const span = lastEdit.toMillis() - created.toMillis();
      const modified = utc(
        created.toMillis() + Math.floor((random.next() * span) / 1000) * 1000,
      );
      const rooms = !telehealth && random.chance(0.7) ? [random.pick(this.rooms).id] : [];
      drafts.push({
        practiceId: this.practice.id,
        serviceLocationId: provider.serviceLocationId,
        patientId,
        patientCaseId: patient.caseId,
        providerId: provider.id,
        roomIds: rooms,
        roomsFirst: rooms.length > 0 && random.chance(0.25),
        start,
        end: utc(start.toMillis() + reason.minutes * 60_000),
        type: "P",
        status: weighted(random, STATUS_WEIGHTS),
        reasonId: reason.id,
        name: null,
        notes: random.chance(0.3) ? random.pick(NOTES) : null,
        mode: telehealth ? "Telehealth" : "InOffice",
        isRecurring: false,
        maxAttendees: 1,
        occurrenceId: null,
        authorizationId: null,
        uuid: uuid(random),
        wasCreatedOnline: random.chance(0.2),
        createdAt: created,
        createdBy: 9001,
        modifiedAt: modified,
        modifiedBy: 9001,
      });
    }
    if (this.appointmentsPerDay >= 10) {
      // One block of provider time a day: type O, no patient.
      const provider = random.pick(this.providers);
      const start = at(12 * 60);
      drafts.push({
        practiceId: this.practice.id,
        serviceLocationId: provider.serviceLocationId,
        patientId: null,
        patientCaseId: null,
        providerId: provider.id,
        roomIds: [],
        roomsFirst: false,
        start,
        end: utc(start.toMillis() + 3_600_000),
        type: "O",
        status: "Scheduled",
        reasonId: null,
        name: "Provider admin block",
        notes: null,
        mode: "InOffice",
        isRecurring: true,
        maxAttendees: null,
        occurrenceId: null,
        authorizationId: null,
        uuid: uuid(random),
        wasCreatedOnline: false,
        createdAt: at(9 * 60, 90),
        createdBy: 9001,
        modifiedAt: at(9 * 60, 90),
        modifiedBy: 9001,
      });
    }
    const order = drafts
      .map((draft, index) => ({ draft, index }))
      .sort(
        (a, b) =>
          a.draft.start.toMillis() - b.draft.start.toMillis() ||
          (a.draft.providerId ?? 0) - (b.draft.providerId ?? 0) ||
          a.index - b.index,
      );
    const base = dayNumber(date) * 10000;
    return order.map(({ draft }, i) => ({ id: base + i + 1, ...draft }));
  }
}
