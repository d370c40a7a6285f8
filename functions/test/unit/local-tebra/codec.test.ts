import { describe, expect, it } from "vitest";
import { writeResponse } from "../../../dev/local-tebra/codec.ts";
import { TEBRA_NS, TEBRA_NS_NO_SLASH, loadTebraSchema } from "../../../dev/xsd.ts";

const schema = loadTebraSchema();

describe("writing a reply from the schema", () => {
  it("writes members in schema order whatever order the object lists them in", () => {
    const xml = writeResponse(schema, TEBRA_NS, "GetThrottlesResponse", {
      ThrottleDetails: {
        ThrottleDetail: [{ ThrottleTimeMs: 500, Endpoint: "GetPatient" }],
      },
      SecurityResponse: null,
      ErrorResponse: { IsError: false },
    });
    expect(xml).toContain(
      '<ErrorResponse><ErrorMessage i:nil="true"/><IsError>false</IsError>' +
        '<StackTrace i:nil="true"/></ErrorResponse><SecurityResponse i:nil="true"/>',
    );
    expect(xml).toContain(
      "<Endpoint>GetPatient</Endpoint><ThrottleTimeMs>500</ThrottleTimeMs>",
    );
    expect(schema.validateXml(xml)).toEqual([]);
  });

  it("puts the GetServiceLocations payload in the no-slash namespace", () => {
    const xml = writeResponse(schema, TEBRA_NS, "GetServiceLocationsResponse", {
      ServiceLocations: { ServiceLocationData: [{ ID: "201", Name: "Main" }] },
    });
    expect(xml).toContain(`<a:ServiceLocations xmlns:a="${TEBRA_NS_NO_SLASH}">`);
    expect(schema.validateXml(xml)).toEqual([]);
  });

  it("escapes text", () => {
    const xml = writeResponse(schema, TEBRA_NS, "GetThrottlesResponse", {
      ErrorResponse: { ErrorMessage: 'a < b & "c"', IsError: true },
    });
    expect(xml).toContain("<ErrorMessage>a &lt; b &amp; &quot;c&quot;</ErrorMessage>");
  });

  it("refuses a member the type does not have, so the server cannot send one", () => {
    expect(() =>
      writeResponse(schema, TEBRA_NS, "GetThrottlesResponse", { Throttles: [] }),
    ).toThrow(/no member Throttles/);
  });
});
