// Timeouts, retries, the circuit breaker and the throttle, on a fake clock: no test waits
// for real time. Tebra is replaced by a scripted HTTP client so that every attempt and
// its moment are recorded.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TebraError } from "../../../src/tebra/errors.ts";
import { tebraHealth } from "../../../src/tebra/health.ts";
import { ALWAYS_ENABLED } from "../../../src/tebra/killSwitch.ts";
import {
  createResilience,
  type ResilienceOptions,
} from "../../../src/tebra/resilience.ts";
import { LocalThrottle } from "../../../src/tebra/throttle.ts";
import { captureLogs, fixture, testClient } from "../../support/tebra.ts";

type Step = "ok" | "hang" | TebraError;

const OK: Record<string, string> = {
  GetProviders: "get-providers-response.xml",
  GetPatient: "get-patient-response.xml",
  CreateAppointment: "create-appointment-response.xml",
};

/** node-soap's HTTP client, answering each attempt with the next step of a script. */
function scriptedTebra(steps: Step[]) {
  const calls: { operation: string; at: number }[] = [];
  return {
    calls,
    request(
      _url: string,
      _data: string,
      callback: (error: unknown, response?: unknown, body?: string) => void,
      _headers: unknown,
      options: { tebraOperation: string; signal?: AbortSignal },
    ) {
      calls.push({ operation: options.tebraOperation, at: Date.now() });
      const step = steps.shift() ?? "ok";
      if (step === "hang") return;
      if (step instanceof TebraError) {
        setImmediate(() => callback(step));
        return;
      }
      const body = fixture(OK[options.tebraOperation]!);
      setImmediate(() => callback(null, { status: 200 }, body));
    },
  };
}

const transient = () => new TebraError("transient", { reason: "http" });

const OPTIONS: ResilienceOptions = {
  timeoutMs: 5_000,
  retries: 2,
  initialDelayMs: 200,
  maxDelayMs: 4_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 30_000,
};

function client(steps: Step[], options: Partial<ResilienceOptions> = {}) {
  const tebra = scriptedTebra(steps);
  const resilience = createResilience({ ...OPTIONS, ...options });
  const throttle = new LocalThrottle({ marginMs: 250 });
  return {
    tebra,
    resilience,
    throttle,
    client: testClient("http://127.0.0.1:9/x", {
      httpClient: tebra,
      resilience,
      throttle,
      killSwitch: ALWAYS_ENABLED,
    }),
  };
}

/** Runs a call to completion on the fake clock and answers its outcome. */
async function settle<T>(promise: Promise<T>): Promise<T | TebraError> {
  let done = false;
  const outcome = promise.then(
    (value) => value,
    (error: unknown) => error as TebraError,
  );
  void outcome.finally(() => (done = true));
  for (let waited = 0; !done && waited < 120_000; waited += 10) {
    await vi.advanceTimersByTimeAsync(10);
  }
  return outcome;
}

let logs: ReturnType<typeof captureLogs>;
beforeEach(async () => {
  // Build node-soap's client once on real timers so later calls need no file I/O.
  await testClient("http://127.0.0.1:9/x").ready();
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: 0 });
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  vi.useRealTimers();
});

describe("retries", () => {
  it("retry a read after transient failures, with jittered exponential delays", async () => {
    const { client: c, tebra } = client([transient(), transient(), "ok"]);
    const providers = await settle(c.getProviders());
    expect(Array.isArray(providers)).toBe(true);
    expect(tebra.calls).toHaveLength(3);
    const delays = [
      tebra.calls[1]!.at - tebra.calls[0]!.at,
      tebra.calls[2]!.at - tebra.calls[1]!.at,
    ];
    for (const delay of delays) {
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(OPTIONS.maxDelayMs + 250);
    }
  });

  it("give up after the last retry with `unavailable`", async () => {
    const { client: c, tebra } = client([transient(), transient(), transient()]);
    const error = await settle(c.getProviders());
    expect(error).toBeInstanceOf(TebraError);
    expect((error as TebraError).code).toBe("unavailable");
    expect(tebra.calls).toHaveLength(3);
  });

  it("never retry a create, even after a transient failure", async () => {
    const { client: c, tebra } = client([transient(), "ok"]);
    const error = await settle(
      c.createAppointment({
        patientId: "10689",
        serviceLocationId: "201",
        startTime: "2026-03-13T15:00:00Z",
        endTime: "2026-03-13T15:30:00Z",
      }),
    );
    expect((error as TebraError).kind).toBe("transient");
    expect(tebra.calls).toHaveLength(1);
  });

  it("say a timed-out create may have been applied, and not retry it", async () => {
    const { client: c, tebra } = client(["hang", "ok"]);
    const error = (await settle(
      c.createAppointment({
        patientId: "10689",
        serviceLocationId: "201",
        startTime: "2026-03-13T15:00:00Z",
        endTime: "2026-03-13T15:30:00Z",
      }),
    )) as TebraError;
    expect(error.code).toBe("deadline-exceeded");
    expect(error.details).toEqual({ tebra: "timeout", outcomeUnknown: true });
    expect(tebra.calls).toHaveLength(1);
  });

  it("time out each attempt of a read and retry it", async () => {
    const { client: c, tebra } = client(["hang", "ok"]);
    const patient = await settle(c.getPatient("10689"));
    expect(patient).toMatchObject({ patientId: "10689" });
    expect(tebra.calls).toHaveLength(2);
    expect(tebra.calls[1]!.at - tebra.calls[0]!.at).toBeGreaterThanOrEqual(
      OPTIONS.timeoutMs,
    );
  });

  it("do not retry what a retry cannot fix (credentials, invalid requests)", async () => {
    for (const kind of ["credentials", "invalid-request", "not-authorized"] as const) {
      const { client: c, tebra } = client([new TebraError(kind), "ok"]);
      const error = (await settle(c.getProviders())) as TebraError;
      expect(error.kind).toBe(kind);
      expect(tebra.calls).toHaveLength(1);
    }
  });

  it("wait at least the interval a throttled reply names before the next attempt", async () => {
    const throttled = new TebraError("throttled", { retryAfterMs: 1_000 });
    const { client: c, tebra } = client([throttled, "ok"]);
    await settle(c.getProviders());
    expect(tebra.calls).toHaveLength(2);
    // Tebra's 1000 ms, plus the throttle's margin once the slot was pushed back.
    expect(tebra.calls[1]!.at - tebra.calls[0]!.at).toBeGreaterThanOrEqual(1_000 + 250);
    expect(logs.events()).toContain("tebra.throttled");
  });
});

describe("the circuit breaker", () => {
  it("opens after consecutive transient failures and then refuses without calling Tebra", async () => {
    const {
      client: c,
      tebra,
      resilience,
    } = client(Array.from({ length: 5 }, transient), { retries: 0 });
    const health = tebraHealth(
      () => resilience.breakerState(),
      () => ALWAYS_ENABLED,
    );
    for (let i = 0; i < 5; i++) await settle(c.getProviders());
    expect(resilience.breakerState()).toBe("open");
    expect(await health.check()).toEqual({ status: "down", detail: "breaker-open" });

    const refused = (await settle(c.getProviders())) as TebraError;
    expect(refused.kind).toBe("circuit-open");
    expect(refused.code).toBe("unavailable");
    expect(tebra.calls).toHaveLength(5);
    expect(
      logs.entries.some(
        (e) => e["event"] === "tebra.breaker_state_changed" && e["state"] === "open",
      ),
    ).toBe(true);
  });

  it("lets a trial call through after the pause and closes when it succeeds", async () => {
    const {
      client: c,
      tebra,
      resilience,
    } = client(Array.from({ length: 5 }, transient), { retries: 0 });
    const health = tebraHealth(
      () => resilience.breakerState(),
      () => ALWAYS_ENABLED,
    );
    for (let i = 0; i < 5; i++) await settle(c.getProviders());
    await vi.advanceTimersByTimeAsync(OPTIONS.halfOpenAfterMs);
    const providers = await settle(c.getProviders());
    expect(Array.isArray(providers)).toBe(true);
    expect(tebra.calls).toHaveLength(6);
    expect(resilience.breakerState()).toBe("closed");
    expect(await health.check()).toEqual({ status: "ok", detail: "breaker-closed" });
  });

  it("is not tripped by refused credentials or throttling", async () => {
    const steps: Step[] = [
      ...Array.from({ length: 6 }, () => new TebraError("credentials")),
      ...Array.from(
        { length: 6 },
        () => new TebraError("throttled", { retryAfterMs: 10 }),
      ),
    ];
    const { client: c, resilience } = client(steps, { retries: 0 });
    for (let i = 0; i < 12; i++) await settle(c.getProviders());
    expect(resilience.breakerState()).toBe("closed");
  });
});

describe("the throttle within one process", () => {
  it("spaces calls of one operation by its interval plus the margin", async () => {
    const { client: c, tebra } = client(["ok", "ok", "ok"]);
    await settle(
      Promise.all([c.getPatient("10689"), c.getPatient("10689"), c.getPatient("10689")]),
    );
    const times = tebra.calls.map((call) => call.at);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(250 + 250);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(250 + 250);
  });

  it("does not hold one operation back for another", async () => {
    const { client: c, tebra } = client(["ok", "ok"]);
    await settle(Promise.all([c.getPatient("10689"), c.getProviders()]));
    expect(Math.abs(tebra.calls[1]!.at - tebra.calls[0]!.at)).toBeLessThan(250);
  });
});
