/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- replies are read as untyped trees (support.ts) */
import { DateTime } from "luxon";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../dev/local-tebra/server.ts";
import { call, resultOf, value, type Tree } from "./support.ts";

const ZONE = "America/Chicago";
let clock = new Date("2026-06-15T15:00:00Z");
let tebra: LocalTebra;

beforeAll(async () => {
  tebra = await startLocalTebra({ port: 0, seed: 5, rateScale: 0, now: () => clock });
});
beforeEach(() => {
  tebra.reset();
  clock = new Date("2026-06-15T15:00:00Z");
});
afterAll(() => tebra.close());

async function appointments(
  url: string,
  values: Record<string, string>,
  fixtureName = "get-appointments.xml",
): Promise<Tree[]> {
  const reply = await call(url, "GetAppointments", fixtureName, values);
  const result = resultOf(reply, "GetAppointments");
  expect(value(result.ErrorResponse.IsError)).toBe("false");
  return result.Appointments.AppointmentData ?? [];
}

const oneDay = (date: string) => ({ StartDate: date, EndDate: date });

describe("the synthetic schedule over the wire", () => {
  it("is byte-for-byte the same for the same seed and date, in another server", async () => {
    const other = await startLocalTebra({
      port: 0,
      seed: 5,
      rateScale: 0,
      now: () => clock,
    });
    try {
      const a = await call(
        tebra.url,
        "GetAppointments",
        "get-appointments.xml",
        oneDay("2026-07-01"),
      );
      const b = await call(
        other.url,
        "GetAppointments",
        "get-appointments.xml",
        oneDay("2026-07-01"),
      );
      expect(a.text).toBe(b.text);
    } finally {
      await other.close();
    }
  });

  it("differs for another seed", async () => {
    const other = await startLocalTebra({ port: 0, seed: 6, rateScale: 0 });
    try {
      const a = await appointments(tebra.url, oneDay("2026-07-01"));
      const b = await appointments(other.url, oneDay("2026-07-01"));
      expect(a.map((r) => r.PatientID)).not.toEqual(b.map((r) => r.PatientID));
    } finally {
      await other.close();
    }
  });

  it("serves 300 appointments a day when asked, each a distinct ID", async () => {
    const big = await startLocalTebra({ port: 0, rateScale: 0, appointmentsPerDay: 300 });
    try {
      const rows = await appointments(big.url, oneDay("2026-09-23"));
      expect(rows).toHaveLength(300);
      expect(new Set(rows.map((r) => r.ID)).size).toBe(300);
    } finally {
      await big.close();
    }
  });

  it("links each row's provider through the resource whose type is 1", async () => {
    const rows = await appointments(tebra.url, oneDay("2026-07-01"));
    const providerIds = new Set(tebra.practice.providers.map((p) => String(p.id)));
    for (const row of rows) {
      const slot = [1, 2, 3].find((n) => row[`ResourceTypeID${n}`] === "1");
      expect(slot).toBeDefined();
      expect(providerIds.has(row[`ResourceID${slot}`])).toBe(true);
    }
    // Some rows name a room first, so ResourceID1 alone is not the provider.
    expect(rows.some((r) => r.ResourceTypeID1 === "2")).toBe(true);
  });

  it("filters by provider with ResourceName", async () => {
    const provider = tebra.practice.providers[0]!;
    const name = `${provider.firstName} ${provider.lastName}, ${provider.degree}`;
    const rows = await appointments(
      tebra.url,
      { ...oneDay("2026-07-01"), ResourceName: name },
      "get-appointments-by-resource-name.xml",
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect([row.ResourceName1, row.ResourceName2]).toContain(name);
  });

  it("returns a multi-day range as the union of its days", async () => {
    const both = await appointments(tebra.url, {
      StartDate: "2026-07-01",
      EndDate: "2026-07-02",
    });
    expect(both).toHaveLength(80);
  });
});

describe("clinic days across daylight-saving changes (America/Chicago)", () => {
  /** The UTC bounds of a clinic-local day, as a careful client computes them. */
  function utcBounds(date: string) {
    const start = DateTime.fromISO(date, { zone: ZONE }).startOf("day");
    return {
      StartDate: start.toUTC().toISO({ suppressMilliseconds: true })!,
      EndDate: start
        .endOf("day")
        .toUTC()
        .startOf("second")
        .toISO({ suppressMilliseconds: true })!,
    };
  }

  it.each(["2026-03-08", "2026-11-01"])(
    "answers %s asked as UTC instants with exactly that day's appointments",
    async (date) => {
      const byDate = await appointments(tebra.url, oneDay(date));
      const byInstant = await appointments(tebra.url, utcBounds(date));
      expect(byInstant.map((r) => r.ID)).toEqual(byDate.map((r) => r.ID));
      const [month, day] = date.slice(5).split("-").map(Number);
      for (const row of byDate) {
        expect(row.StartDate.startsWith(`${month}/${day}/2026 `)).toBe(true);
      }
    },
  );

  it("gives a client that assumes summer time on 2026-03-08 the wrong day as well", async () => {
    // 05:00Z is midnight only under CDT; on the morning of the change it is 11 PM, March 7.
    const wrong = await appointments(tebra.url, {
      StartDate: "2026-03-08T05:00:00Z",
      EndDate: "2026-03-09T04:59:59Z",
    });
    expect(wrong.some((r) => r.StartDate.startsWith("3/7/2026 "))).toBe(true);
  });

  it.each([
    ["2026-03-07", "13:00"],
    ["2026-03-08", "12:00"],
    ["2026-10-31", "12:00"],
    ["2026-11-01", "13:00"],
  ])(
    "converts a 7:00 AM appointment on %s to %s UTC in GetAppointment",
    async (date, utc) => {
      const big = await startLocalTebra({
        port: 0,
        rateScale: 0,
        appointmentsPerDay: 300,
      });
      try {
        const rows = await appointments(big.url, oneDay(date));
        const seven = rows.find((r) => / 7:00:00 AM$/.test(r.StartDate));
        expect(seven).toBeDefined();
        const reply = await call(big.url, "GetAppointment", "get-appointment.xml", {
          AppointmentId: seven.ID,
        });
        expect(resultOf(reply, "GetAppointment").Appointment.StartTime).toBe(
          `${date}T${utc}:00Z`,
        );
      } finally {
        await big.close();
      }
    },
  );
});

describe("writes kept in memory", () => {
  const day = "2026-07-01";

  async function firstPatientRow() {
    const rows = await appointments(tebra.url, oneDay(day));
    return rows.find(
      (r) => value(r.PatientID) && value(r.Notes) === null && r.AppointmentReasonID1,
    )!;
  }

  it("shows a created appointment to a later GetAppointment and GetAppointments", async () => {
    const reply = await call(tebra.url, "CreateAppointment", "create-appointment.xml", {
      PatientId: 10001,
      PatientCaseId: 60001,
      StartTime: "2026-07-01T23:30:00Z",
      EndTime: "2026-07-01T23:45:00Z",
    });
    const created = resultOf(reply, "CreateAppointment").Appointment;
    expect(created.AppointmentId).toMatch(/^\d+$/);
    expect(created.CreatedAt).toBe("2026-06-15T15:00:00Z");

    const again = await call(tebra.url, "GetAppointment", "get-appointment.xml", {
      AppointmentId: created.AppointmentId,
    });
    expect(resultOf(again, "GetAppointment").Appointment.Notes).toBe(
      "Created by a test & kept in memory",
    );
    // 23:30Z is 6:30 PM in Chicago: still July 1 in the clinic.
    const rows = await appointments(tebra.url, oneDay(day));
    const row = rows.find((r) => r.ID === created.AppointmentId);
    expect(row).toMatchObject({ StartDate: "7/1/2026 6:30:00 PM", PatientID: "10001" });
  });

  it("treats UpdateAppointment as a full replace: members left out are reset", async () => {
    const row = await firstPatientRow();
    const reply = await call(
      tebra.url,
      "UpdateAppointment",
      "update-appointment-status-only.xml",
      {
        AppointmentId: row.ID,
        PatientId: row.PatientID,
        ServiceLocationId: row.ServiceLocationID,
        StartTime: "2026-07-01T15:00:00Z",
        EndTime: "2026-07-01T15:30:00Z",
      },
    );
    const updated = resultOf(reply, "UpdateAppointment").Appointment;
    expect(updated.AppointmentStatus).toBe("CheckedIn");
    expect(value(updated.AppointmentReasonId)).toBeNull();
    expect(value(updated.PatientCaseId)).toBeNull();
    expect(value(updated.ProviderId)).toBeNull();

    const after = (await appointments(tebra.url, oneDay(day))).find(
      (r) => r.ID === row.ID,
    );
    expect(after.ConfirmationStatus).toBe("Check-in");
    expect(value(after.AppointmentReason1)).toBeNull();
    expect(value(after.PatientCaseID)).toBeNull();
    expect([1, 2].some((n) => after[`ResourceTypeID${n}`] === "1")).toBe(false);
  });

  it("keeps what a full UpdateAppointment copies across", async () => {
    const row = await firstPatientRow();
    const before = resultOf(
      await call(tebra.url, "GetAppointment", "get-appointment.xml", {
        AppointmentId: row.ID,
      }),
      "GetAppointment",
    ).Appointment;
    await call(tebra.url, "UpdateAppointment", "update-appointment-full.xml", {
      AppointmentId: row.ID,
      AppointmentReasonId: before.AppointmentReasonId,
      AppointmentStatus: "Roomed",
      EndTime: before.EndTime,
      Notes: "Room 2",
      PatientCaseId: before.PatientCaseId,
      PatientId: before.PatientSummary.PatientId,
      ProviderId: before.ProviderId,
      ServiceLocationId: before.ServiceLocationId,
      StartTime: before.StartTime,
    });
    const after = (await appointments(tebra.url, oneDay(day))).find(
      (r) => r.ID === row.ID,
    );
    expect(after).toMatchObject({
      ConfirmationStatus: "Roomed",
      AppointmentReasonID1: row.AppointmentReasonID1,
      PatientCaseID: row.PatientCaseID,
      StartDate: row.StartDate,
      Notes: "Room 2",
    });
  });

  it("lets an incremental sync see only what changed since it last looked", async () => {
    const range = {
      ...oneDay(day),
      FromLastModifiedDate: "2026-06-15T14:00:00Z",
      ToLastModifiedDate: "2026-06-15T16:00:00Z",
    };
    expect(
      await appointments(tebra.url, range, "get-appointments-modified-between.xml"),
    ).toEqual([]);

    const row = await firstPatientRow();
    clock = new Date("2026-06-15T15:20:07Z");
    await call(tebra.url, "UpdateAppointment", "update-appointment-status-only.xml", {
      AppointmentId: row.ID,
      PatientId: row.PatientID,
      ServiceLocationId: row.ServiceLocationID,
      StartTime: "2026-07-01T15:00:00Z",
      EndTime: "2026-07-01T15:30:00Z",
    });
    const changed = await appointments(
      tebra.url,
      range,
      "get-appointments-modified-between.xml",
    );
    expect(changed.map((r) => r.ID)).toEqual([row.ID]);
    expect(changed[0].LastModifiedDate).toBe("6/15/2026 10:20:07 AM");
  });

  it("deletes an appointment from GetAppointment and GetAppointments", async () => {
    const row = await firstPatientRow();
    const reply = await call(tebra.url, "DeleteAppointment", "delete-appointment.xml", {
      AppointmentId: row.ID,
    });
    expect(resultOf(reply, "DeleteAppointment")).toMatchObject({
      AppointmentId: row.ID,
      Deleted: "true",
    });
    const again = await call(tebra.url, "GetAppointment", "get-appointment.xml", {
      AppointmentId: row.ID,
    });
    expect(value(resultOf(again, "GetAppointment").Appointment)).toBeNull();
    const rows = await appointments(tebra.url, oneDay(day));
    expect(rows.map((r) => r.ID)).not.toContain(row.ID);
    expect(rows).toHaveLength(39);
  });

  it("refuses a CRUD time without a UTC offset rather than guess its zone", async () => {
    const reply = await call(tebra.url, "CreateAppointment", "create-appointment.xml", {
      PatientId: 10001,
      PatientCaseId: 60001,
      StartTime: "2026-07-01T10:00:00",
      EndTime: "2026-07-01T10:15:00Z",
    });
    const error = resultOf(reply, "CreateAppointment").ErrorResponse;
    expect(value(error.IsError)).toBe("true");
    expect(value(error.ErrorMessage)).toContain(
      "StartTime must be an ISO 8601 date and time",
    );
  });
});

describe("patients and reference data", () => {
  it("answers GetPatient with the patient's record, DOB as list text", async () => {
    const patient = tebra.practice.patient(10042)!;
    const reply = await call(tebra.url, "GetPatient", "get-patient.xml", {
      PatientId: 10042,
    });
    const row = resultOf(reply, "GetPatient").Patient;
    const [y, m, d] = patient.dateOfBirth.split("-").map(Number);
    expect(row).toMatchObject({
      ID: "10042",
      FirstName: patient.firstName,
      LastName: patient.lastName,
      DOB: `${m}/${d}/${y} 12:00:00 AM`,
      HomePhone: patient.homePhone,
      EmailAddress: patient.email,
    });
  });

  it("answers GetPatient for an unknown ID with a nil Patient", async () => {
    const reply = await call(tebra.url, "GetPatient", "get-patient.xml", {
      PatientId: 5,
    });
    const result = resultOf(reply, "GetPatient");
    expect(value(result.ErrorResponse.IsError)).toBe("false");
    expect(value(result.Patient)).toBeNull();
  });

  it("answers GetAppointment for an unknown ID with a nil Appointment", async () => {
    const reply = await call(tebra.url, "GetAppointment", "get-appointment.xml", {
      AppointmentId: 95_639_999,
    });
    const result = resultOf(reply, "GetAppointment");
    expect(value(result.ErrorResponse.IsError)).toBe("false");
    expect(value(result.Appointment)).toBeNull();
  });

  it("stamps LastModifiedDate when a test changes a patient through updatePatient", async () => {
    const before = tebra.practice.patient(10003)!;
    const original = { mobilePhone: before.mobilePhone, modifiedAt: before.modifiedAt };
    try {
      tebra.updatePatient(10003, { mobilePhone: "(312) 555-0142" });
      const row = resultOf(
        await call(tebra.url, "GetPatient", "get-patient.xml", { PatientId: 10003 }),
        "GetPatient",
      ).Patient;
      expect(row).toMatchObject({
        MobilePhone: "(312) 555-0142",
        LastModifiedDate: "6/15/2026 10:00:00 AM",
      });
    } finally {
      Object.assign(before, original);
    }
  });

  it("lists the patients modified in an instant range, and shows a rename everywhere", async () => {
    const row = (await appointments(tebra.url, oneDay("2026-07-01"))).find((r) =>
      value(r.PatientID),
    );
    const patient = tebra.practice.patient(Number(row.PatientID))!;
    const original = { lastName: patient.lastName, modifiedAt: patient.modifiedAt };
    try {
      patient.lastName = "Renamed";
      patient.modifiedAt = DateTime.fromISO("2026-06-15T14:59:30Z");
      const modified = resultOf(
        await call(tebra.url, "GetPatients", "get-patients-modified-between.xml", {
          FromLastModifiedDate: "2026-06-15T14:59:00Z",
          ToLastModifiedDate: "2026-06-15T14:59:59Z",
        }),
        "GetPatients",
      ).Patients.PatientData;
      expect(modified.map((p: Tree) => [p.ID, p.LastName])).toEqual([
        [row.PatientID, "Renamed"],
      ]);
      const again = (await appointments(tebra.url, oneDay("2026-07-01"))).find(
        (r) => r.ID === row.ID,
      );
      expect(again.PatientFullName).toMatch(/ Renamed$/);
    } finally {
      Object.assign(patient, original);
    }
  });

  it("treats GetPatients' ToDateOfBirth as exclusive", async () => {
    const patient = tebra.practice.patient(10007)!;
    const dob = DateTime.fromISO(patient.dateOfBirth);
    const search = async (from: DateTime, to: DateTime) =>
      resultOf(
        await call(tebra.url, "GetPatients", "get-patients-by-date-of-birth.xml", {
          FromDateOfBirth: from.toISODate()!,
          ToDateOfBirth: to.toISODate()!,
        }),
        "GetPatients",
      ).Patients.PatientData?.map((p: Tree) => p.ID) ?? [];
    expect(await search(dob, dob.plus({ days: 1 }))).toContain("10007");
    expect(await search(dob.minus({ days: 1 }), dob)).not.toContain("10007");
  });

  it("lists providers, the practice and throttles", async () => {
    const providers = resultOf(
      await call(tebra.url, "GetProviders", "get-providers.xml"),
      "GetProviders",
    ).Providers.ProviderData;
    expect(providers.map((p: Tree) => p.ID)).toEqual([
      "101",
      "102",
      "103",
      "104",
      "105",
      "106",
    ]);

    const practices = resultOf(
      await call(tebra.url, "GetPractices", "get-practices.xml"),
      "GetPractices",
    ).Practices.PracticeData;
    expect(practices).toHaveLength(1);
    expect(practices[0]).toMatchObject({
      ID: "1",
      PracticeName: "Lakeside Family Medicine (synthetic)",
    });
  });
});

describe("patients added for a test", () => {
  const canary = {
    firstName: "Canaryfirst7Q2",
    lastName: "Canarylast9Z4",
    dateOfBirth: "1971-02-03",
    homePhone: "(312) 555-0177",
    email: "canary.7q2@example.test",
  };

  it("come back from GetPatient and GetPatients, and survive reset()", async () => {
    const { patientId } = tebra.addPatient(canary);
    tebra.reset();
    const patient = resultOf(
      await call(tebra.url, "GetPatient", "get-patient.xml", { PatientId: patientId }),
      "GetPatient",
    ).Patient;
    expect(patient).toMatchObject({
      FirstName: canary.firstName,
      LastName: canary.lastName,
      DOB: "2/3/1971 12:00:00 AM",
      HomePhone: canary.homePhone,
      EmailAddress: canary.email,
    });
    const found = resultOf(
      await call(tebra.url, "GetPatients", "get-patients-by-date-of-birth.xml", {
        FromDateOfBirth: "1971-02-03",
        ToDateOfBirth: "1971-02-04",
      }),
      "GetPatients",
    ).Patients.PatientData.map((p: Tree) => p.ID);
    expect(found).toContain(String(patientId));
  });

  it("can be booked on a day, over the control endpoint too", async () => {
    const response = await fetch(tebra.controlUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        action: "add-patient",
        patient: { ...canary, appointmentOn: "2026-11-01", appointmentTime: "08:30" },
      }),
    });
    const added = (await response.json()) as { patientId: number; appointmentId: number };
    const rows = await appointments(tebra.url, oneDay("2026-11-01"));
    expect(rows.find((r) => r.ID === String(added.appointmentId))).toMatchObject({
      PatientID: String(added.patientId),
      PatientFullName: `${canary.firstName} ${canary.lastName}`,
      StartDate: "11/1/2026 8:30:00 AM",
    });
  });

  it("are refused over the control endpoint when malformed", async () => {
    const response = await fetch(tebra.controlUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ action: "add-patient", patient: { firstName: "X" } }),
    });
    expect(response.status).toBe(400);
  });
});
