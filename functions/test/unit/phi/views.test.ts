import { describe, expect, it } from "vitest";
import {
  currentStatus,
  displayName,
  recordView,
  scheduledView,
} from "../../../src/phi/views.ts";
import type { VisitFlow } from "../../../src/phi/visits.ts";
import type {
  AppointmentRecord,
  ScheduledAppointment,
  TebraPatient,
} from "../../../src/tebra/results.ts";

const row: ScheduledAppointment = {
  appointmentId: "96730001",
  clinicDay: "2026-03-02",
  startTime: "2026-03-02T15:00:00Z",
  endTime: "2026-03-02T15:30:00Z",
  durationMinutes: 30,
  confirmationStatus: "Check-in",
  type: "P",
  patientId: "10001",
  patientFullName: "Ada Example",
  patientCaseId: "60001",
  practiceId: "1",
  serviceLocationId: "201",
  serviceLocationName: "Main",
  reason: "Follow-up visit",
  reasonId: "402",
  providerId: "101",
  providerName: "Dr. Example",
  resources: [],
  allDay: false,
  recurring: false,
  createdAt: null,
  lastModifiedAt: null,
};

const visit: VisitFlow = {
  status: "roomed",
  room: "Exam 2",
  checkedInAt: "2026-03-02T14:55:00.000Z",
  roomedAt: "2026-03-02T15:02:00.000Z",
  readyForProviderAt: null,
  seenByProviderAt: null,
  checkedOutAt: null,
  flowUpdatedAt: "2026-03-02T15:02:00.000Z",
  patientName: "Example, Ada",
  patientDob: "1961-04-12",
  appointmentReason: "Follow-up visit",
};

describe("the board's view of a schedule row", () => {
  it("maps Tebra's status text and lays the synced visit's flow fields over it", () => {
    const { value, unmapped } = scheduledView(row, "1", visit);
    expect(unmapped).toBe(false);
    expect(value).toMatchObject({
      status: "checked-in",
      tebraStatus: "Check-in",
      room: "Exam 2",
      roomedAt: "2026-03-02T15:02:00.000Z",
      patientName: "Ada Example",
      patientDob: "1961-04-12",
      date: "2026-03-02",
    });
  });

  it("reads an unknown status as scheduled and says it did", () => {
    const { value, unmapped } = scheduledView(
      { ...row, confirmationStatus: "Teleported" },
      "1",
      null,
    );
    expect(value.status).toBe("scheduled");
    expect(unmapped).toBe(true);
    expect(value.room).toBeNull();
  });
});

describe("the current flow status", () => {
  it("keeps the board's seen-by-provider while Tebra says ready-for-provider", () => {
    const seen = { ...visit, status: "seen-by-provider" as const };
    expect(currentStatus("ready-for-provider", seen)).toBe("seen-by-provider");
    expect(currentStatus("checked-out", seen)).toBe("checked-out");
    expect(currentStatus("roomed", visit)).toBe("roomed");
  });
});

describe("the board's view of one appointment", () => {
  const record: AppointmentRecord = {
    appointmentId: "96730001",
    status: "Roomed",
    type: "P",
    mode: "InOffice",
    name: null,
    reasonId: "402",
    startTime: "2026-03-03T04:30:00Z",
    endTime: "2026-03-03T05:00:00Z",
    patientId: "10001",
    patientCaseId: "60001",
    practiceId: "1",
    serviceLocationId: "201",
    providerId: "101",
    resourceId: null,
    resourceIds: [],
    insurancePolicyAuthorizationId: null,
    isRecurring: false,
    maxAttendees: "1",
    notes: "Bring the list",
    occurrenceId: null,
    isDeleted: false,
    createdAt: null,
    updatedAt: null,
  };
  const patient = {
    patientId: "10001",
    firstName: "Ada",
    lastName: "Example",
    dateOfBirth: "1961-04-12",
    mobilePhone: null,
    homePhone: "(312) 555-0142",
  } as TebraPatient;

  it("dates it by the clinic's day, not UTC's, and names the patient as the board does", () => {
    const view = recordView(record, {
      practiceId: "1",
      timeZone: "America/Chicago",
      visit: null,
      patient,
      providerLabel: "Dr. Example",
    });
    expect(view).toMatchObject({
      date: "2026-03-02",
      status: "roomed",
      tebraStatus: "Roomed",
      patientName: "Example, Ada",
      patientPhone: "(312) 555-0142",
      notes: "Bring the list",
    });
  });

  it("falls back to the full name when Tebra lacks a part", () => {
    expect(
      displayName({ ...patient, firstName: null, lastName: null, fullName: "Ada X" }),
    ).toBe("Ada X");
  });
});
