import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "../../../src/limits/limiter.ts";
import {
  authFailureKey,
  limitSettings,
  operationKey,
} from "../../../src/limits/rules.ts";
import {
  decide,
  estimate,
  peek,
  rollTo,
  type LimitRule,
  type WindowState,
} from "../../../src/limits/window.ts";

const MINUTE = 60_000;
const rule: LimitRule = { limit: 10, windowSeconds: 60 };
/** A window boundary, so that offsets below read as "seconds into the window". */
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % MINUTE);

function callsAt(times: number[], r = rule): { state?: WindowState; allowed: boolean[] } {
  let state: WindowState | undefined;
  const allowed: boolean[] = [];
  for (const time of times) {
    const decision = decide(state, time, r);
    allowed.push(decision.allowed);
    state = decision.next;
  }
  return { state, allowed };
}

describe("sliding-window arithmetic", () => {
  it("allows the limit within one window and refuses the next call", () => {
    const { allowed } = callsAt(Array.from({ length: 11 }, (_, i) => T0 + i * 1000));
    expect(allowed.slice(0, 10).every(Boolean)).toBe(true);
    expect(allowed[10]).toBe(false);
  });

  it("does not count a refused call", () => {
    const full = callsAt(Array.from({ length: 10 }, () => T0)).state!;
    const refused = decide(full, T0 + 1, rule);
    expect(refused.allowed).toBe(false);
    expect(refused.next.current).toBe(10);
  });

  it("weights the previous window by how much of it still overlaps", () => {
    const state: WindowState = { windowStart: T0, current: 0, previous: 10 };
    expect(estimate(state, T0, rule)).toBe(10);
    expect(estimate(state, T0 + 15_000, rule)).toBe(7.5);
    expect(estimate(state, T0 + 45_000, rule)).toBe(2.5);
  });

  it("rolls the current window into the previous one, and forgets older ones", () => {
    const state: WindowState = { windowStart: T0, current: 7, previous: 3 };
    expect(rollTo(state, T0 + MINUTE + 5, rule)).toEqual({
      windowStart: T0 + MINUTE,
      current: 0,
      previous: 7,
    });
    expect(rollTo(state, T0 + 2 * MINUTE, rule)).toEqual({
      windowStart: T0 + 2 * MINUTE,
      current: 0,
      previous: 0,
    });
  });

  it("smooths the burst a fixed window would allow at its boundary", () => {
    const lastSecond = Array.from({ length: 10 }, () => T0 + 59_000);
    const { state } = callsAt(lastSecond);
    // One second into the next window, nearly all of the previous window still counts.
    expect(decide(state, T0 + MINUTE + 1000, rule).allowed).toBe(false);
  });

  it("tells a refused caller how long to wait: to the next window when this one is full", () => {
    const { state } = callsAt(Array.from({ length: 10 }, () => T0 + 20_000));
    const refused = decide(state, T0 + 20_000, rule);
    // 40 s to the next window, then 10 % of it before the previous count decays to 9.
    expect(refused.retryAfterSeconds).toBe(47);
    expect(decide(state, T0 + 20_000 + 47_000, rule).allowed).toBe(true);
    expect(decide(state, T0 + 20_000 + 45_000, rule).allowed).toBe(false);
  });

  it("tells a refused caller how long to wait within the window as the past decays", () => {
    const state: WindowState = { windowStart: T0, current: 5, previous: 10 };
    const refused = decide(state, T0 + 10_000, rule);
    expect(refused.allowed).toBe(false);
    // Allowed once 10 × (1 − t/60) ≤ 4, at t = 36 s: 26 s from now.
    expect(refused.retryAfterSeconds).toBe(27);
    expect(decide(state, T0 + 36_001, rule).allowed).toBe(true);
  });

  it("never asks for less than a second", () => {
    const state: WindowState = { windowStart: T0, current: 10, previous: 0 };
    expect(decide(state, T0 + MINUTE - 1, rule).retryAfterSeconds).toBeGreaterThanOrEqual(
      1,
    );
  });

  it("allows a call once the advised wait has passed, for any history (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 600 }),
        fc.array(fc.integer({ min: 0, max: 10 * MINUTE }), {
          minLength: 1,
          maxLength: 120,
        }),
        (limit, windowSeconds, offsets) => {
          const r = { limit, windowSeconds };
          const times = offsets.sort((a, b) => a - b).map((offset) => T0 + offset);
          const { state } = callsAt(times, r);
          const last = times.at(-1)!;
          const decision = decide(state, last, r);
          if (decision.allowed) return decision.retryAfterSeconds === 0;
          const later = decide(state, last + decision.retryAfterSeconds * 1000, r);
          return later.allowed;
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never allows more than twice the limit in any window (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * MINUTE }), {
          minLength: 1,
          maxLength: 200,
        }),
        (offsets) => {
          const times = offsets.sort((a, b) => a - b).map((offset) => T0 + offset);
          let state: WindowState | undefined;
          const allowedAt: number[] = [];
          for (const time of times) {
            const decision = decide(state, time, rule);
            if (decision.allowed) allowedAt.push(time);
            state = decision.next;
          }
          return allowedAt.every(
            (start) =>
              allowedAt.filter((t) => t >= start && t < start + MINUTE).length <=
              2 * rule.limit,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("peeks without counting", () => {
    const state: WindowState = { windowStart: T0, current: 3, previous: 0 };
    const looked = peek(state, T0 + 1, rule);
    expect(looked.allowed).toBe(true);
    expect(looked.next.current).toBe(3);
  });
});

describe("MemoryRateLimiter", () => {
  it("counts per key, with a clock the test moves", async () => {
    let now = T0;
    const limiter = new MemoryRateLimiter(() => now);
    const small = { limit: 2, windowSeconds: 60 };
    expect((await limiter.consume("a", small)).allowed).toBe(true);
    expect((await limiter.consume("a", small)).allowed).toBe(true);
    expect((await limiter.consume("a", small)).allowed).toBe(false);
    expect((await limiter.consume("b", small)).allowed).toBe(true);
    now += 2 * MINUTE;
    expect((await limiter.check("a", small)).allowed).toBe(true);
  });
});

describe("limit settings and keys", () => {
  const config = {
    fieldEncryptionKeySecret: "k",
    breakGlassMaxMinutes: 60,
    careRelationshipDays: 7,
    rateLimitWindowSeconds: 60,
    rateLimitCallsPerWindow: 120,
    rateLimitSearchesPerWindow: 30,
    rateLimitAuthFailuresPerWindow: 20,
    rateLimitAuthFailureWindowSeconds: 900,
  };

  it("reads the parameters into rules, never below one call", () => {
    expect(limitSettings(config)).toEqual({
      standard: { limit: 120, windowSeconds: 60 },
      search: { limit: 30, windowSeconds: 60 },
      authFailures: { limit: 20, windowSeconds: 900 },
    });
    expect(limitSettings({ ...config, rateLimitCallsPerWindow: 0 }).standard.limit).toBe(
      1,
    );
  });

  it("keys calls by operation and user, refusals by user or by a hash of the address", () => {
    expect(operationKey("getSchedule", "u1")).toBe("op:getSchedule:u1");
    expect(authFailureKey("u1", "10.0.0.1")).toBe("auth:uid:u1");
    const byAddress = authFailureKey(null, "10.0.0.1");
    expect(byAddress).toMatch(/^auth:ip:[0-9a-f]{32}$/);
    expect(byAddress).not.toContain("10.0.0.1");
    expect(authFailureKey(null, "10.0.0.2")).not.toBe(byAddress);
  });
});
