// Golden exchanges: for each operation, the request the client sends (compared with
// test/fixtures/tebra/*-request*.xml) and what it makes of Tebra's reply (*-response.xml).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appointmentUpdateFrom } from "../../../src/tebra/client.ts";
import { compact, fixture, replyServer, testClient } from "../../support/tebra.ts";

const RESPONSES: Record<string, string> = {
  GetAppointments: "get-appointments-response.xml",
  GetAppointment: "get-appointment-response.xml",
  CreateAppointment: "create-appointment-response.xml",
  UpdateAppointment: "update-appointment-response.xml",
  GetPatient: "get-patient-response.xml",
  GetPatients: "get-patients-response.xml",
  GetProviders: "get-providers-response.xml",
  GetPractices: "get-practices-response.xml",
  GetServiceLocations: "get-service-locations-response.xml",
  GetThrottles: "get-throttles-response.xml",
  GetCustomerIdFromKey: "get-customer-id-from-key-response.xml",
};

/** Self-closing and empty elements compare equal, and so do runs of spaces in a tag. */
function canonical(xml: string): string {
  return compact(xml)
    .replace(/<[^<>]+>/g, (tag) => tag.replace(/\s+/g, " "))
    .replace(/<([\w:]+)([^<>]*)><\/\1>/g, "<$1$2/>");
}

let server: Awaited<ReturnType<typeof replyServer>>;
beforeAll(async () => {
  server = await replyServer((request) => fixture(RESPONSES[request.operation]!));
});
afterAll(() => server.close());

function lastRequest() {
  const request = server.requests.at(-1)!;
  return { ...request, body: canonical(request.body) };
}

describe("golden exchanges with Tebra", () => {
  it("GetAppointments: a clinic day's UTC bounds and PracticeName, in a Filter", async () => {
    const appointments = await testClient(server.url).getAppointments({
      fromDay: "2026-03-12",
    });
    expect(lastRequest().body).toBe(canonical(fixture("get-appointments-request.xml")));
    expect(appointments.map((a) => [a.appointmentId, a.startTime, a.clinicDay])).toEqual([
      ["95670001", "2026-03-12T21:45:00Z", "2026-03-12"],
      // 7 PM in Chicago is the next UTC date; it stays on the clinic day.
      ["95670002", "2026-03-13T00:00:00Z", "2026-03-12"],
    ]);
    expect(appointments[0]).toMatchObject({
      patientId: "10689",
      providerId: "101",
      providerName: "Tamsin Kestvale, MD",
      confirmationStatus: "Scheduled",
      durationMinutes: 60,
      allDay: false,
      serviceLocationId: "201",
      endTime: "2026-03-12T22:45:00Z",
    });
  });

  it("GetAppointment: <Appointment><AppointmentId>, typed reply read as text", async () => {
    const record = await testClient(server.url).getAppointment("95670001");
    expect(lastRequest().body).toBe(canonical(fixture("get-appointment-request.xml")));
    expect(record).toMatchObject({
      appointmentId: "95670001",
      status: "Scheduled",
      type: "P",
      mode: "InOffice",
      startTime: "2026-03-12T21:45:00.000Z",
      endTime: "2026-03-12T22:45:00.000Z",
      patientId: "10689",
      patientCaseId: "60689",
      resourceIds: ["304"],
      practiceId: "1",
    });
  });

  it("UpdateAppointment: every member carried across, in AppointmentUpdate's order", async () => {
    const client = testClient(server.url);
    const current = await client.getAppointment("95670001");
    await client.updateAppointment({
      ...appointmentUpdateFrom(current),
      status: "CheckedIn",
    });
    expect(lastRequest().body).toBe(canonical(fixture("update-appointment-request.xml")));
  });

  it("CreateAppointment: UTC times with Z, PracticeId and PatientSummary", async () => {
    const created = await testClient(server.url).createAppointment({
      patientId: "10689",
      startTime: "2026-03-13T10:00:00-05:00",
      endTime: "2026-03-13T15:30:00Z",
      serviceLocationId: "201",
      providerId: "101",
      resourceId: "101",
      reasonId: "408",
    });
    expect(lastRequest().body).toBe(canonical(fixture("create-appointment-request.xml")));
    expect(created.appointmentId).toMatch(/^\d+$/);
  });

  it("GetPatient: a Filter and no Fields; the date of birth read as a date", async () => {
    const patient = await testClient(server.url).getPatient("10689");
    expect(lastRequest().body).toBe(canonical(fixture("get-patient-request.xml")));
    expect(patient).toMatchObject({ patientId: "10689", dateOfBirth: "2008-06-14" });
  });

  it("GetPatients: PracticeID and PracticeName, and an exclusive ToDateOfBirth", async () => {
    const patients = await testClient(server.url).getPatients({
      lastName: "Brambrook",
      dateOfBirth: "2008-06-14",
    });
    expect(lastRequest().body).toBe(
      canonical(fixture("get-patients-request-name-and-dob.xml")),
    );
    expect(patients.length).toBeGreaterThan(0);
    expect(patients.every((p) => typeof p.patientId === "string")).toBe(true);
  });

  it("GetProviders: both practice members in the Filter", async () => {
    const providers = await testClient(server.url).getProviders();
    expect(lastRequest().body).toBe(canonical(fixture("get-providers-request.xml")));
    expect(providers.map((p) => p.providerId)).toEqual(["101", "102"]);
    expect(providers[0]).toMatchObject({ active: true, degree: "MD", npi: "0000000101" });
  });

  it("GetPractices: the practice by ID and name", async () => {
    const practices = await testClient(server.url).getPractices();
    expect(lastRequest().body).toBe(canonical(fixture("get-practices-request.xml")));
    expect(practices[0]).toMatchObject({ practiceId: "1", active: true });
  });

  it("GetServiceLocations: Fields and Filter in the no-slash namespace, header in the slashed", async () => {
    const locations = await testClient(server.url).getServiceLocations();
    const body = lastRequest().body;
    expect(body).toBe(
      canonical(fixture("get-service-locations-request-no-slash-namespace.xml")),
    );
    expect(locations.map((l) => l.serviceLocationId)).toEqual(["201", "202"]);
  });

  it("GetThrottles: a RequestHeader only; the table read as numbers", async () => {
    const throttles = await testClient(server.url).getThrottles();
    expect(lastRequest().body).toBe(canonical(fixture("get-throttles-request.xml")));
    expect(throttles).toContainEqual({ endpoint: "GetPatient", intervalMs: 250 });
  });

  it("GetCustomerIdFromKey: bare CustomerKey, Password, User and no base blocks", async () => {
    const check = await testClient(server.url).checkCredentials();
    expect(lastRequest().body).toBe(
      canonical(fixture("get-customer-id-from-key-request.xml")),
    );
    expect(check).toEqual({ customerId: "4242", isAuthorized: true });
  });

  it("sends SOAP 1.1 with the quoted KareoServices SOAPAction (quirk 1)", async () => {
    await testClient(server.url).getProviders();
    const request = server.requests.at(-1)!;
    expect(request.contentType).toBe("text/xml; charset=utf-8");
    expect(request.soapAction).toBe(
      '"http://www.kareo.com/api/schemas/KareoServices/GetProviders"',
    );
  });
});
