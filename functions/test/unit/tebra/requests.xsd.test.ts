// Every request body the client can send, for every operation, checked against Tebra's
// reference XSD (../shared/tebra/wsdl-2025) by libxml2 (xmllint-wasm) in one batch, and
// random inputs checked against the same schema by the compiled model of dev/xsd.ts.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTebraSchema, validateWithXmllint } from "../../../dev/xsd.ts";
import { appointmentUpdateFrom } from "../../../src/tebra/client.ts";
import { fixedCredentials } from "../../../src/tebra/credentials.ts";
import { OPERATIONS } from "../../../src/tebra/operations.ts";
import {
  APPOINTMENT_STATUSES,
  type TebraCredentials,
} from "../../../src/tebra/requests.ts";
import {
  CREDENTIALS,
  fixture,
  operationElement,
  recordingHttpClient,
  testClient,
} from "../../support/tebra.ts";

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

function recordingClient(credentials: TebraCredentials = CREDENTIALS) {
  const http = recordingHttpClient((operation) => fixture(RESPONSES[operation]!));
  const client = testClient("http://127.0.0.1:9/unused", {
    httpClient: http,
    credentials: fixedCredentials(credentials),
  });
  return { client, sent: http.sent };
}

/** Every shape of request the client's methods can produce. */
async function everyRequest() {
  const { client, sent } = recordingClient({
    customerKey: "key-with-&-and-<",
    user: "local-api-user",
    password: `p&ss<w>rd"'`,
  });
  await client.getAppointments({ fromDay: "2026-03-08" });
  await client.getAppointments({
    fromDay: "2026-10-30",
    toDay: "2026-11-02",
    resourceName: "Tamsin Kestvale, MD",
    patientId: "10689",
    confirmationStatus: "Check-in",
  });
  const record = await client.getAppointment("95670001");
  await client.createAppointment({
    patientId: "10689",
    startTime: "2026-03-13T10:00:00-05:00",
    endTime: "2026-03-13T10:30:00-05:00",
    serviceLocationId: "201",
  });
  await client.createAppointment({
    patientId: "10689",
    startTime: "2026-11-01T01:30:00-05:00",
    endTime: "2026-11-01T01:45:00-06:00",
    serviceLocationId: "202",
    status: "Tentative",
    type: "O",
    mode: "Telehealth",
    name: "Follow-up & review <telehealth>",
    reasonId: "408",
    providerId: "101",
    resourceId: "301",
    patientCaseId: "60689",
    notes: `Bring "list" of meds & <allergies>`,
  });
  for (const status of APPOINTMENT_STATUSES) {
    await client.updateAppointment({ ...appointmentUpdateFrom(record), status });
  }
  await client.updateAppointment({
    appointmentId: "95670001",
    patientId: "10689",
    serviceLocationId: "201",
    status: "Roomed",
    startTime: "2026-03-12T21:45:00Z",
    endTime: "2026-03-12T22:45:00Z",
    mode: "Telehealth",
    name: "Annual physical",
    reasonId: "405",
    insurancePolicyAuthorizationId: "77",
    isRecurring: true,
    maxAttendees: "3",
    notes: "x & y",
    occurrenceId: "5",
    patientCaseId: "60689",
    providerId: "101",
    resourceId: "304",
    resourceIds: ["304", "101"],
  });
  await client.updateAppointment({
    appointmentId: "95670001",
    patientId: "10689",
    serviceLocationId: "201",
    status: "Cancelled",
    startTime: "2026-03-12T21:45:00Z",
    endTime: "2026-03-12T22:45:00Z",
    mode: null,
    patientCaseId: null,
    resourceIds: [],
  });
  await client.getAppointments({
    fromDay: "2026-03-12",
    modifiedFrom: "2026-03-01T00:00:00-06:00",
    modifiedTo: "2026-03-12T12:00:00Z",
  });
  await client.getPatients({
    modifiedFrom: "2026-03-01T00:00:00Z",
    modifiedTo: "2026-03-12T00:00:00Z",
  });
  await client.checkCredentials({
    customerKey: "pending-key",
    user: "pending-user",
    password: "p&<",
  });
  await client.getPatient("10689");
  await client.getPatients({ lastName: "Brambrook" });
  await client.getPatients({ firstName: "Petra" });
  await client.getPatients({ dateOfBirth: "2008-02-29" });
  await client.getPatients({
    firstName: "O'Neil",
    lastName: "Smith & Co",
    dateOfBirth: "1999-12-31",
  });
  await client.getProviders();
  await client.getPractices();
  await client.getServiceLocations();
  await client.getThrottles();
  await client.checkCredentials();
  return sent;
}

let sent: { operation: string; envelope: string }[];
beforeAll(async () => {
  sent = await everyRequest();
}, 60_000);

describe("request bodies against Tebra's reference XSD", () => {
  it("cover every operation the client uses", () => {
    expect(new Set(sent.map((s) => s.operation))).toEqual(new Set(OPERATIONS));
  });

  it("all validate with libxml2 (xmllint-wasm)", async () => {
    const reports = await validateWithXmllint(
      sent.map((s) => operationElement(s.envelope)),
    );
    const invalid = reports
      .filter((r) => !r.valid)
      .map((r) => ({ operation: sent[r.index]!.operation, errors: r.errors }));
    expect(invalid).toEqual([]);
    expect(reports).toHaveLength(sent.length);
  }, 60_000);

  it("escape XML's special characters in every value, the password too (quirk 17)", () => {
    const header = sent[0]!.envelope;
    expect(header).toContain("<CustomerKey>key-with-&amp;-and-&lt;</CustomerKey>");
    expect(header).toMatch(
      /<Password>p&amp;ss&lt;w&gt;rd(&quot;|")(&apos;|')<\/Password>/,
    );
  });

  it("never put credentials in the SOAP Header, and never send xsi:nil (quirks 2, 7)", () => {
    for (const { envelope } of sent) {
      expect(envelope).not.toMatch(/<\w+:Header/);
      expect(envelope).not.toContain("nil=");
    }
  });

  it("a validator that catches a misordered RequestHeader (so the checks above can fail)", async () => {
    const good = operationElement(sent[0]!.envelope);
    const swapped = good.replace(
      /(<CustomerKey>[^<]*<\/CustomerKey>)(<Password>[^<]*<\/Password>)/,
      "$2$1",
    );
    expect(swapped).not.toBe(good);
    const [report] = await validateWithXmllint([swapped]);
    expect(report!.valid).toBe(false);
  }, 60_000);
});

describe("request bodies for random inputs (compiled schema model)", () => {
  const schema = loadTebraSchema();
  const text = fc
    .string({ minLength: 1, maxLength: 40 })
    .filter((s) => s.trim().length > 0);
  const safeText = text.map((s) =>
    s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/g, "x"),
  );
  const id = fc.bigInt({ min: 1n, max: 9_000_000_000_000_000n }).map(String);
  const day = fc
    .date({
      min: new Date("2000-01-01"),
      max: new Date("2040-12-24"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10));

  function validate(envelope: string) {
    return schema.validateXml(operationElement(envelope));
  }

  it("GetAppointments bodies validate for any day, resource and status text", async () => {
    await fc.assert(
      fc.asyncProperty(
        day,
        safeText,
        safeText,
        id,
        async (fromDay, resource, status, patient) => {
          const { client, sent } = recordingClient();
          await client.getAppointments({
            fromDay,
            resourceName: resource.trim().slice(0, 200),
            confirmationStatus: status.trim().slice(0, 200),
            patientId: patient,
          });
          expect(validate(sent[0]!.envelope)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("GetPatients bodies validate for any name and date of birth", async () => {
    await fc.assert(
      fc.asyncProperty(safeText, safeText, day, async (first, last, dob) => {
        const { client, sent } = recordingClient();
        await client.getPatients({
          firstName: first.trim().slice(0, 200),
          lastName: last.trim().slice(0, 200),
          dateOfBirth: dob,
        });
        expect(validate(sent[0]!.envelope)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("CreateAppointment bodies validate for any ids, times and notes", async () => {
    await fc.assert(
      fc.asyncProperty(
        id,
        id,
        safeText,
        fc.integer({ min: 0, max: 10_000 }),
        async (patient, location, notes, minutes) => {
          const { client, sent } = recordingClient();
          const start = new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);
          await client.createAppointment({
            patientId: patient,
            serviceLocationId: location,
            startTime: start.toISOString(),
            endTime: new Date(start.getTime() + 900_000).toISOString(),
            notes,
          });
          expect(validate(sent[0]!.envelope)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
