// The project's own WSDL: loaded from disk, true to Tebra's 2025 schema for what it keeps,
// and node-soap's behaviour with it pinned (the no-slash namespace trap, undeclared reply
// members, arrays, text ids).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../src/tebra/operations.ts";
import { TEBRA_WSDL_PATH, createSoapClient } from "../../../src/tebra/wsdl.ts";
import { recordingHttpClient } from "../../support/tebra.ts";

const REFERENCE = fileURLToPath(
  new URL("../../../../../shared/tebra/KareoServices-2025.flat.wsdl", import.meta.url),
);

/** complexType name → its element names in order (extension members only). */
function complexTypes(wsdl: string, namespaceFilter?: (schema: string) => boolean) {
  const types = new Map<string, string[]>();
  for (const schema of wsdl.split(/<xs:schema\b/).slice(1)) {
    if (namespaceFilter && !namespaceFilter(schema)) continue;
    for (const match of schema.matchAll(
      /<xs:complexType name="(\w+)">([\s\S]*?)<\/xs:complexType>/g,
    )) {
      const names = [...match[2]!.matchAll(/<xs:element\b[^>]*\bname="(\w+)"/g)].map(
        (m) => m[1]!,
      );
      types.set(match[1]!, names);
    }
  }
  return types;
}

function soapEnvelope(body: string): string {
  return (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>' +
    body +
    "</s:Body></s:Envelope>"
  );
}

async function parse(operation: string, replyBody: string) {
  const http = recordingHttpClient(() => soapEnvelope(replyBody));
  const client = await createSoapClient({
    endpoint: "http://127.0.0.1:9/x",
    httpClient: http,
  });
  const method = (client as unknown as Record<string, (a: object) => Promise<unknown[]>>)[
    `${operation}Async`
  ]!;
  const [result] = await method.call(client, { request: {} });
  return result as Record<string, Record<string, unknown>>;
}

describe("the project's WSDL", () => {
  it("lives in functions/wsdl and is found from src/ and from lib/ alike", () => {
    expect(existsSync(TEBRA_WSDL_PATH)).toBe(true);
    expect(TEBRA_WSDL_PATH.endsWith("/functions/wsdl/kareo-services.wsdl")).toBe(true);
    const fromLib = fileURLToPath(
      new URL(
        "../../wsdl/kareo-services.wsdl",
        new URL("../../../lib/tebra/wsdl.js", import.meta.url),
      ),
    );
    expect(fromLib).toBe(TEBRA_WSDL_PATH);
  });

  it("names no remote location to fetch at start-up", () => {
    const text = readFileSync(TEBRA_WSDL_PATH, "utf8");
    expect(text).not.toMatch(/schemaLocation|<wsdl:import|<xs:include/);
  });

  it("offers exactly the operations the client uses", async () => {
    const client = await createSoapClient({
      endpoint: "http://127.0.0.1:9/x",
      httpClient: recordingHttpClient(() => ""),
    });
    const described = client.describe() as Record<string, Record<string, object>>;
    const operations = Object.keys(
      described["KareoServices"]!["BasicHttpBinding_KareoServices"]!,
    );
    expect(operations.sort()).toEqual([...OPERATIONS].sort());
  });

  it("keeps each type's members in the order and case of Tebra's 2025 schema", () => {
    const ours = complexTypes(readFileSync(TEBRA_WSDL_PATH, "utf8"));
    const reference = complexTypes(readFileSync(REFERENCE, "utf8"), (schema) =>
      /targetNamespace="http:\/\/www\.kareo\.com\/api\/schemas\/?"|Serialization\/Arrays/.test(
        schema,
      ),
    );
    expect(ours.size).toBeGreaterThan(30);
    for (const [name, members] of ours) {
      const full = reference.get(name);
      expect(full, `type ${name} exists in the reference`).toBeDefined();
      const positions = members.map((m) => full!.indexOf(m));
      expect(
        positions.every((p) => p >= 0),
        `${name}: members exist`,
      ).toBe(true);
      expect(
        [...positions].sort((a, b) => a - b),
        `${name}: order`,
      ).toEqual(positions);
    }
  });
});

describe("node-soap with the project's WSDL", () => {
  it("parses GetServiceLocations' base blocks as typed (the no-slash trap avoided)", async () => {
    const result = await parse(
      "GetServiceLocations",
      '<GetServiceLocationsResponse xmlns="http://www.kareo.com/api/schemas/">' +
        "<GetServiceLocationsResult><ErrorResponse><IsError>false</IsError></ErrorResponse>" +
        '<a:ServiceLocations xmlns:a="http://www.kareo.com/api/schemas">' +
        "<a:ServiceLocationData><a:ID>201</a:ID></a:ServiceLocationData>" +
        "</a:ServiceLocations></GetServiceLocationsResult></GetServiceLocationsResponse>",
    );
    const body = result["GetServiceLocationsResult"]!;
    expect((body["ErrorResponse"] as Record<string, unknown>)["IsError"]).toBe(false);
    const rows = (body["ServiceLocations"] as Record<string, unknown>)[
      "ServiceLocationData"
    ];
    expect(rows).toEqual([{ ID: "201" }]);
  });

  it("parses a list of one as an array (quirk 18)", async () => {
    const result = await parse(
      "GetAppointments",
      '<GetAppointmentsResponse xmlns="http://www.kareo.com/api/schemas/"><GetAppointmentsResult>' +
        "<Appointments><AppointmentData><ID>1</ID></AppointmentData></Appointments>" +
        "</GetAppointmentsResult></GetAppointmentsResponse>",
    );
    const list = (
      result["GetAppointmentsResult"]!["Appointments"] as Record<string, unknown>
    )["AppointmentData"];
    expect(Array.isArray(list)).toBe(true);
  });

  it("accepts reply members the trimmed WSDL does not declare (API notes §9 q14)", async () => {
    const result = await parse(
      "GetAppointments",
      '<GetAppointmentsResponse xmlns="http://www.kareo.com/api/schemas/"><GetAppointmentsResult>' +
        "<Appointments><AppointmentData><AuthorizationNumber>A-1</AuthorizationNumber>" +
        "<ID>7</ID><NewIn2027><Part>x</Part><Part>y</Part></NewIn2027>" +
        "<StartDate>3/12/2026 4:45:00 PM</StartDate></AppointmentData></Appointments>" +
        "<UndeclaredTrailer>z</UndeclaredTrailer>" +
        "</GetAppointmentsResult></GetAppointmentsResponse>",
    );
    const row = (
      (result["GetAppointmentsResult"]!["Appointments"] as Record<string, unknown>)[
        "AppointmentData"
      ] as Record<string, unknown>[]
    )[0]!;
    expect(row["ID"]).toBe("7");
    expect(row["StartDate"]).toBe("3/12/2026 4:45:00 PM");
    expect(row["AuthorizationNumber"]).toBe("A-1");
    expect(row["NewIn2027"]).toEqual({ Part: ["x", "y"] });
  });

  it("hands over longs and dateTimes as text: no 53-bit rounding, no local-time Date", async () => {
    const result = await parse(
      "GetAppointment",
      '<GetAppointmentResponse xmlns="http://www.kareo.com/api/schemas/"><GetAppointmentResult>' +
        "<Appointment><AppointmentId>9007199254740993</AppointmentId>" +
        "<StartTime>2026-03-12T21:45:00</StartTime></Appointment>" +
        "</GetAppointmentResult></GetAppointmentResponse>",
    );
    const appointment = result["GetAppointmentResult"]!["Appointment"] as Record<
      string,
      unknown
    >;
    expect(appointment["AppointmentId"]).toBe("9007199254740993");
    expect(appointment["StartTime"]).toBe("2026-03-12T21:45:00");
  });
});
