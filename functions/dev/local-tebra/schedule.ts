// The appointment book: the generated schedule plus what CreateAppointment,
// UpdateAppointment and DeleteAppointment did, kept in memory. A changed appointment hides
// its generated original and appears on the date it now falls on; a deleted one is gone.
import type { DateTime } from "luxon";
import type { Appointment, Patient, SyntheticPractice } from "./practice.ts";

/** Created appointments get IDs far above any generated one (those encode a date). */
const FIRST_CREATED_ID = 2_000_000_001;

export class Schedule {
  private readonly practice: SyntheticPractice;
  private readonly changed = new Map<number, Appointment>();
  private readonly removed = new Set<number>();
  private nextId = FIRST_CREATED_ID;

  constructor(practice: SyntheticPractice) {
    this.practice = practice;
  }

  get(id: number): Appointment | null {
    if (this.removed.has(id)) return null;
    return this.changed.get(id) ?? this.practice.generatedAppointment(id);
  }

  /** Deletes an appointment (DeleteAppointment); answers whether there was one. */
  remove(id: number): boolean {
    if (!this.get(id)) return false;
    this.changed.delete(id);
    this.removed.add(id);
    return true;
  }

  /** The appointments starting on a clinic-local date, by start time. */
  onDate(date: string): Appointment[] {
    const zone = this.practice.timeZone;
    const generated = this.practice
      .generatedDay(date)
      .filter((a) => !this.changed.has(a.id) && !this.removed.has(a.id));
    const moved = [...this.changed.values()].filter(
      (a) => localDate(a.start, zone) === date,
    );
    if (moved.length === 0) return generated;
    return [...generated, ...moved].sort(
      (a, b) => a.start.toMillis() - b.start.toMillis() || a.id - b.id,
    );
  }

  create(appointment: Omit<Appointment, "id">): Appointment {
    const stored = { ...appointment, id: this.nextId++ };
    this.changed.set(stored.id, stored);
    return stored;
  }

  /** Books a patient a 15-minute follow-up with their own provider (for added patients). */
  bookVisit(patient: Patient, start: DateTime, now: DateTime): Appointment {
    const stamp = now.toUTC().startOf("second");
    return this.create({
      practiceId: this.practice.practice.id,
      serviceLocationId: patient.serviceLocationId,
      patientId: patient.id,
      patientCaseId: patient.caseId,
      providerId: patient.providerId,
      roomIds: [],
      roomsFirst: false,
      start,
      end: start.plus({ minutes: 15 }),
      type: "P",
      status: "Scheduled",
      reasonId: 402,
      name: null,
      notes: null,
      mode: "InOffice",
      isRecurring: false,
      maxAttendees: 1,
      occurrenceId: null,
      authorizationId: null,
      uuid: crypto.randomUUID(),
      wasCreatedOnline: false,
      createdAt: stamp,
      createdBy: 9002,
      modifiedAt: stamp,
      modifiedBy: 9002,
    });
  }

  replace(appointment: Appointment): Appointment {
    this.changed.set(appointment.id, appointment);
    return appointment;
  }

  /** How many appointments were created or changed since the last reset. */
  get changes(): number {
    return this.changed.size;
  }

  reset(): void {
    this.changed.clear();
    this.removed.clear();
    this.nextId = FIRST_CREATED_ID;
  }
}

function localDate(instant: DateTime, zone: string): string {
  return instant.setZone(zone).toISODate()!;
}
