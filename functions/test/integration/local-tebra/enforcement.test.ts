import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../dev/local-tebra/server.ts";
import { call, faultOf, fixture, post, resultOf, value } from "./support.ts";

const DAY = { StartDate: "2026-03-08", EndDate: "2026-03-08" };
const NS = "{http://www.kareo.com/api/schemas/}";
let tebra: LocalTebra;

beforeAll(async () => {
  tebra = await startLocalTebra({ port: 0, rateScale: 0 });
});
beforeEach(() => tebra.reset());
afterAll(() => tebra.close());

function security(
  reply: Awaited<ReturnType<typeof call>>,
  operation = "GetAppointments",
) {
  const result = resultOf(reply, operation);
  const s = result.SecurityResponse;
  return {
    Authenticated: value(s.Authenticated),
    Authorized: value(s.Authorized),
    CustomerKeyValid: value(s.CustomerKeyValid),
    SecurityResult: value(s.SecurityResult),
    SecurityResultSuccess: value(s.SecurityResultSuccess),
    payload: value(result.Appointments),
  };
}

describe("the local Tebra's credential check", () => {
  it("accepts the synthetic account", async () => {
    const reply = await call(tebra.url, "GetAppointments", "get-appointments.xml", DAY);
    expect(security(reply)).toMatchObject({ Authenticated: "true", Authorized: "true" });
  });

  it("answers a wrong password with Authenticated=false and no payload", async () => {
    const reply = await call(tebra.url, "GetAppointments", "get-appointments.xml", {
      ...DAY,
      Password: "not-the-password",
    });
    expect(reply.status).toBe(200);
    expect(security(reply)).toEqual({
      Authenticated: "false",
      Authorized: "false",
      CustomerKeyValid: "true",
      SecurityResult: "Invalid user name and/or password",
      SecurityResultSuccess: "false",
      payload: null,
    });
  });

  it("answers an unknown user with 'Unable to find user.'", async () => {
    const reply = await call(tebra.url, "GetAppointments", "get-appointments.xml", {
      ...DAY,
      User: "someone-else",
    });
    expect(security(reply)).toMatchObject({
      Authenticated: "false",
      SecurityResult: "Unable to find user.",
    });
  });

  it("answers a wrong customer key with CustomerKeyValid=false", async () => {
    const reply = await call(tebra.url, "GetAppointments", "get-appointments.xml", {
      ...DAY,
      CustomerKey: "another-key",
    });
    expect(security(reply)).toMatchObject({
      CustomerKeyValid: "false",
      Authenticated: "false",
    });
  });

  it("answers GetCustomerIdFromKey with IsAuthorized=false for a wrong password", async () => {
    const reply = await call(
      tebra.url,
      "GetCustomerIdFromKey",
      "get-customer-id-from-key.xml",
      {
        Password: "nope",
      },
    );
    expect(resultOf(reply, "GetCustomerIdFromKey")).toEqual({
      CustomerId: "0",
      IsAuthorized: "false",
    });
  });

  it("accepts another API user of the customer, and refuses it once disabled", async () => {
    const other = { User: "local-api-user-2", Password: "local-password-2-not-secret" };
    const refusedFirst = await call(
      tebra.url,
      "GetAppointments",
      "get-appointments.xml",
      {
        ...DAY,
        ...other,
      },
    );
    expect(security(refusedFirst).SecurityResult).toBe("Unable to find user.");

    const control = (body: unknown) =>
      fetch(tebra.controlUrl, { method: "POST", body: JSON.stringify(body) });
    await control({ action: "add-user", user: other.User, password: other.Password });
    const accepted = await call(tebra.url, "GetAppointments", "get-appointments.xml", {
      ...DAY,
      ...other,
    });
    expect(security(accepted)).toMatchObject({
      Authenticated: "true",
      Authorized: "true",
    });

    await control({ action: "disable-user", user: other.User });
    const disabled = await call(tebra.url, "GetAppointments", "get-appointments.xml", {
      ...DAY,
      ...other,
    });
    expect(security(disabled)).toMatchObject({
      Authenticated: "false",
      SecurityResult: "Unable to find user.",
    });
    // reset() enables every user again.
    tebra.reset();
    const afterReset = await call(tebra.url, "GetAppointments", "get-appointments.xml", {
      ...DAY,
      ...other,
    });
    expect(security(afterReset).Authenticated).toBe("true");
  });

  it("refuses a practice the account is not authorized for", async () => {
    const reply = await call(
      tebra.url,
      "GetAppointments",
      "get-appointments-other-practice.xml",
    );
    expect(security(reply)).toMatchObject({ Authenticated: "true", Authorized: "false" });
    const result = resultOf(reply, "GetAppointments");
    expect(result.SecurityResponse.PracticesAuthorized.PracticeID.int).toEqual(["1"]);
  });

  it("faults when the credentials travel in s:Header", async () => {
    const reply = await call(
      tebra.url,
      "GetAppointments",
      "get-appointments-credentials-in-soap-header.xml",
    );
    expect(reply.status).toBe(500);
    expect(faultOf(reply).code).toBe("InternalServiceFault");
  });
});

describe("the local Tebra's required members", () => {
  it("answers a missing Filter with the null-reference error", async () => {
    const reply = await call(
      tebra.url,
      "GetAppointments",
      "get-appointments-without-filter.xml",
    );
    expect(reply.status).toBe(200);
    const error = resultOf(reply, "GetAppointments").ErrorResponse;
    expect(value(error.IsError)).toBe("true");
    expect(value(error.ErrorMessage)).toBe(
      "Object reference not set to an instance of an object.",
    );
    expect(value(error.StackTrace)).toContain("ValidateDateTimeFields");
  });

  it("answers GetPatient without a Filter with the same error", async () => {
    const reply = await call(tebra.url, "GetPatient", "get-patient-without-filter.xml");
    expect(value(resultOf(reply, "GetPatient").ErrorResponse.ErrorMessage)).toBe(
      "Object reference not set to an instance of an object.",
    );
  });

  it("requires PracticeName on GetAppointments", async () => {
    const reply = await call(
      tebra.url,
      "GetAppointments",
      "get-appointments-without-practice-name.xml",
    );
    const error = resultOf(reply, "GetAppointments").ErrorResponse;
    expect(value(error.IsError)).toBe("true");
    expect(value(error.ErrorMessage)).toBe("PracticeName is required.");
  });

  it("faults on an appointment window wider than 62 days", async () => {
    const reply = await call(tebra.url, "GetAppointments", "get-appointments.xml", {
      StartDate: "2026-01-01",
      EndDate: "2026-03-05",
    });
    expect(reply.status).toBe(500);
    expect(faultOf(reply).code).toBe("InternalServiceFault");
  });
});

describe("the local Tebra's strict schema check", () => {
  async function rejection(operation: string, name: string) {
    const reply = await call(tebra.url, operation, name, DAY);
    expect(reply.status).toBe(500);
    expect(reply.headers.get("x-local-tebra-rejected")).toBe("schema");
    const fault = faultOf(reply);
    expect(fault.code).toBe("DeserializationFailed");
    return fault.text;
  }

  it("rejects a Filter member out of order, naming it", async () => {
    const text = await rejection(
      "GetAppointments",
      "get-appointments-start-date-before-end-date.xml",
    );
    expect(text).toContain(`Element '${NS}EndDate': This element is not expected.`);
    expect(text).toContain("/GetAppointments/request/Filter/EndDate");
  });

  it("rejects a member AppointmentFilter does not have (PracticeID)", async () => {
    const text = await rejection(
      "GetAppointments",
      "get-appointments-practice-id-in-filter.xml",
    );
    expect(text).toContain(`Element '${NS}PracticeID': This element is not expected.`);
  });

  it("rejects RequestHeader members out of order", async () => {
    const text = await rejection(
      "GetAppointments",
      "get-appointments-header-user-before-password.xml",
    );
    expect(text).toContain(`Element '${NS}Password': This element is not expected.`);
  });

  it("rejects Filter sent before Fields", async () => {
    const text = await rejection(
      "GetAppointments",
      "get-appointments-fields-and-filter-swapped.xml",
    );
    expect(text).toContain(`Element '${NS}Filter': This element is not expected.`);
  });

  it("rejects GetServiceLocations' Fields in the slashed namespace", async () => {
    const text = await rejection(
      "GetServiceLocations",
      "get-service-locations-slashed-namespace.xml",
    );
    expect(text).toContain(
      `Element '${NS}Fields': This element is not expected. Expected is ( {http://www.kareo.com/api/schemas}Fields ).`,
    );
  });

  it("says the real service would have dropped the member in silence", async () => {
    const text = await rejection(
      "GetAppointments",
      "get-appointments-practice-id-in-filter.xml",
    );
    expect(text).toContain("the real service would drop this in silence");
  });

  it("can be switched off, leaving the unknown member ignored as Tebra does", async () => {
    const lenient = await startLocalTebra({
      port: 0,
      rateScale: 0,
      validateRequests: false,
    });
    try {
      const reply = await call(
        lenient.url,
        "GetAppointments",
        "get-appointments-practice-id-in-filter.xml",
      );
      expect(reply.status).toBe(200);
      expect(resultOf(reply, "GetAppointments").Appointments.AppointmentData.length).toBe(
        40,
      );
    } finally {
      await lenient.close();
    }
  });
});

describe("the local Tebra's transport rules", () => {
  const body = () => fixture("get-appointments.xml", DAY);

  it("answers a SOAPAction without the KareoServices/ segment with a ContractFilter mismatch", async () => {
    const action = '"http://www.kareo.com/api/schemas/GetAppointments"';
    const reply = await post(tebra.url, body(), { action });
    expect(reply.status).toBe(500);
    const fault = faultOf(reply);
    expect(fault.code).toBe("ActionNotSupported");
    expect(fault.text).toContain(
      "The message with Action 'http://www.kareo.com/api/schemas/GetAppointments' cannot be processed",
    );
    expect(fault.text).toContain("ContractFilter mismatch at the EndpointDispatcher");
  });

  it("answers a request without SOAPAction the same way", async () => {
    const reply = await post(tebra.url, body(), { action: null });
    expect(reply.status).toBe(500);
    expect(faultOf(reply).code).toBe("ActionNotSupported");
  });

  it("accepts the SOAPAction without its quotes, as WCF does", async () => {
    const action = "http://www.kareo.com/api/schemas/KareoServices/GetAppointments";
    expect((await post(tebra.url, body(), { action })).status).toBe(200);
  });

  it("faults when the body is another operation than the SOAPAction names", async () => {
    const reply = await post(tebra.url, body(), { operation: "GetProviders" });
    expect(reply.status).toBe(500);
    const fault = faultOf(reply);
    expect(fault.code).toBe("DeserializationFailed");
    expect(fault.text).toContain(
      "Expected to find node type 'Element' with name 'GetProviders'",
    );
  });

  it("refuses SOAP 1.2's content type with HTTP 415", async () => {
    const reply = await post(tebra.url, body(), {
      operation: "GetAppointments",
      contentType: "application/soap+xml; charset=utf-8",
    });
    expect(reply.status).toBe(415);
  });

  it("answers XML that is not well formed with HTTP 400", async () => {
    const reply = await post(tebra.url, body().slice(0, 200), {
      operation: "GetAppointments",
    });
    expect(reply.status).toBe(400);
  });

  it("answers another path with HTTP 404", async () => {
    const reply = await post(tebra.url.replace("2.1", "2.0"), body(), {
      operation: "GetAppointments",
    });
    expect(reply.status).toBe(404);
  });
});
