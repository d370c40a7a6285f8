// What the client makes of reply payloads: lists as arrays, placeholder rows dropped, ids
// as strings, providers found by resource type, and clinic days kept across DST changes.
import { describe, expect, it } from "vitest";
import { appointmentsFrom, listOf, realRows } from "../../../src/tebra/results.ts";
import {
  captureLogs,
  fixture,
  recordingHttpClient,
  testClient,
} from "../../support/tebra.ts";

function clientAnswering(file: string) {
  return testClient("http://127.0.0.1:9/x", {
    httpClient: recordingHttpClient(() => fixture(file)),
  });
}

describe("GetAppointments results", () => {
  it("read a single AppointmentData as a list of one (quirk 18)", async () => {
    const appointments = await clientAnswering(
      "get-appointments-response-single-row-provider-second.xml",
    ).getAppointments({ fromDay: "2026-03-12" });
    expect(appointments).toHaveLength(1);
  });

  it("find the provider by ResourceTypeID 1, wherever it is listed", async () => {
    const [appointment] = await clientAnswering(
      "get-appointments-response-single-row-provider-second.xml",
    ).getAppointments({ fromDay: "2026-03-12" });
    expect(appointment).toMatchObject({
      providerId: "101",
      providerName: "Tamsin Kestvale, MD",
    });
    expect(appointment!.resources).toEqual([
      { id: "304", name: "Exam Room 4", typeId: "2" },
      { id: "101", name: "Tamsin Kestvale, MD", typeId: "1" },
    ]);
  });

  it("drop the placeholder row of a no-match reply (quirk 8)", async () => {
    const appointments = await clientAnswering(
      "get-appointments-response-placeholder-row.xml",
    ).getAppointments({ fromDay: "2026-03-12" });
    expect(appointments).toEqual([]);
  });

  it("keep the fall-back day's repeated hour and late evening, and drop the next day's rows", async () => {
    const appointments = await clientAnswering(
      "get-appointments-response-dst-fall-back.xml",
    ).getAppointments({ fromDay: "2026-11-01" });
    expect(appointments.map((a) => [a.appointmentId, a.startTime, a.clinicDay])).toEqual([
      ["98540001", "2026-11-01T06:30:00Z", "2026-11-01"],
      ["98540002", "2026-11-02T05:00:00Z", "2026-11-01"],
    ]);
  });

  it("place the spring-forward day's rows at the right UTC instants", async () => {
    const appointments = await clientAnswering(
      "get-appointments-response-dst-spring-forward.xml",
    ).getAppointments({ fromDay: "2026-03-08" });
    expect(appointments.map((a) => [a.startTime, a.endTime])).toEqual([
      ["2026-03-08T07:30:00Z", "2026-03-08T08:30:00Z"],
      ["2026-03-09T04:00:00Z", "2026-03-09T04:15:00Z"],
    ]);
  });

  it("skip and count rows whose start cannot be read, instead of failing the day", () => {
    const logs = captureLogs();
    try {
      const result = appointmentsFrom(
        {
          Appointments: {
            AppointmentData: [
              { ID: "1", StartDate: "3/12/2026 9:00:00 AM" },
              { ID: "2", StartDate: "not a date" },
              { ID: "3" },
            ],
          },
        },
        "America/Chicago",
        { from: "2026-03-12", to: "2026-03-12" },
      );
      expect(result.appointments.map((a) => a.appointmentId)).toEqual(["1"]);
      expect(result.skipped.unreadable).toBe(2);
    } finally {
      logs.restore();
    }
  });
});

describe("list helpers", () => {
  it("answer arrays for absent, single and repeated members", () => {
    expect(listOf(undefined, "X")).toEqual([]);
    expect(listOf({ X: null }, "X")).toEqual([]);
    expect(listOf({ X: { ID: "1" } }, "X")).toEqual([{ ID: "1" }]);
    expect(listOf({ X: [{ ID: "1" }, { ID: "2" }] }, "X")).toHaveLength(2);
  });

  it("keep only rows with an ID", () => {
    expect(realRows([{ ID: "" }, { ID: " " }, {}, { ID: "7" }])).toEqual([{ ID: "7" }]);
  });
});

describe("patient and reference results", () => {
  it("read a patient's ids as strings and the date of birth as a date", async () => {
    const patient = await clientAnswering("get-patient-response.xml").getPatient("10689");
    expect(patient.patientId).toBe("10689");
    expect(patient.dateOfBirth).toBe("2008-06-14");
    expect(typeof patient.practiceId).toBe("string");
    // Members the backend does not use (SSN, insurance, balances) are not carried.
    expect(Object.keys(patient)).not.toContain("SSN");
    expect(JSON.stringify(patient)).not.toMatch(/Insurance|Balance|SocialSecurity/);
  });

  it("map GetThrottles onto the client's operations", async () => {
    const throttles = await clientAnswering("get-throttles-response.xml").getThrottles();
    expect(throttles.find((t) => t.endpoint === "GetAppointments")?.intervalMs).toBe(
      1000,
    );
    expect(throttles.every((t) => Number.isFinite(t.intervalMs))).toBe(true);
  });
});
