import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  extractBody,
  loadTebraSchema,
  validateEnvelope,
  validateWithXmllint,
} from "../../../dev/xsd.ts";

const fixturesDir = new URL("./fixtures/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixturesDir), "utf8");
const fixtureNames = readdirSync(fixturesDir)
  .filter((name) => name.endsWith(".xml"))
  .sort();

const NS = "{http://www.kareo.com/api/schemas/}";
const NS2 = "{http://www.kareo.com/api/schemas}";

describe("the compiled reference schema", () => {
  it("is compiled once per process", () => {
    expect(loadTebraSchema()).toBe(loadTebraSchema());
    expect(loadTebraSchema().compileMs).toBeGreaterThan(0);
  });

  it("accepts a GetAppointments body built in schema order", () => {
    expect(loadTebraSchema().validateXml(fixture("get-appointments-valid.xml"))).toEqual(
      [],
    );
  });

  it("accepts the no-slash Fields and Filter of GetServiceLocations", () => {
    expect(
      loadTebraSchema().validateXml(fixture("get-service-locations-no-slash.xml")),
    ).toEqual([]);
  });

  it.each([
    [
      "get-appointments-start-before-end.xml",
      `Element '${NS}EndDate': This element is not expected. Expected is one of ( ${NS}TimeZoneOffsetFromGMT, ${NS}ToCreatedDate, ${NS}ToLastModifiedDate, ${NS}Type ).`,
    ],
    [
      "get-appointments-practice-id-in-filter.xml",
      `Element '${NS}PracticeID': This element is not expected.`,
    ],
    [
      "get-appointments-header-user-before-password.xml",
      `Element '${NS}Password': This element is not expected.`,
    ],
    [
      "get-appointments-without-fields.xml",
      `Element '${NS}Filter': This element is not expected. Expected is ( ${NS}Fields ).`,
    ],
    [
      "get-service-locations-slashed-fields.xml",
      `Element '${NS}Fields': This element is not expected. Expected is ( ${NS2}Fields ).`,
    ],
    [
      "get-patient-id-not-a-number.xml",
      `Element '${NS}PatientID': 'P-12' is not a valid value of the atomic type 'xs:int'.`,
    ],
    [
      "get-patient-with-fields.xml",
      `Element '${NS}Fields': This element is not expected. Expected is ( ${NS}Filter ).`,
    ],
    [
      "get-appointment-nil-header-and-stray-member.xml",
      `Element '${NS}PatientId': This element is not expected.`,
    ],
    [
      "create-appointment-start-time-us-format.xml",
      `Element '${NS}EndTime': '3/8/2026 9:30:00 AM' is not a valid value of the atomic type 'xs:dateTime'.`,
    ],
    [
      "get-throttles-with-text.xml",
      `Element '${NS}request': Character content other than whitespace is not allowed because the content type is 'element-only'.`,
    ],
  ])("rejects %s, naming the element at fault", (name, message) => {
    const issues = loadTebraSchema().validateXml(fixture(name));
    expect(issues[0]?.message.slice(0, message.length)).toBe(message);
  });

  it("says where the offending element is", () => {
    const [issue] = loadTebraSchema().validateXml(
      fixture("get-appointments-start-before-end.xml"),
    );
    expect(issue?.path).toBe("/GetAppointments/request/Filter/EndDate");
  });

  it("refuses a root element the schema does not declare", () => {
    const [issue] = loadTebraSchema().validateXml(
      '<GetDailySession xmlns="http://www.kareo.com/api/schemas/"/>',
    );
    expect(issue?.message).toContain("No matching global declaration");
  });

  it("fails with the place it looked when the reference XSDs are missing", () => {
    expect(() => loadTebraSchema("/nonexistent/wsdl-2025/")).toThrow(
      /not in \/nonexistent\/wsdl-2025\/.*TEBRA_XSD_DIR/,
    );
  });
});

describe("validating the operation inside an envelope", () => {
  const envelope =
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:tns="http://www.kareo.com/api/schemas/"><soap:Body><tns:GetThrottles>' +
    "<tns:request><tns:RequestHeader><tns:CustomerKey>k</tns:CustomerKey>" +
    "</tns:RequestHeader></tns:request></tns:GetThrottles></soap:Body></soap:Envelope>";

  it("resolves prefixes declared on the Envelope", () => {
    expect(validateEnvelope(envelope)).toEqual([]);
  });

  it("extracts the body as a standalone document that declares its namespaces", () => {
    const body = extractBody(envelope);
    expect(body).toMatch(/^<tns:GetThrottles xmlns:soap="[^"]+" xmlns:tns="[^"]+">/);
    expect(loadTebraSchema().validateXml(body)).toEqual([]);
  });
});

describe("the compiled schema and libxml2", () => {
  it("agree on every fixture: valid or not, and the first message", async () => {
    const documents = fixtureNames.map(fixture);
    const reports = await validateWithXmllint(documents);
    const schema = loadTebraSchema();
    const compiled = documents.map((doc) => schema.validateXml(doc));
    const summary = (valid: boolean, first: string | undefined) => ({ valid, first });

    expect(reports.map((r) => summary(r.valid, r.errors[0]))).toEqual(
      compiled.map((issues) => summary(issues.length === 0, issues[0]?.message)),
    );
    // The fixtures cover both outcomes.
    expect(reports.filter((r) => r.valid).length).toBeGreaterThanOrEqual(3);
    expect(reports.filter((r) => !r.valid).length).toBeGreaterThanOrEqual(8);
  }, 60_000);
});
