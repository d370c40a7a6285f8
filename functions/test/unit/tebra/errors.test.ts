// Each class of failure, from what Tebra (or the network) answers to the HttpsError a
// caller gets: one code per class, a fixed message, and nothing of the reply's text.
import { HttpsError } from "firebase-functions/https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KIND_TRAITS, TEBRA_ERROR_KINDS, TebraError } from "../../../src/tebra/errors.ts";
import {
  classifyNetworkError,
  throttleIntervalFrom,
} from "../../../src/tebra/classify.ts";
import {
  captureLogs,
  fixture,
  replyServer,
  testClient,
  type Reply,
} from "../../support/tebra.ts";

const NO_RETRY = {
  timeoutMs: 300,
  retries: 0,
  initialDelayMs: 1,
  maxDelayMs: 1,
  breakerThreshold: 100,
  halfOpenAfterMs: 1000,
};

let server: Awaited<ReturnType<typeof replyServer>>;
let reply: Reply = { body: "" };
beforeAll(async () => {
  server = await replyServer(() => reply);
});
afterAll(() => server.close());

async function failureFor(next: Reply, call = "getProviders"): Promise<TebraError> {
  reply = next;
  const { createResilience } = await import("../../../src/tebra/resilience.ts");
  const client = testClient(server.url, { resilience: createResilience(NO_RETRY) });
  try {
    await (client as unknown as Record<string, (arg?: string) => Promise<unknown>>)[
      call
    ]!(call === "getProviders" ? undefined : "10689");
  } catch (error) {
    expect(error).toBeInstanceOf(TebraError);
    expect(error).toBeInstanceOf(HttpsError);
    return error as TebraError;
  }
  throw new Error("the call did not fail");
}

const CANARY =
  /Jane Canary|555-0100|ValidateDateTimeFields|IncludeExceptionDetailInFaults|ContractFilter|Expecting element/;

describe("classifying Tebra's answers", () => {
  const cases: [string, Reply, string, string][] = [
    [
      "a throttle message in ErrorResponse",
      { body: fixture("throttled-error-response.xml") },
      "throttled",
      "resource-exhausted",
    ],
    [
      "HTTP 429",
      {
        status: 429,
        body: fixture("throttled-http-429.txt"),
        headers: { "Content-Type": "text/plain" },
      },
      "throttled",
      "resource-exhausted",
    ],
    [
      "a wrong password",
      { body: fixture("invalid-password-response.xml") },
      "credentials",
      "failed-precondition",
    ],
    [
      "an API user Tebra cannot find",
      { body: fixture("unknown-user-response.xml") },
      "credentials",
      "failed-precondition",
    ],
    [
      "a bad customer key",
      { body: fixture("invalid-customer-key-response.xml") },
      "credentials",
      "failed-precondition",
    ],
    [
      "a user not authorized for the practice",
      { body: fixture("not-authorized-response.xml") },
      "not-authorized",
      "failed-precondition",
    ],
    [
      "a user authorized only for other practices",
      { body: fixture("other-practice-only-response.xml") },
      "not-authorized",
      "failed-precondition",
    ],
    [
      "a request Tebra refuses as invalid",
      { body: fixture("validation-error-response.xml") },
      "invalid-request",
      "invalid-argument",
    ],
    [
      "the null-reference error of a missing Filter",
      { body: fixture("missing-filter-null-reference-response.xml") },
      "contract",
      "internal",
    ],
    [
      "an InternalServiceFault (HTTP 500)",
      { status: 500, body: fixture("internal-service-fault.xml") },
      "transient",
      "unavailable",
    ],
    [
      "a ContractFilter mismatch fault",
      { status: 500, body: fixture("contract-filter-mismatch-fault.xml") },
      "contract",
      "internal",
    ],
    [
      "an 'Expecting element' fault",
      { status: 500, body: fixture("expecting-element-fault.xml") },
      "contract",
      "internal",
    ],
    [
      "a gateway's HTML error page (HTTP 502)",
      {
        status: 502,
        body: fixture("gateway-error-page.html"),
        headers: { "Content-Type": "text/html" },
      },
      "transient",
      "unavailable",
    ],
    [
      "an HTML page with HTTP 200",
      { body: fixture("gateway-error-page.html") },
      "transient",
      "unavailable",
    ],
    [
      "a truncated reply",
      { body: fixture("malformed-reply.xml") },
      "transient",
      "unavailable",
    ],
    ["a connection reset", { body: "", reset: true }, "transient", "unavailable"],
    [
      "no answer within the timeout",
      { body: "", hang: true },
      "timeout",
      "deadline-exceeded",
    ],
  ];

  for (const [what, answer, kind, code] of cases) {
    it(`${what} → ${kind} (${code})`, async () => {
      const logs = captureLogs();
      try {
        const error = await failureFor(answer);
        expect(error.kind).toBe(kind);
        expect(error.code).toBe(code);
        expect(error.message).toBe(KIND_TRAITS[error.kind].message);
        expect(JSON.stringify(error.toJSON())).not.toMatch(CANARY);
        expect(logs.text()).not.toMatch(CANARY);
        expect(logs.events()).toContain("tebra.call_failed");
      } finally {
        logs.restore();
      }
    });
  }

  it("reads the interval a throttle names, and falls back to Retry-After", async () => {
    expect(
      (await failureFor({ body: fixture("throttled-error-response.xml") })).retryAfterMs,
    ).toBe(500);
    expect(
      (
        await failureFor({
          status: 429,
          body: "Too many",
          headers: { "Retry-After": "3" },
        })
      ).retryAfterMs,
    ).toBe(3000);
    expect(
      throttleIntervalFrom(
        "requested more than allowed over time interval 1000.5 milliseconds",
      ),
    ).toBe(1001);
    expect(throttleIntervalFrom("Unable to find user.")).toBeNull();
  });

  it("gives a throttled caller the wait in the error's details", async () => {
    const error = await failureFor({ body: fixture("throttled-error-response.xml") });
    expect(error.toJSON()).toEqual({
      status: "RESOURCE_EXHAUSTED",
      message: "Tebra is rate-limiting requests; try again shortly",
      details: { tebra: "throttled", retryAfterMs: 500 },
    });
  });

  it("raises an ALERT for credential, authorization and contract failures", async () => {
    for (const name of [
      "invalid-password-response.xml",
      "not-authorized-response.xml",
      "missing-filter-null-reference-response.xml",
    ]) {
      const logs = captureLogs();
      try {
        await failureFor({ body: fixture(name) });
        const alert = logs.entries.find((e) => e["event"] === "tebra.alert");
        expect(alert?.["severity"]).toBe("ALERT");
      } finally {
        logs.restore();
      }
    }
  });

  it("does not alert for a throttle or an outage", async () => {
    const logs = captureLogs();
    try {
      await failureFor({ body: fixture("throttled-error-response.xml") });
      await failureFor({ status: 503, body: "" });
      expect(logs.events()).not.toContain("tebra.alert");
    } finally {
      logs.restore();
    }
  });

  it("answers not-found when Tebra says the record was not found", async () => {
    const error = await failureFor(
      { body: fixture("appointment-not-found-error-response.xml") },
      "getAppointment",
    );
    expect(error.kind).toBe("not-found");
    expect(error.code).toBe("not-found");
  });

  it("checks candidate credentials without dropping the source's or raising an alert", async () => {
    reply = {
      body: fixture("invalid-password-response.xml").replace(
        /GetProviders/g,
        "GetCustomerIdFromKey",
      ),
    };
    let invalidated = 0;
    const { createResilience } = await import("../../../src/tebra/resilience.ts");
    const client = testClient(server.url, {
      resilience: createResilience(NO_RETRY),
      credentials: {
        get: () =>
          Promise.resolve({ customerKey: "source-key", user: "u", password: "p" }),
        invalidate: () => void invalidated++,
      },
    });
    reply = {
      body:
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>' +
        '<GetCustomerIdFromKeyResponse xmlns="http://www.kareo.com/api/schemas/">' +
        "<GetCustomerIdFromKeyResult><CustomerId>0</CustomerId><IsAuthorized>false</IsAuthorized>" +
        "</GetCustomerIdFromKeyResult></GetCustomerIdFromKeyResponse></s:Body></s:Envelope>",
    };
    const logs = captureLogs();
    try {
      const error = await client
        .checkCredentials({ customerKey: "pending-key", user: "u2", password: "p2" })
        .then(
          () => null,
          (e: unknown) => e as TebraError,
        );
      expect(error?.kind).toBe("credentials");
      expect(server.requests.at(-1)!.body).toContain(
        "<CustomerKey>pending-key</CustomerKey>",
      );
      expect(invalidated).toBe(0);
      expect(logs.events()).not.toContain("tebra.alert");
      await client.checkCredentials().catch(() => undefined);
      expect(invalidated).toBe(1);
      expect(logs.events()).toContain("tebra.alert");
    } finally {
      logs.restore();
    }
  });

  it("answers not-found for a patient Tebra does not have (Patient nil)", async () => {
    const error = await failureFor(
      { body: fixture("get-patient-response-not-found.xml") },
      "getPatient",
    );
    expect(error.kind).toBe("not-found");
    expect(error.code).toBe("not-found");
  });
});

describe("TebraError", () => {
  it("has one HttpsError code and a fixed message per kind", () => {
    for (const kind of TEBRA_ERROR_KINDS) {
      const error = new TebraError(kind, { reason: "x" });
      expect(error.code).toBe(KIND_TRAITS[kind].code);
      expect(error.message).toBe(KIND_TRAITS[kind].message);
      expect(error.toJSON().details).toEqual({ tebra: kind });
    }
  });

  it("says the kill switch is off in exactly those words", () => {
    expect(new TebraError("switched-off").message).toBe("Tebra access is switched off");
    expect(new TebraError("switched-off").code).toBe("unavailable");
  });

  it("maps network error codes without keeping their messages", () => {
    const reset = Object.assign(new Error("socket hang up near Jane Canary"), {
      code: "ECONNRESET",
    });
    const error = classifyNetworkError("GetPatient", reset);
    expect(error.kind).toBe("transient");
    expect(error.reason).toBe("ECONNRESET");
    expect(JSON.stringify(error)).not.toMatch(CANARY);
    const tls = Object.assign(new Error("x"), { code: "ERR_TLS_SPKI_PIN_MISMATCH" });
    expect(classifyNetworkError("GetPatient", tls).kind).toBe("tls");
  });
});
