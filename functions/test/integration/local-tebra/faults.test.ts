import { XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../dev/local-tebra/server.ts";
import { call, faultOf, resultOf, value } from "./support.ts";

let tebra: LocalTebra;

beforeAll(async () => {
  tebra = await startLocalTebra({ port: 0, rateScale: 0 });
});
beforeEach(() => tebra.reset());
afterAll(() => tebra.close());

const throttles = () => call(tebra.url, "GetThrottles", "get-throttles.xml");
const patient = () =>
  call(tebra.url, "GetPatient", "get-patient.xml", { PatientId: 10001 });

function securityResult(reply: Awaited<ReturnType<typeof call>>, operation: string) {
  const s = resultOf(reply, operation).SecurityResponse;
  return {
    Authenticated: value(s.Authenticated),
    Authorized: value(s.Authorized),
    SecurityResult: value(s.SecurityResult),
  };
}

describe("fault injection", () => {
  it("delays a reply by the injected latency and answers it normally", async () => {
    tebra.faults.inject({
      kind: "latency",
      ms: 150,
      operation: "GetThrottles",
      times: 1,
    });
    const started = performance.now();
    const reply = await throttles();
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(reply.status).toBe(200);
    expect(tebra.calls.list().at(-1)).toMatchObject({
      outcome: "ok",
      injected: "latency",
    });
  });

  it("answers an InternalServiceFault for the given number of calls, then recovers", async () => {
    tebra.faults.inject({ kind: "soap-fault", operation: "GetPatient", times: 1 });
    const faulted = await patient();
    expect(faulted.status).toBe(500);
    expect(faultOf(faulted)).toMatchObject({ code: "InternalServiceFault" });
    expect(faultOf(faulted).text).toContain(
      "unable to process the request due to an internal error",
    );
    expect((await patient()).status).toBe(200);
  });

  it("answers an HTTP 5xx with an HTML page", async () => {
    tebra.faults.inject({ kind: "http-error", status: 502, times: 1 });
    const reply = await throttles();
    expect(reply.status).toBe(502);
    expect(reply.contentType).toBe("text/html");
    expect(reply.text).toContain("<HTML>");
    tebra.faults.inject({ kind: "http-error", times: 1 });
    expect((await throttles()).status).toBe(503);
  });

  it("answers a reply that is cut off mid-element", async () => {
    tebra.faults.inject({ kind: "malformed-xml", times: 1 });
    const reply = await patient();
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe("text/xml; charset=utf-8");
    expect(reply.text).toContain("<GetPatientResponse");
    expect(XMLValidator.validate(reply.text)).not.toBe(true);
  });

  it("resets the connection without a reply", async () => {
    tebra.faults.inject({ kind: "connection-reset", times: 1 });
    await expect(throttles()).rejects.toThrow();
    expect(tebra.calls.list().at(-1)).toMatchObject({
      outcome: "reset",
      httpStatus: null,
    });
    expect((await throttles()).status).toBe(200);
  });

  it("never answers a hung call, so the client's timeout fires", async () => {
    tebra.faults.inject({ kind: "hang", times: 1 });
    const hung = fetch(tebra.url, {
      method: "POST",
      headers: {
        "Content-Type": "text/xml; charset=utf-8",
        SOAPAction: '"http://www.kareo.com/api/schemas/KareoServices/GetThrottles"',
      },
      body: "<x/>",
      signal: AbortSignal.timeout(300),
    });
    await expect(hung).rejects.toThrow(/timeout|abort/i);
  });

  it("throttles with Tebra's message, naming the documented interval when none is in force", async () => {
    tebra.faults.inject({ kind: "throttle", operation: "GetPatient", times: 1 });
    const result = resultOf(await patient(), "GetPatient");
    expect(value(result.ErrorResponse.IsError)).toBe("true");
    expect(value(result.ErrorResponse.ErrorMessage)).toBe(
      "429: GetPatient endpoint requested more than allowed over time interval 250 " +
        "milliseconds. Please wait to try again.",
    );
  });

  it("throttles with HTTP 429 when asked to", async () => {
    const limited = await startLocalTebra({ port: 0, rateScale: 1 });
    try {
      limited.faults.inject({ kind: "throttle", style: "http-429", times: 1 });
      const reply = await call(limited.url, "GetAppointments", "get-appointments.xml", {
        StartDate: "2026-03-08",
        EndDate: "2026-03-08",
      });
      expect(reply.status).toBe(429);
      expect(reply.headers.get("retry-after")).toBe("1");
      expect(reply.text).toContain(
        "GetAppointments endpoint requested more than allowed over time interval 1000 milliseconds",
      );
    } finally {
      await limited.close();
    }
  });

  it.each([
    [
      "invalid-credentials",
      { Authenticated: "false", SecurityResult: "Invalid user name and/or password" },
    ],
    ["unknown-user", { Authenticated: "false", SecurityResult: "Unable to find user." }],
    ["not-authorized", { Authenticated: "true", Authorized: "false" }],
  ] as const)("answers %s even for the right credentials", async (kind, expected) => {
    tebra.faults.inject({ kind, times: 1 });
    expect(securityResult(await patient(), "GetPatient")).toMatchObject(expected);
    expect(securityResult(await patient(), "GetPatient")).toMatchObject({
      Authorized: "true",
    });
  });

  it("applies a fault for every operation to each of them, and a named one only to its own", async () => {
    tebra.faults.inject({ kind: "soap-fault", operation: "GetThrottles" });
    expect((await patient()).status).toBe(200);
    expect((await throttles()).status).toBe(500);
    tebra.faults.clear();
    tebra.faults.inject({ kind: "soap-fault" });
    expect((await patient()).status).toBe(500);
    expect((await throttles()).status).toBe(500);
  });
});

describe("the control endpoint", () => {
  const control = async (body: unknown) => {
    const response = await fetch(tebra.controlUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      json: (await response.json()) as Record<string, unknown>,
    };
  };

  it("injects a fault over HTTP and lists it", async () => {
    const injected = await control({
      action: "inject",
      fault: { kind: "soap-fault", operation: "GetPatient", times: 1 },
    });
    expect(injected.json.id).toMatch(/^fault-/);
    const state = (await (await fetch(tebra.controlUrl)).json()) as { faults: unknown[] };
    expect(state.faults).toEqual([
      expect.objectContaining({ kind: "soap-fault", operation: "GetPatient" }),
    ]);
    expect((await patient()).status).toBe(500);
  });

  it("answers the call log and its counts, and clears it", async () => {
    await patient();
    await patient();
    await throttles();
    const log = await control({ action: "calls" });
    expect(log.json.counts).toEqual({ GetPatient: 2, GetThrottles: 1 });
    expect(log.json.calls).toEqual([
      expect.objectContaining({
        seq: 1,
        operation: "GetPatient",
        outcome: "ok",
        httpStatus: 200,
      }),
      expect.objectContaining({ seq: 2, operation: "GetPatient" }),
      expect.objectContaining({ seq: 3, operation: "GetThrottles" }),
    ]);
    await control({ action: "clear-calls" });
    expect((await control({ action: "calls" })).json.counts).toEqual({});
  });

  it("refuses an unknown fault kind with HTTP 400", async () => {
    const reply = await control({ action: "inject", fault: { kind: "meteor" } });
    expect(reply.status).toBe(400);
    expect(tebra.faults.list()).toEqual([]);
  });

  it("resets faults, calls and stored changes", async () => {
    await control({ action: "inject", fault: { kind: "hang" } });
    await control({ action: "reset" });
    expect(tebra.faults.list()).toEqual([]);
    expect(tebra.calls.count()).toBe(0);
    expect((await throttles()).status).toBe(200);
  });
});

describe("the call log", () => {
  it("records each call's operation and how it ended", async () => {
    await patient();
    await call(tebra.url, "GetAppointments", "get-appointments-without-filter.xml");
    await call(
      tebra.url,
      "GetAppointments",
      "get-appointments-practice-id-in-filter.xml",
    );
    await call(tebra.url, "GetPatient", "get-patient.xml", {
      PatientId: 1,
      Password: "x",
    });
    expect(tebra.calls.list().map((c) => [c.operation, c.outcome])).toEqual([
      ["GetPatient", "ok"],
      ["GetAppointments", "error-response"],
      ["GetAppointments", "schema-rejected"],
      ["GetPatient", "security"],
    ]);
    expect(tebra.calls.count("GetAppointments")).toBe(2);
    expect(tebra.calls.counts()).toEqual({ GetPatient: 2, GetAppointments: 2 });
  });
});
