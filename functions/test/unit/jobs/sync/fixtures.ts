// Small appointment rows and visits for the sync's unit tests, named after what they show.
import type { ScheduledAppointment } from "../../../../src/tebra/results.ts";

export const DAY = "2026-03-10";

/** A 09:00 Chicago appointment (15:00Z... in March CDT starts the 8th: 14:00Z). */
export function row(overrides: Partial<ScheduledAppointment> = {}): ScheduledAppointment {
  return {
    appointmentId: "95100001",
    clinicDay: DAY,
    startTime: "2026-03-10T14:00:00Z",
    endTime: "2026-03-10T14:15:00Z",
    durationMinutes: 15,
    confirmationStatus: "Scheduled",
    type: "P",
    patientId: "10042",
    patientFullName: "Example, Avery",
    patientCaseId: "60042",
    practiceId: "1",
    serviceLocationId: "201",
    serviceLocationName: "Main clinic (synthetic)",
    reason: "Follow-up visit",
    reasonId: "402",
    providerId: "101",
    providerName: "Reyes, Ana",
    resources: [{ id: "101", name: "Reyes, Ana", typeId: "1" }],
    allDay: false,
    recurring: false,
    createdAt: "2026-03-01T15:00:00Z",
    lastModifiedAt: "2026-03-09T23:00:00Z",
    ...overrides,
  };
}

export const AVERY = { name: "Example, Avery", dob: "1980-05-17" };
