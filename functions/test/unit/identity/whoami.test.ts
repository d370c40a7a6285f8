import { beforeEach, describe, expect, it } from "vitest";
import type { AuditRecorder, NewAuditEvent } from "../../../src/audit/event.ts";
import { runOperation, type OperationDeps } from "../../../src/http/callable.ts";
import { whoamiOperation } from "../../../src/identity/whoami.ts";
import { MemoryRateLimiter } from "../../../src/limits/limiter.ts";
import { useDemoParams } from "../../support/demoParams.ts";

const NOW = 1_900_000_000;
const events: NewAuditEvent[] = [];
const recorder: AuditRecorder = {
  record: (event) => {
    events.push(event);
    return Promise.resolve("e");
  },
};

function deps(): OperationDeps {
  return {
    recorder,
    lookups: {
      profile: () => Promise.resolve({ active: true, role: "staff", practiceId: "1" }),
      lockdownActive: () => Promise.resolve(false),
    },
    limiter: new MemoryRateLimiter(() => NOW * 1000),
    limits: {
      standard: { limit: 10, windowSeconds: 60 },
      search: { limit: 10, windowSeconds: 60 },
      authFailures: { limit: 10, windowSeconds: 60 },
    },
    guardSettings: () => ({
      enforceAppCheck: false,
      maxSessionAgeMinutes: 720,
      now: NOW,
    }),
    patientAccess: () => Promise.reject(new Error("not used")),
    now: () => NOW * 1000,
  };
}

function whoami(token: Record<string, unknown>, data: unknown = {}) {
  return runOperation(
    whoamiOperation,
    { facts: { uid: "u-staff", token, hasAppCheck: false }, data, requestId: "r1" },
    deps(),
  );
}

beforeEach(() => {
  events.length = 0;
  useDemoParams();
});

describe("whoami", () => {
  const base = { role: "staff", practiceId: "1", auth_time: NOW - 60 };

  it("answers the role, practice, second factor and when the session ends", async () => {
    const reply = await whoami({ ...base, firebase: { sign_in_second_factor: "phone" } });
    expect(reply).toEqual({
      uid: "u-staff",
      role: "staff",
      practiceId: "1",
      secondFactor: true,
      secondFactorRequired: true,
      authTime: new Date((NOW - 60) * 1000).toISOString(),
      sessionExpiresAt: new Date((NOW - 60 + 720 * 60) * 1000).toISOString(),
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      outcome: "success",
      entity: { type: "user", id: "u-staff" },
    });
  });

  it("answers a user without a second factor or with a stale session, so the app can say so", async () => {
    await expect(whoami(base)).resolves.toMatchObject({ secondFactor: false });
    await expect(whoami({ ...base, auth_time: NOW - 900 * 60 })).resolves.toMatchObject({
      sessionExpiresAt: new Date((NOW - 900 * 60 + 720 * 60) * 1000).toISOString(),
    });
  });

  it("refuses a payload with fields it does not take", async () => {
    await expect(whoami(base, { uid: "someone-else" })).rejects.toMatchObject({
      code: "invalid-argument",
    });
  });

  it("accepts an empty or missing payload", async () => {
    await expect(whoami(base, null)).resolves.toBeDefined();
    await expect(whoami(base, undefined)).resolves.toBeDefined();
  });
});
