import { describe, expect, it } from "vitest";
import { fieldsFor } from "../../../src/identity/policy.ts";
import { project } from "../../../src/identity/projection.ts";

/** One synthetic visit with every field a handler might return, and one it should not. */
const visit = {
  appointmentId: "9001",
  patientId: "501",
  practiceId: "1",
  date: "2030-03-04",
  startTime: "2030-03-04T15:00:00.000Z",
  endTime: "2030-03-04T15:30:00.000Z",
  appointmentType: "Follow-up",
  providerId: "11",
  providerLabel: "Dr. Example",
  serviceLocationId: "21",
  status: "checked-in",
  room: "3",
  checkedInAt: "2030-03-04T14:55:00.000Z",
  patientName: "Testpatient, Alpha",
  patientDob: "1980-01-02",
  patientPhone: "555-0100",
  appointmentReason: "canary-reason",
  notes: "canary-note",
  patientAlert: "canary-alert",
  insurancePolicyNumber: "canary-policy",
};

const schedule = { date: "2030-03-04", practiceId: "1", appointments: [visit, visit] };

describe("project", () => {
  it("keeps only the named fields and says which it kept", () => {
    const { value, disclosed } = project({ a: 1, b: 2, c: { d: 3 } }, ["a", "c.d", "z"]);
    expect(value).toEqual({ a: 1, c: { d: 3 } });
    expect(disclosed).toEqual(["a", "c.d"]);
  });

  it("applies a path to every element of a list", () => {
    const { value } = project({ rows: [{ a: 1, b: 2 }, { a: 3 }] }, ["rows.a"]);
    expect(value).toEqual({ rows: [{ a: 1 }, { a: 3 }] });
  });

  it("keeps a whole object when the path ends on it", () => {
    const { value } = project({ agent: { uid: "u", ip: "1.2.3.4" }, x: 1 }, ["agent"]);
    expect(value).toEqual({ agent: { uid: "u", ip: "1.2.3.4" } });
  });

  it("drops what is not an object where the path expects one, and undefined members", () => {
    expect(project({ c: "text" }, ["c.d"]).value).toEqual({});
    expect(project({ a: undefined }, ["a"]).disclosed).toEqual([]);
    expect(project("text", ["a"]).value).toEqual({});
    expect(project(null, ["a"]).value).toEqual({});
  });

  it("does not follow inherited properties", () => {
    const inherited = Object.create({ secret: "canary" }) as Record<string, unknown>;
    expect(project(inherited, ["secret"]).value).toEqual({});
  });
});

describe("the day's schedule, projected per role", () => {
  it("shows the front desk the board without the clinical context", () => {
    const { value, disclosed } = project(schedule, fieldsFor("getSchedule", "staff"));
    const first = (value as typeof schedule).appointments[0]!;
    expect(first).toMatchObject({
      patientName: visit.patientName,
      patientDob: visit.patientDob,
      patientPhone: visit.patientPhone,
      startTime: visit.startTime,
      status: "checked-in",
    });
    expect(JSON.stringify(value)).not.toMatch(/canary/);
    expect(disclosed).toContain("appointments.patientName");
    expect(disclosed).not.toContain("appointments.notes");
  });

  it("shows a provider the clinical context too, and nothing unlisted", () => {
    const { value } = project(schedule, fieldsFor("getSchedule", "provider"));
    const text = JSON.stringify(value);
    expect(text).toContain("canary-reason");
    expect(text).toContain("canary-note");
    expect(text).toContain("canary-alert");
    expect(text).not.toContain("canary-policy");
  });

  it("shows an auditor nothing of it", () => {
    const { value, disclosed } = project(schedule, fieldsFor("getSchedule", "auditor"));
    expect(value).toEqual({});
    expect(disclosed).toEqual([]);
  });
});

describe("a patient record, projected per role", () => {
  const patient = {
    patientId: "501",
    firstName: "Alpha",
    lastName: "Testpatient",
    dateOfBirth: "1980-01-02",
    mobilePhone: "555-0100",
    gender: "U",
    alertMessage: "canary-alert",
    notes: "canary-note",
    ssn: "canary-ssn",
  };

  it("gives the front desk contact details but no clinical fields", () => {
    const { value } = project(patient, fieldsFor("getPatient", "staff"));
    expect(value).toEqual({
      patientId: "501",
      firstName: "Alpha",
      lastName: "Testpatient",
      dateOfBirth: "1980-01-02",
      mobilePhone: "555-0100",
    });
  });

  it("gives a provider the clinical fields, and nobody a field the table does not name", () => {
    const { value } = project(patient, fieldsFor("getPatient", "provider"));
    expect(value).toMatchObject({ alertMessage: "canary-alert", notes: "canary-note" });
    expect(JSON.stringify(value)).not.toContain("canary-ssn");
  });
});
