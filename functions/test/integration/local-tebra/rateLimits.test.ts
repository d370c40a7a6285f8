/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- replies are read as untyped trees (support.ts) */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../dev/local-tebra/server.ts";
import { call, resultOf, value } from "./support.ts";

let clock = 0;
let tebra: LocalTebra;

beforeAll(async () => {
  // The documented intervals, against a clock the tests move by hand.
  tebra = await startLocalTebra({ port: 0, rateScale: 1, now: () => new Date(clock) });
});
beforeEach(() => {
  tebra.reset();
  clock = Date.parse("2026-06-15T15:00:00Z");
});
afterAll(() => tebra.close());

const patient = (values: Record<string, string | number> = {}) =>
  call(tebra.url, "GetPatient", "get-patient.xml", { PatientId: 10001, ...values });

function errorOf(reply: Awaited<ReturnType<typeof call>>, operation: string) {
  const result = resultOf(reply, operation);
  return {
    IsError: value(result.ErrorResponse.IsError),
    ErrorMessage: value(result.ErrorResponse.ErrorMessage),
    SecurityResponse: value(result.SecurityResponse),
  };
}

describe("the local Tebra's rate limits", () => {
  it("throttles a second GetPatient within 250 ms with Tebra's message and no SecurityResponse", async () => {
    expect(errorOf(await patient(), "GetPatient").IsError).toBe("false");
    clock += 249;
    const throttled = await patient();
    expect(throttled.status).toBe(200);
    expect(errorOf(throttled, "GetPatient")).toEqual({
      IsError: "true",
      ErrorMessage:
        "429: GetPatient endpoint requested more than allowed over time interval 250 " +
        "milliseconds. Please wait to try again.",
      SecurityResponse: null,
    });
    expect(tebra.calls.list().at(-1)?.outcome).toBe("throttled");
  });

  it("lets the call through once the interval has passed since the last accepted one", async () => {
    await patient();
    clock += 100;
    await patient();
    clock += 150;
    expect(errorOf(await patient(), "GetPatient").IsError).toBe("false");
  });

  it("counts each operation separately", async () => {
    await patient();
    const providers = await call(tebra.url, "GetProviders", "get-providers.xml");
    expect(errorOf(providers, "GetProviders").IsError).toBe("false");
  });

  it("counts each account separately", async () => {
    await patient();
    // Another customer key is another account: not throttled, refused for its credentials.
    const other = await patient({ CustomerKey: "another-account" });
    expect(errorOf(other, "GetPatient").IsError).toBe("false");
    expect(value(resultOf(other, "GetPatient").SecurityResponse.CustomerKeyValid)).toBe(
      "false",
    );
  });

  it("answers GetThrottles with the table in force, and limits it to once per 5 s", async () => {
    const reply = await call(tebra.url, "GetThrottles", "get-throttles.xml");
    const details = resultOf(reply, "GetThrottles").ThrottleDetails.ThrottleDetail;
    const table = Object.fromEntries(
      details.map((d: { Endpoint: string; ThrottleTimeMs: string }) => [
        d.Endpoint,
        Number(d.ThrottleTimeMs),
      ]),
    );
    expect(table).toMatchObject({
      GetAppointments: 1000,
      GetPatient: 250,
      GetThrottles: 5000,
    });
    clock += 4999;
    expect(
      errorOf(await call(tebra.url, "GetThrottles", "get-throttles.xml"), "GetThrottles")
        .ErrorMessage,
    ).toContain(
      "GetThrottles endpoint requested more than allowed over time interval 5000 milliseconds",
    );
  });

  it("scales the table for fast tests and reports the scaled intervals", async () => {
    const fast = await startLocalTebra({
      port: 0,
      rateScale: 0.01,
      throttleTable: { GetPatient: 40 },
    });
    try {
      expect(fast.throttleTable()).toMatchObject({
        GetAppointments: 10,
        GetThrottles: 50,
        GetPatient: 40,
      });
      const reply = await call(fast.url, "GetThrottles", "get-throttles.xml");
      const details = resultOf(reply, "GetThrottles").ThrottleDetails.ThrottleDetail;
      expect(details).toContainEqual({
        Endpoint: "GetAppointments",
        ThrottleTimeMs: "10",
      });
    } finally {
      await fast.close();
    }
  });

  it("does not limit GetCustomerIdFromKey", async () => {
    for (let i = 0; i < 3; i++) {
      const reply = await call(
        tebra.url,
        "GetCustomerIdFromKey",
        "get-customer-id-from-key.xml",
      );
      expect(resultOf(reply, "GetCustomerIdFromKey").IsAuthorized).toBe("true");
    }
  });
});
