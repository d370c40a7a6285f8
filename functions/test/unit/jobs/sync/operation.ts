// The shared callable wrapper's core (runOperation) with in-memory dependencies: a caller
// from a token the test writes, profiles in a map, a memory rate limiter, and a recorder
// that keeps the events it is given.
import type { AuditRecorder, NewAuditEvent } from "../../../../src/audit/event.ts";
import { validateAuditEvent } from "../../../../src/audit/schema.ts";
import type { OperationDeps, OperationRequest } from "../../../../src/http/callable.ts";
import type { Profile, RequestFacts } from "../../../../src/identity/guard.ts";
import { MemoryRateLimiter } from "../../../../src/limits/limiter.ts";

export const NOW_MS = Date.parse("2026-03-10T15:00:00Z");

export class KeptEvents implements AuditRecorder {
  events: NewAuditEvent[] = [];
  record(event: NewAuditEvent): Promise<string> {
    this.events.push(validateAuditEvent(event));
    return Promise.resolve(`event-${this.events.length}`);
  }
}

const profiles: Record<string, Profile> = {
  "u-staff": { active: true, role: "staff", practiceId: "1" },
  "u-admin": { active: true, role: "admin", practiceId: "1" },
  "u-provider": { active: true, role: "provider", practiceId: "1" },
  "u-auditor": { active: true, role: "auditor", practiceId: "1" },
  "u-other": { active: true, role: "staff", practiceId: "2" },
};

export function operationDeps(recorder: AuditRecorder): OperationDeps {
  return {
    recorder,
    lookups: {
      profile: (uid) => Promise.resolve(profiles[uid]),
      lockdownActive: () => Promise.resolve(false),
    },
    limiter: new MemoryRateLimiter(() => NOW_MS),
    limits: {
      standard: { limit: 100, windowSeconds: 60 },
      search: { limit: 100, windowSeconds: 60 },
      authFailures: { limit: 100, windowSeconds: 900 },
    },
    guardSettings: (now) => ({
      enforceAppCheck: false,
      maxSessionAgeMinutes: 720,
      now: Math.floor(now / 1000),
    }),
    patientAccess: () =>
      Promise.resolve({ allowed: false, breakGlass: false, basis: "none" } as never),
    now: () => NOW_MS,
  };
}

/** A request from `uid`, whose token carries the profile's role and practice. */
export function requestFrom(uid: string, data: unknown): OperationRequest {
  const profile = profiles[uid]!;
  const facts: RequestFacts = {
    uid,
    token: {
      role: profile.role,
      practiceId: profile.practiceId,
      auth_time: Math.floor(NOW_MS / 1000) - 60,
      firebase: { sign_in_second_factor: "phone" },
    },
    hasAppCheck: true,
  };
  return { facts, data, requestId: "req-1" };
}
