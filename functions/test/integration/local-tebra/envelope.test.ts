/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- replies are read as untyped trees (support.ts) */
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../dev/local-tebra/server.ts";
import { loadTebraSchema, validateWithXmllint } from "../../../dev/xsd.ts";
import {
  call,
  fixture,
  post,
  replyBody,
  resultOf,
  value,
  type RawReply,
} from "./support.ts";

const DAY = "2026-03-08";
let tebra: LocalTebra;

beforeAll(async () => {
  tebra = await startLocalTebra({ port: 0, seed: 11, rateScale: 0 });
});
afterAll(() => tebra.close());

const day = { StartDate: DAY, EndDate: DAY };

describe("the local Tebra's envelope", () => {
  it("answers SOAP 1.1 as text/xml with {Op}Response/{Op}Result in Tebra's namespace", async () => {
    const reply = await call(tebra.url, "GetAppointments", "get-appointments.xml", day);
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe("text/xml; charset=utf-8");
    expect(reply.text).toMatch(
      /^<s:Envelope xmlns:s="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/"><s:Body>/,
    );
    expect(reply.text).toContain(
      '<GetAppointmentsResponse xmlns="http://www.kareo.com/api/schemas/"><GetAppointmentsResult',
    );
  });

  it("writes ErrorResponse, then SecurityResponse, then the payload", async () => {
    const reply = await call(tebra.url, "GetAppointments", "get-appointments.xml", day);
    const positions = ["<ErrorResponse>", "<SecurityResponse>", "<Appointments>"].map(
      (tag) => reply.text.indexOf(tag),
    );
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const result = resultOf(reply, "GetAppointments");
    expect(value(result.ErrorResponse.IsError)).toBe("false");
    expect(value(result.SecurityResponse.SecurityResultSuccess)).toBe("true");
    expect(result.SecurityResponse.PracticesAuthorized.PracticeID.int).toEqual(["1"]);
  });

  it("writes null members as i:nil, as WCF does", async () => {
    const reply = await call(tebra.url, "GetAppointments", "get-appointments.xml", day);
    expect(reply.text).toContain('<ErrorMessage i:nil="true"/>');
    expect(reply.text).toContain('<AppointmentReason10 i:nil="true"/>');
  });

  it("keeps GetServiceLocations' payload in the no-slash namespace and its base blocks slashed", async () => {
    const reply = await call(
      tebra.url,
      "GetServiceLocations",
      "get-service-locations.xml",
    );
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(
      '<a:ServiceLocations xmlns:a="http://www.kareo.com/api/schemas"><a:ServiceLocationData>',
    );
    expect(reply.text).toMatch(/<GetServiceLocationsResult[^>]*><ErrorResponse>/);
    const rows = resultOf(reply, "GetServiceLocations").ServiceLocations
      .ServiceLocationData;
    expect(rows.map((r: { ID: string }) => r.ID)).toEqual(["201", "202"]);
  });

  it("carries practice-local text dates in lists and ISO UTC in the typed replies", async () => {
    const list = await call(tebra.url, "GetAppointments", "get-appointments.xml", day);
    const row = resultOf(list, "GetAppointments").Appointments.AppointmentData[0];
    expect(row.StartDate).toMatch(/^3\/8\/2026 \d{1,2}:\d{2}:00 [AP]M$/);

    const single = await call(tebra.url, "GetAppointment", "get-appointment.xml", {
      AppointmentId: row.ID,
    });
    const appointment = resultOf(single, "GetAppointment").Appointment;
    expect(appointment.StartTime).toMatch(/^2026-03-08T\d{2}:\d{2}:00Z$/);
    const local = DateTime.fromFormat(row.StartDate, "M/d/yyyy h:mm:ss a", {
      zone: "America/Chicago",
    });
    expect(local.toUTC().toISO({ suppressMilliseconds: true })).toBe(
      appointment.StartTime,
    );
  });

  it("answers GetCustomerIdFromKey without the base blocks", async () => {
    const reply = await call(
      tebra.url,
      "GetCustomerIdFromKey",
      "get-customer-id-from-key.xml",
    );
    const result = resultOf(reply, "GetCustomerIdFromKey");
    expect(result).toEqual({ CustomerId: "4242", IsAuthorized: "true" });
  });

  it("serves the reference WSDL with the address rewritten to itself", async () => {
    const response = await fetch(`${tebra.url}?singleWsdl`);
    const wsdl = await response.text();
    expect(response.status).toBe(200);
    expect(wsdl).toContain(`<soap:address location="${tebra.url}"/>`);
  });
});

describe("every reply the local Tebra writes", () => {
  it("validates against the reference XSD, by libxml2 and by the compiled schema", async () => {
    const replies: RawReply[] = [];
    const add = async (operation: string, name: string, values = {}) => {
      replies.push(await call(tebra.url, operation, name, values));
    };
    const rows = resultOf(
      await call(tebra.url, "GetAppointments", "get-appointments.xml", day),
      "GetAppointments",
    ).Appointments.AppointmentData;
    const withPatient = rows.find(
      (r: { PatientID?: string }) => typeof r.PatientID === "string",
    );

    await add("GetAppointments", "get-appointments.xml", day);
    await add("GetAppointment", "get-appointment.xml", { AppointmentId: withPatient.ID });
    await add("CreateAppointment", "create-appointment.xml", {
      PatientId: withPatient.PatientID,
      PatientCaseId: withPatient.PatientCaseID,
      StartTime: "2026-03-09T15:00:00Z",
      EndTime: "2026-03-09T15:15:00Z",
    });
    await add("UpdateAppointment", "update-appointment-status-only.xml", {
      AppointmentId: withPatient.ID,
      PatientId: withPatient.PatientID,
      ServiceLocationId: withPatient.ServiceLocationID,
      StartTime: "2026-03-08T15:00:00Z",
      EndTime: "2026-03-08T15:30:00Z",
    });
    await add("DeleteAppointment", "delete-appointment.xml", {
      AppointmentId: rows[1].ID,
    });
    await add("GetPatient", "get-patient.xml", { PatientId: withPatient.PatientID });
    await add("GetPatient", "get-patient.xml", { PatientId: 1 });
    await add("GetPatients", "get-patients-by-date-of-birth.xml", {
      FromDateOfBirth: "1960-01-01",
      ToDateOfBirth: "1961-01-01",
    });
    await add("GetProviders", "get-providers.xml");
    await add("GetPractices", "get-practices.xml");
    await add("GetServiceLocations", "get-service-locations.xml");
    await add("GetThrottles", "get-throttles.xml");
    await add("GetCustomerIdFromKey", "get-customer-id-from-key.xml");
    // Error and security replies too.
    await add("GetAppointments", "get-appointments-without-filter.xml");
    await add("GetAppointments", "get-appointments-other-practice.xml");
    await add("GetAppointments", "get-appointments.xml", { ...day, Password: "wrong" });
    tebra.faults.inject({ kind: "throttle", operation: "GetPatient", times: 1 });
    await add("GetPatient", "get-patient.xml", { PatientId: withPatient.PatientID });

    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    const bodies = replies.map(replyBody);
    const schema = loadTebraSchema();
    expect(bodies.map((body) => schema.validateXml(body))).toEqual(bodies.map(() => []));
    const reports = await validateWithXmllint(bodies);
    expect(reports.map((r) => r.errors)).toEqual(bodies.map(() => []));
  }, 60_000);

  it("is a well-formed document even when a value holds markup characters", async () => {
    const reply = await post(
      tebra.url,
      fixture("create-appointment.xml", {
        PatientId: 10001,
        PatientCaseId: 60001,
        StartTime: "2026-03-10T15:00:00Z",
        EndTime: "2026-03-10T15:15:00Z",
      }),
      { operation: "CreateAppointment" },
    );
    expect(reply.text).toContain("<Notes>Created by a test &amp; kept in memory</Notes>");
  });
});
