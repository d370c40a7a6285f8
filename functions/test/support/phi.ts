// Test wiring for the PHI operations and the HTTPS API without the Functions emulator: the
// shared wrapper's dependencies with an in-memory rate limiter, profiles from a table and
// an audit recorder that keeps (and schema-checks) every event; callers of every role as
// request facts; and the PHI dependencies over any Tebra client.
import type { Firestore } from "firebase-admin/firestore";
import type { AuditRecorder, NewAuditEvent } from "../../src/audit/event.ts";
import { validateAuditEvent } from "../../src/audit/schema.ts";
import type { OperationDeps } from "../../src/http/callable.ts";
import type { Role } from "../../src/identity/caller.ts";
import type { Profile, RequestFacts } from "../../src/identity/guard.ts";
import type { PatientAccess } from "../../src/identity/patientAccess.ts";
import { MemoryRateLimiter } from "../../src/limits/limiter.ts";
import type { PhiDeps, TebraPort } from "../../src/phi/deps.ts";
import { ReferenceCache } from "../../src/phi/reference.ts";

export const PRACTICE_ID = "1";
export const TIME_ZONE = "America/Chicago";

/** Keeps every event it is given, as the trail's schema accepts it; can refuse. */
export class MemoryRecorder implements AuditRecorder {
  events: NewAuditEvent[] = [];
  failing = false;

  record(event: NewAuditEvent): Promise<string> {
    if (this.failing) return Promise.reject(new Error("audit store down"));
    this.events.push(validateAuditEvent(event));
    return Promise.resolve(`event-${this.events.length}`);
  }
}

export function uidOf(role: Role): string {
  return `u-${role}`;
}

export const PROFILES: Record<string, Profile> = Object.fromEntries(
  (["admin", "provider", "staff", "auditor"] as const).map((role) => [
    uidOf(role),
    { active: true, role, practiceId: PRACTICE_ID },
  ]),
);

export interface CallerOptions {
  secondFactor?: boolean;
  /** Minutes since the sign-in. */
  signedInMinutesAgo?: number;
  practiceId?: string;
  now?: number;
}

/** The claims of a caller's ID token, as verifyIdToken decodes them. */
export function tokenFor(
  role: Role,
  options: CallerOptions = {},
): Record<string, unknown> {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  return {
    uid: uidOf(role),
    sub: uidOf(role),
    role,
    practiceId: options.practiceId ?? PRACTICE_ID,
    auth_time: now - (options.signedInMinutesAgo ?? 5) * 60,
    firebase:
      (options.secondFactor ?? true)
        ? { sign_in_provider: "password", sign_in_second_factor: "phone" }
        : { sign_in_provider: "password" },
  };
}

export function factsFor(role: Role, options: CallerOptions = {}): RequestFacts {
  return {
    uid: uidOf(role),
    token: tokenFor(role, options),
    hasAppCheck: true,
    ip: "203.0.113.7",
    userAgent: "vitest",
  };
}

export interface TestOperationDeps extends OperationDeps {
  recorder: MemoryRecorder;
}

/** The wrapper's dependencies: limits high enough for property runs unless overridden. */
export function testOperationDeps(
  overrides: Partial<OperationDeps> = {},
): TestOperationDeps {
  const recorder = new MemoryRecorder();
  const allowed: PatientAccess = {
    allowed: true,
    breakGlass: false,
    basis: "care-relationship",
  };
  return {
    recorder,
    lookups: {
      profile: (uid) => Promise.resolve(PROFILES[uid]),
      lockdownActive: () => Promise.resolve(false),
    },
    limiter: new MemoryRateLimiter(),
    limits: {
      standard: { limit: 1_000_000, windowSeconds: 60 },
      search: { limit: 1_000_000, windowSeconds: 60 },
      authFailures: { limit: 1_000_000, windowSeconds: 900 },
    },
    guardSettings: (now) => ({
      enforceAppCheck: false,
      maxSessionAgeMinutes: 720,
      now: Math.floor(now / 1000),
    }),
    patientAccess: () => Promise.resolve(allowed),
    now: Date.now,
    ...overrides,
  } as TestOperationDeps;
}

/** The PHI dependencies over a Tebra client (a real one to a local Tebra, or a fake). */
export function testPhiDeps(
  tebra: TebraPort,
  firestore: Firestore = unusedFirestore(),
  now: () => Date = () => new Date(),
): PhiDeps {
  return {
    tebra,
    firestore,
    practice: { id: PRACTICE_ID, timeZone: TIME_ZONE },
    reference: new ReferenceCache(),
    now,
  };
}

/** For calls that must never reach Firestore: any use fails the test loudly. */
export function unusedFirestore(): Firestore {
  return new Proxy({} as Firestore, {
    get(_target, property) {
      throw new Error(`Firestore used unexpectedly (${String(property)})`);
    },
  });
}
