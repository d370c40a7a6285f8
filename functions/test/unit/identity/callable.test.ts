import functionsTest from "firebase-functions-test";
import { HttpsError } from "firebase-functions/https";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AuditRecorder, NewAuditEvent } from "../../../src/audit/event.ts";
import { validateAuditEvent } from "../../../src/audit/schema.ts";
import {
  callable,
  runOperation,
  type OperationDefinition,
  type OperationDeps,
} from "../../../src/http/callable.ts";
import type { Profile, RequestFacts } from "../../../src/identity/guard.ts";
import type { PatientAccess } from "../../../src/identity/patientAccess.ts";
import { MemoryRateLimiter } from "../../../src/limits/limiter.ts";

const NOW_MS = 1_900_000_000_000;
const NOW = NOW_MS / 1000;

/** Keeps every event it is given, as the trail's schema accepts it; can be told to refuse. */
class FakeRecorder implements AuditRecorder {
  events: NewAuditEvent[] = [];
  failing = false;

  record(event: NewAuditEvent): Promise<string> {
    if (this.failing) return Promise.reject(new Error("audit store down"));
    this.events.push(validateAuditEvent(event));
    return Promise.resolve(`event-${this.events.length}`);
  }
}

const profiles: Record<string, Profile> = {
  "u-staff": { active: true, role: "staff", practiceId: "1" },
  "u-provider": { active: true, role: "provider", practiceId: "1" },
  "u-auditor": { active: true, role: "auditor", practiceId: "1" },
};

let recorder: FakeRecorder;
let lockdown: boolean;
let patientAccess: PatientAccess;
let deps: OperationDeps;

beforeEach(() => {
  recorder = new FakeRecorder();
  lockdown = false;
  patientAccess = { allowed: true, breakGlass: false, basis: "care-relationship" };
  deps = {
    recorder,
    lookups: {
      profile: (uid) => Promise.resolve(profiles[uid]),
      lockdownActive: () => Promise.resolve(lockdown),
    },
    limiter: new MemoryRateLimiter(() => NOW_MS),
    limits: {
      standard: { limit: 3, windowSeconds: 60 },
      search: { limit: 1, windowSeconds: 60 },
      authFailures: { limit: 4, windowSeconds: 900 },
    },
    guardSettings: (now) => ({
      enforceAppCheck: false,
      maxSessionAgeMinutes: 720,
      now: Math.floor(now / 1000),
    }),
    patientAccess: () => Promise.resolve(patientAccess),
    now: () => NOW_MS,
  };
});

function tokenFor(role: string, extra: Record<string, unknown> = {}) {
  return {
    role,
    practiceId: "1",
    auth_time: NOW - 60,
    firebase: { sign_in_second_factor: "phone" },
    ...extra,
  };
}

function facts(uid: string | null, token: Record<string, unknown> = {}): RequestFacts {
  return { uid, token, hasAppCheck: true, ip: "203.0.113.7", userAgent: "vitest" };
}

const staff = () => facts("u-staff", tokenFor("staff"));
const provider = () => facts("u-provider", tokenFor("provider"));

let calls = 0;
const getAppointment: OperationDefinition<
  z.ZodObject<{ appointmentId: z.ZodString }>,
  Record<string, unknown>
> = {
  name: "getAppointment",
  input: z.strictObject({ appointmentId: z.string().regex(/^\d+$/) }),
  async handle(input, context) {
    calls += 1;
    context.audit.entityId = input.appointmentId;
    await context.authorizePatient("501");
    return {
      appointmentId: input.appointmentId,
      patientId: "501",
      patientName: "Testpatient, Alpha",
      status: "roomed",
      notes: "canary-note",
      internalScore: 42,
    };
  },
};

function failingWith(error: Error): typeof getAppointment {
  return { ...getAppointment, handle: () => Promise.reject(error) };
}

async function call(
  request: RequestFacts,
  data: unknown = { appointmentId: "9001" },
  definition = getAppointment,
) {
  return runOperation(definition, { facts: request, data, requestId: "req-1" }, deps);
}

async function refusal(promise: Promise<unknown>): Promise<HttpsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HttpsError);
    return error as HttpsError;
  }
  throw new Error("the call was not refused");
}

describe("runOperation: a successful call", () => {
  it("answers the reply projected for the role and records one success event", async () => {
    calls = 0;
    const reply = await call(staff());
    expect(reply).toEqual({
      appointmentId: "9001",
      patientId: "501",
      patientName: "Testpatient, Alpha",
      status: "roomed",
    });
    expect(calls).toBe(1);
    expect(recorder.events).toHaveLength(1);
    expect(recorder.events[0]).toEqual({
      action: "read",
      outcome: "success",
      agent: {
        uid: "u-staff",
        role: "staff",
        kind: "user",
        breakGlass: false,
        identifiedBy: "token",
        ip: "203.0.113.7",
        userAgent: "vitest",
      },
      entity: {
        type: "appointment",
        id: "9001",
        fields: ["appointmentId", "patientId", "patientName", "status"],
      },
      patientIds: ["501"],
      purposeOfUse: "HOPERAT",
      source: { function: "getAppointment", requestId: "req-1" },
      severity: "normal",
    });
  });

  it("shows a provider the clinical fields, recorded as treatment", async () => {
    const reply = await call(provider());
    expect(reply).toMatchObject({ notes: "canary-note" });
    expect(reply).not.toHaveProperty("internalScore");
    expect(recorder.events[0]).toMatchObject({ purposeOfUse: "TREAT" });
    expect(recorder.events[0]!.entity.fields).toContain("notes");
  });

  it("marks an access allowed only by break-glass: ETREAT, high severity", async () => {
    patientAccess = {
      allowed: true,
      breakGlass: true,
      basis: "break-glass",
      grantId: "g1",
    };
    await call(provider());
    expect(recorder.events[0]).toMatchObject({
      outcome: "success",
      agent: { breakGlass: true },
      purposeOfUse: "ETREAT",
      severity: "high",
    });
  });

  it("adds every patientId in the reply to the event, even those the handler did not note", async () => {
    const listing: typeof getAppointment = {
      ...getAppointment,
      name: "getSchedule",
      input: z.strictObject({ appointmentId: z.string() }),
      handle: () =>
        Promise.resolve({
          date: "2030-01-01",
          appointments: [{ patientId: "501" }, { patientId: 502 }, { patientId: "501" }],
        }),
    };
    await call(staff(), { appointmentId: "1" }, listing);
    expect(recorder.events[0]!.patientIds.sort()).toEqual(["501", "502"]);
  });
});

describe("runOperation: refused calls", () => {
  const cases: [string, () => RequestFacts, string, string][] = [
    ["a signed-out caller", () => facts(null), "unauthenticated", "signed-out"],
    [
      "an auditor (no PHI)",
      () => facts("u-auditor", tokenFor("auditor")),
      "permission-denied",
      "role-not-allowed",
    ],
    [
      "staff without a second factor",
      () => facts("u-staff", tokenFor("staff", { firebase: {} })),
      "unauthenticated",
      "second-factor-required",
    ],
    [
      "a stale session",
      () => facts("u-staff", tokenFor("staff", { auth_time: NOW - 721 * 60 })),
      "unauthenticated",
      "session-expired",
    ],
    [
      "a user without a profile",
      () => facts("u-nobody", tokenFor("staff")),
      "permission-denied",
      "inactive-profile",
    ],
  ];

  for (const [who, request, code, reason] of cases) {
    it(`refuses ${who} with ${code}/${reason}, one denied event, no handler run`, async () => {
      calls = 0;
      const error = await refusal(call(request()));
      expect(error.code).toBe(code);
      expect(error.details).toEqual({ reason });
      expect(calls).toBe(0);
      expect(recorder.events).toHaveLength(1);
      expect(recorder.events[0]).toMatchObject({
        outcome: "denied",
        outcomeReason: reason,
        source: { function: "getAppointment" },
      });
      expect(recorder.events[0]!.entity.fields).toBeUndefined();
    });
  }

  it("refuses staff during a lockdown, without counting it against them", async () => {
    lockdown = true;
    for (let i = 0; i < 6; i += 1) {
      const error = await refusal(call(staff()));
      expect(error.details).toEqual({ reason: "lockdown" });
    }
    expect(recorder.events.map((event) => event.outcomeReason)).toEqual(
      Array(6).fill("lockdown"),
    );
  });

  it("refuses invalid input as invalid-argument naming the field, recorded as denied", async () => {
    calls = 0;
    const error = await refusal(call(staff(), { appointmentId: "Robert'); DROP" }));
    expect(error.code).toBe("invalid-argument");
    expect(error.message).toContain("appointmentId");
    expect(error.message).not.toContain("DROP");
    expect(calls).toBe(0);
    expect(recorder.events).toHaveLength(1);
    expect(recorder.events[0]).toMatchObject({
      outcome: "denied",
      outcomeReason: "invalid-argument",
    });
  });

  it("refuses a patient outside the care relationship, naming the patient in the event", async () => {
    patientAccess = { allowed: false, breakGlass: false, basis: "no-care-relationship" };
    const error = await refusal(call(staff()));
    expect(error.code).toBe("permission-denied");
    expect(error.details).toEqual({ reason: "no-care-relationship" });
    expect(recorder.events).toEqual([
      expect.objectContaining({
        outcome: "denied",
        outcomeReason: "no-care-relationship",
        patientIds: ["501"],
        entity: { type: "appointment", id: "9001" },
      }),
    ]);
  });
});

describe("runOperation: rate limits", () => {
  it("answers resource-exhausted with retryAfterSeconds once a user passes the limit", async () => {
    for (let i = 0; i < 3; i += 1) await call(staff());
    const error = await refusal(call(staff()));
    expect(error.code).toBe("resource-exhausted");
    expect(error.details).toMatchObject({ reason: "rate-limited" });
    expect(
      (error.details as { retryAfterSeconds: number }).retryAfterSeconds,
    ).toBeGreaterThan(0);
    expect(recorder.events).toHaveLength(4);
    expect(recorder.events[3]).toMatchObject({
      outcome: "denied",
      outcomeReason: "rate-limited",
    });
  });

  it("counts each user separately", async () => {
    for (let i = 0; i < 3; i += 1) await call(staff());
    await expect(call(provider())).resolves.toBeDefined();
  });

  it("locks out a uid after repeated refusals, even for a call that would pass", async () => {
    const noSecondFactor = () => facts("u-staff", tokenFor("staff", { firebase: {} }));
    for (let i = 0; i < 4; i += 1) await refusal(call(noSecondFactor()));
    const error = await refusal(call(staff()));
    expect(error.code).toBe("resource-exhausted");
    expect(error.details).toMatchObject({ reason: "too-many-refusals" });
    expect(recorder.events).toHaveLength(5);
    // Another user is not affected.
    await expect(call(provider())).resolves.toBeDefined();
  });

  it("locks out a signed-out address after repeated refusals", async () => {
    for (let i = 0; i < 4; i += 1) await refusal(call(facts(null)));
    const error = await refusal(call(facts(null)));
    expect(error.details).toMatchObject({ reason: "too-many-refusals" });
    const elsewhere = { ...facts(null), ip: "198.51.100.1" };
    expect((await refusal(call(elsewhere))).details).toEqual({ reason: "signed-out" });
  });
});

describe("runOperation: failures and the audit trail failing", () => {
  it("records a handler's HttpsError as failed and passes it on", async () => {
    const error = await refusal(
      call(
        staff(),
        undefined,
        failingWith(new HttpsError("not-found", "No such appointment")),
      ),
    );
    expect(error.code).toBe("not-found");
    expect(recorder.events).toEqual([
      expect.objectContaining({ outcome: "failed", outcomeReason: "not-found" }),
    ]);
  });

  it("answers internal, with nothing of the cause, for any other error", async () => {
    const error = await refusal(
      call(staff(), undefined, failingWith(new Error("Testpatient, Alpha 1980-01-02"))),
    );
    expect(error.code).toBe("internal");
    expect(
      JSON.stringify({ message: error.message, details: error.details }),
    ).not.toMatch(/Testpatient|1980/);
    expect(recorder.events[0]).toMatchObject({
      outcome: "failed",
      outcomeReason: "internal",
    });
  });

  it("returns no reply when the success event cannot be stored", async () => {
    recorder.failing = true;
    calls = 0;
    const error = await refusal(call(staff()));
    expect(calls).toBe(1);
    expect(error.code).toBe("unavailable");
    expect(JSON.stringify(error.toJSON())).not.toContain("Testpatient");
  });

  it("still refuses with the original error when a denial cannot be recorded", async () => {
    recorder.failing = true;
    const error = await refusal(call(facts(null)));
    expect(error.code).toBe("unauthenticated");
  });
});

describe("callable (the onCall adapter)", () => {
  const fft = functionsTest({ projectId: "demo-tebra-bridge" });
  afterAll(() => fft.cleanup());

  it("takes the uid, token and App Check state from the callable request", async () => {
    const wrapped = fft.wrap(callable(getAppointment, { deps: () => deps }));
    const reply = await wrapped({
      data: { appointmentId: "9001" },
      auth: { uid: "u-staff", token: tokenFor("staff") },
      app: { appId: "web" },
    } as never);
    expect(reply).toMatchObject({
      appointmentId: "9001",
      patientName: "Testpatient, Alpha",
    });
    expect(recorder.events).toHaveLength(1);
    expect(recorder.events[0]!.source.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a request without App Check when the settings enforce it", async () => {
    const enforcing = () => ({
      ...deps,
      guardSettings: (now: number) => ({
        ...deps.guardSettings(now),
        enforceAppCheck: true,
      }),
    });
    const wrapped = fft.wrap(callable(getAppointment, { deps: enforcing }));
    await expect(
      wrapped({
        data: { appointmentId: "9001" },
        auth: { uid: "u-staff", token: tokenFor("staff") },
      } as never),
    ).rejects.toMatchObject({
      code: "unauthenticated",
      details: { reason: "app-check-missing" },
    });
    expect(recorder.events[0]).toMatchObject({ outcomeReason: "app-check-missing" });
  });
});
