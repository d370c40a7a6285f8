import { describe, expect, it } from "vitest";
import {
  DOCUMENTED_INTERVALS_MS,
  RateLimiter,
  throttleMessage,
  throttleTable,
} from "../../../dev/local-tebra/throttle.ts";

describe("the rate limits", () => {
  it("uses the guide's intervals at scale 1, scaled otherwise, with overrides on top", () => {
    expect(throttleTable(1).GetAppointments).toBe(1000);
    expect(throttleTable(1).GetPatient).toBe(250);
    expect(throttleTable(0.01).GetThrottles).toBe(50);
    expect(throttleTable(0.01, { GetPatient: 7 }).GetPatient).toBe(7);
    expect(Object.keys(throttleTable(1))).toEqual(Object.keys(DOCUMENTED_INTERVALS_MS));
  });

  it("words the throttle message as Tebra does", () => {
    expect(throttleMessage("GetAppointments", 1000)).toBe(
      "429: GetAppointments endpoint requested more than allowed over time interval " +
        "1000 milliseconds. Please wait to try again.",
    );
  });

  it("refuses a second call inside the interval, per account and operation", () => {
    let now = 0;
    const limiter = new RateLimiter(
      () => ({ GetPatient: 250 }),
      () => now,
    );
    expect(limiter.admit("a", "GetPatient")).toEqual({ allowed: true });
    expect(limiter.admit("a", "GetPatient")).toEqual({ allowed: false, intervalMs: 250 });
    expect(limiter.admit("b", "GetPatient")).toEqual({ allowed: true });
    expect(limiter.admit("a", "GetProviders")).toEqual({ allowed: true });
    now = 249;
    expect(limiter.admit("a", "GetPatient").allowed).toBe(false);
    now = 250;
    expect(limiter.admit("a", "GetPatient").allowed).toBe(true);
  });

  it("does not let refused calls push the window further out", () => {
    let now = 0;
    const limiter = new RateLimiter(
      () => ({ GetPatient: 100 }),
      () => now,
    );
    limiter.admit("a", "GetPatient");
    now = 90;
    expect(limiter.admit("a", "GetPatient").allowed).toBe(false);
    now = 100;
    expect(limiter.admit("a", "GetPatient").allowed).toBe(true);
  });

  it("lets everything through at scale 0", () => {
    const limiter = new RateLimiter(
      () => throttleTable(0),
      () => 0,
    );
    expect(limiter.admit("a", "GetThrottles").allowed).toBe(true);
    expect(limiter.admit("a", "GetThrottles").allowed).toBe(true);
  });
});
