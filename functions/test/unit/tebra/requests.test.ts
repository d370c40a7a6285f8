// The request builders: members in the XSD's order and case, with the quirks of Tebra's
// API notes (§4) that concern what a request holds. Order is checked on the objects
// handed to node-soap, since node-soap is not relied on to sort them.
import { describe, expect, it } from "vitest";
import * as build from "../../../src/tebra/requests.ts";
import { CREDENTIALS, LOCAL_PRACTICE } from "../../support/tebra.ts";

const header = build.requestHeader(CREDENTIALS, "tebra-bridge/test");

function request(body: Record<string, unknown>): Record<string, unknown> {
  return body["request"] as Record<string, unknown>;
}

describe("request builders", () => {
  it("order RequestHeader ClientVersion, CustomerKey, Password, User (quirk 3)", () => {
    expect(Object.keys(header)).toEqual([
      "ClientVersion",
      "CustomerKey",
      "Password",
      "User",
    ]);
  });

  it("put RequestHeader first in every request on RequestBase (quirk 4)", () => {
    for (const body of [
      build.getAppointments(header, LOCAL_PRACTICE, { startDate: "a", endDate: "b" }),
      build.getPatient(header, "1"),
      build.getProviders(header, LOCAL_PRACTICE),
      build.getServiceLocations(header, LOCAL_PRACTICE),
      build.getThrottles(header),
    ]) {
      expect(Object.keys(request(body))[0]).toBe("RequestHeader");
    }
  });

  it("send an empty Fields and a Filter on every list call (quirks 5, 6, 7)", () => {
    for (const body of [
      build.getAppointments(header, LOCAL_PRACTICE, { startDate: "a", endDate: "b" }),
      build.getPatients(header, LOCAL_PRACTICE, { lastName: "x" }),
      build.getProviders(header, LOCAL_PRACTICE),
      build.getPractices(header, LOCAL_PRACTICE),
      build.getServiceLocations(header, LOCAL_PRACTICE),
    ]) {
      expect(Object.keys(request(body))).toEqual(["RequestHeader", "Fields", "Filter"]);
      expect(request(body)["Fields"]).toEqual({});
      expect(Object.keys(request(body)["Filter"] as object).length).toBeGreaterThan(0);
    }
  });

  it("put filter values inside Filter, never directly under request (quirk 9)", () => {
    const body = request(
      build.getAppointments(header, LOCAL_PRACTICE, { startDate: "s", endDate: "e" }),
    );
    expect(body).not.toHaveProperty("PracticeName");
    expect(body).not.toHaveProperty("StartDate");
  });

  it("order AppointmentFilter's members ordinally, with no PracticeID or ProviderID (quirks 10, 13)", () => {
    const filter = request(
      build.getAppointments(header, LOCAL_PRACTICE, {
        startDate: "s",
        endDate: "e",
        resourceName: "r",
        patientId: "7",
        confirmationStatus: "c",
      }),
    )["Filter"] as object;
    expect(Object.keys(filter)).toEqual([
      "ConfirmationStatus",
      "EndDate",
      "PatientID",
      "PracticeName",
      "ResourceName",
      "StartDate",
    ]);
  });

  it("put the modified-since range of appointments and patients in ordinal place", () => {
    const appointments = request(
      build.getAppointments(header, LOCAL_PRACTICE, {
        startDate: "s",
        endDate: "e",
        modifiedFrom: "2026-03-01T00:00:00Z",
        modifiedTo: "2026-03-02T00:00:00Z",
      }),
    )["Filter"] as object;
    expect(Object.keys(appointments)).toEqual([
      "EndDate",
      "FromLastModifiedDate",
      "PracticeName",
      "StartDate",
      "ToLastModifiedDate",
    ]);
    const patients = request(
      build.getPatients(header, LOCAL_PRACTICE, { modifiedFrom: "2026-03-01T00:00:00Z" }),
    )["Filter"] as object;
    expect(Object.keys(patients)).toEqual([
      "FromLastModifiedDate",
      "PracticeID",
      "PracticeName",
    ]);
  });

  it("send PatientFilter with both practice members and an exclusive ToDateOfBirth (quirk 14)", () => {
    const filter = request(
      build.getPatients(header, LOCAL_PRACTICE, {
        firstName: "f",
        lastName: "l",
        dateOfBirth: "2024-02-28",
      }),
    )["Filter"];
    expect(filter).toEqual({
      FirstName: "f",
      FromDateOfBirth: "2024-02-28",
      LastName: "l",
      PracticeID: "1",
      PracticeName: LOCAL_PRACTICE.name,
      ToDateOfBirth: "2024-02-29",
    });
    expect(Object.keys(filter as object)).toEqual(Object.keys(filter as object).sort());
  });

  it("give GetPatient a Filter and no Fields; GetAppointment <Appointment><AppointmentId> (quirk 12)", () => {
    expect(Object.keys(request(build.getPatient(header, "5")))).toEqual([
      "RequestHeader",
      "Filter",
    ]);
    expect(request(build.getAppointment(header, "9"))["Appointment"]).toEqual({
      AppointmentId: "9",
    });
  });

  it("send CreateAppointment's PracticeId and PatientSummary, UTC times with Z (quirks 16, 22)", () => {
    const appointment = request(
      build.createAppointment(header, LOCAL_PRACTICE, {
        patientId: "10",
        startTime: "2026-07-01T09:00:00-05:00",
        endTime: "2026-07-01T09:30:00-05:00",
        serviceLocationId: "201",
      }),
    )["Appointment"] as Record<string, unknown>;
    expect(appointment["PracticeId"]).toBe("1");
    expect(appointment["PatientSummary"]).toEqual({ PatientId: "10", PracticeId: "1" });
    expect(appointment["StartTime"]).toBe("2026-07-01T14:00:00.000Z");
    expect(Object.keys(appointment)).toEqual(
      [...Object.keys(appointment)].sort((a, b) => (a < b ? -1 : 1)),
    );
  });

  it("send UpdateAppointment's PatientId and ServiceLocationId, and no PracticeId (quirk 22)", () => {
    const appointment = request(
      build.updateAppointment(header, {
        appointmentId: "1",
        patientId: "2",
        serviceLocationId: "3",
        status: "CheckedIn",
        startTime: "2026-07-01T14:00:00Z",
        endTime: "2026-07-01T14:30:00Z",
        resourceIds: ["4", "5"],
      }),
    )["Appointment"] as Record<string, unknown>;
    expect(appointment).toMatchObject({ PatientId: "2", ServiceLocationId: "3" });
    expect(appointment).not.toHaveProperty("PracticeId");
    expect(appointment).not.toHaveProperty("AppointmentType");
    expect(appointment["ResourceIds"]).toEqual({ long: ["4", "5"] });
    expect(Object.keys(appointment)).toEqual(
      [...Object.keys(appointment)].sort((a, b) => (a < b ? -1 : 1)),
    );
  });

  it("leave absent values out rather than send them empty or nil", () => {
    const filter = request(build.getPatients(header, LOCAL_PRACTICE, { lastName: "x" }))[
      "Filter"
    ];
    expect(filter).toEqual({
      LastName: "x",
      PracticeID: "1",
      PracticeName: LOCAL_PRACTICE.name,
    });
  });

  it("give GetCustomerIdFromKey bare credentials and no RequestHeader", () => {
    expect(build.getCustomerIdFromKey(CREDENTIALS)).toEqual({
      request: {
        CustomerKey: CREDENTIALS.customerKey,
        Password: CREDENTIALS.password,
        User: CREDENTIALS.user,
      },
    });
  });
});
