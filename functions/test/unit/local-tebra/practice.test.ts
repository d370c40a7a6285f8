import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { SyntheticPractice } from "../../../dev/local-tebra/practice.ts";

const ZONE = "America/Chicago";
const practice = (seed = 1, appointmentsPerDay = 40) =>
  new SyntheticPractice({ seed, appointmentsPerDay, timeZone: ZONE });

/** Everything about a day that reaches the wire, as plain data. */
function snapshot(p: SyntheticPractice, date: string) {
  return p.generatedDay(date).map((a) => ({
    ...a,
    start: a.start.toISO(),
    end: a.end.toISO(),
    createdAt: a.createdAt.toISO(),
    modifiedAt: a.modifiedAt.toISO(),
  }));
}

describe("the synthetic practice", () => {
  it("gives the same appointments for the same seed and date, whatever was asked before", () => {
    const first = practice(7);
    const second = practice(7);
    second.generatedDay("2026-05-01");
    expect(snapshot(second, "2026-05-04")).toEqual(snapshot(first, "2026-05-04"));
  });

  it("gives another schedule for another seed or another date", () => {
    expect(snapshot(practice(1), "2026-05-04")).not.toEqual(
      snapshot(practice(2), "2026-05-04"),
    );
    const p = practice(1);
    const patients = (date: string) => p.generatedDay(date).map((a) => a.patientId);
    expect(patients("2026-05-04")).not.toEqual(patients("2026-05-05"));
  });

  it("schedules exactly the configured number a day, 300 included, with unique IDs", () => {
    const day = practice(1, 300).generatedDay("2026-09-23");
    expect(day).toHaveLength(300);
    expect(new Set(day.map((a) => a.id)).size).toBe(300);
    const patients = day.flatMap((a) => (a.patientId ? [a.patientId] : []));
    expect(new Set(patients).size).toBe(patients.length);
  });

  it("encodes the date in the appointment ID so any appointment can be found again", () => {
    const p = practice();
    const appointment = p.generatedDay("2031-01-15")[5]!;
    expect(p.generatedAppointment(appointment.id)).toEqual(appointment);
    expect(p.generatedAppointment(123)).toBeNull();
  });

  it("starts every appointment between 07:00 and 19:45 clinic time, in start order", () => {
    const day = practice(3, 300).generatedDay("2026-07-01");
    for (const a of day) {
      const local = a.start.setZone(ZONE);
      expect(local.toISODate()).toBe("2026-07-01");
      expect(local.hour * 60 + local.minute).toBeGreaterThanOrEqual(7 * 60);
      expect(local.hour * 60 + local.minute).toBeLessThanOrEqual(19 * 60 + 45);
    }
    const starts = day.map((a) => a.start.toMillis());
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it.each([
    ["2026-03-07", -6],
    ["2026-03-08", -5],
    ["2026-10-31", -5],
    ["2026-11-01", -6],
  ])("keeps clinic wall-clock times on %s (UTC offset %i hours)", (date, offsetHours) => {
    const day = practice(1, 300).generatedDay(date);
    const seven = day.filter((a) => a.start.setZone(ZONE).toFormat("HH:mm") === "07:00");
    expect(seven.length).toBeGreaterThan(0);
    expect(seven[0]!.start.setZone(ZONE).offset).toBe(offsetHours * 60);
    expect(seven[0]!.start.toUTC().hour).toBe(7 - offsetHours);
  });

  it("was last modified before the day began, so a day's sync is stable until someone edits", () => {
    const date = "2026-04-10";
    const midnight = DateTime.fromISO(date, { zone: ZONE }).startOf("day");
    for (const a of practice().generatedDay(date)) {
      expect(a.modifiedAt < midnight).toBe(true);
      expect(a.modifiedAt >= a.createdAt).toBe(true);
      expect(a.modifiedAt.millisecond).toBe(0);
    }
  });

  it("has a block without a patient and rows that list a room before the provider", () => {
    const day = practice(1, 300).generatedDay("2026-04-10");
    expect(day.filter((a) => a.type === "O" && a.patientId === null)).toHaveLength(1);
    expect(day.some((a) => a.roomsFirst && a.roomIds.length > 0)).toBe(true);
  });

  it("invents patients with fictional phones and example.test emails", () => {
    const p = practice();
    for (const patient of p.allPatients().slice(0, 200)) {
      expect(patient.homePhone).toMatch(/^\(312\) 555-01\d\d$/);
      expect(patient.email).toMatch(/@example\.test$/);
      expect(patient.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(p.patient(SyntheticPractice.FIRST_PATIENT_ID - 1)).toBeNull();
  });

  it("refuses a scale its IDs cannot hold", () => {
    expect(() => practice(1, 10_000)).toThrow(/at most 9999/);
  });
});
