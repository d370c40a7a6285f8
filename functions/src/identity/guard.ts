// Who may call a function at all. Every call needs a signed-in user, App Check (unless
// switched off for the emulator) and a role the operation allows; PHI and administration
// also need a second factor for the PHI roles and a session younger than the configured
// maximum; nobody but an admin gets through during an incident lockdown; and the user's
// profile must be active, match the token's claims and not have had its sessions revoked
// since the token's sign-in. The check is a plain function over the request's facts, so it
// is tested without Firebase; the operation wrapper (http/callable.ts) is its one caller,
// so that every check is also rate-limited and audited.
import { HttpsError, type CallableRequest } from "firebase-functions/https";
import { runtimeConfig } from "../config.ts";
import { db } from "../platform/firebase.ts";
import { isRole, type Role } from "./caller.ts";
import { LockdownState } from "./lockdown.ts";

/** Roles that may see PHI; the auditor sees audit data only. */
export const PHI_ROLES: readonly Role[] = ["admin", "provider", "staff"];

export interface Caller {
  uid: string;
  role: Role;
  practiceId: string | null;
  secondFactor: boolean;
  /** Seconds since the epoch when the user last signed in (the token's auth_time). */
  authTime: number;
  ip?: string;
  userAgent?: string;
}

export interface GuardRule {
  /** The operation's name, for messages and the audit trail. */
  operation: string;
  roles: readonly Role[];
  /** The PHI roles must have signed in with their second factor. */
  secondFactor: boolean;
  /** The session must be younger than the configured maximum. */
  freshSession: boolean;
}

/** Why a caller was refused: a code the app can act on, carried in HttpsError details. */
export type RefusalReason =
  | "signed-out"
  | "app-check-missing"
  | "no-role"
  | "role-not-allowed"
  | "second-factor-required"
  | "session-expired"
  | "lockdown"
  | "inactive-profile"
  | "session-revoked"
  | "profile-mismatch";

export interface Refusal {
  code: "unauthenticated" | "permission-denied";
  reason: RefusalReason;
  message: string;
  /** What we know of the caller, for the audit event of the refusal. */
  uid: string | null;
  role: Role | null;
}

export interface RequestFacts {
  uid: string | null;
  token: Readonly<Record<string, unknown>>;
  hasAppCheck: boolean;
  ip?: string;
  userAgent?: string;
}

export interface GuardSettings {
  enforceAppCheck: boolean;
  maxSessionAgeMinutes: number;
  /** Seconds since the epoch. */
  now: number;
}

/** The `users/{uid}` profile, as far as the guard reads it. */
export interface Profile {
  active: boolean;
  role?: string | null;
  practiceId?: string | null;
  /** Set when an admin changed the user's access; older sign-ins no longer count. */
  sessionsRevokedAt?: { toMillis(): number } | null;
}

export interface GuardLookups {
  profile(uid: string): Promise<Profile | undefined>;
  lockdownActive(): Promise<boolean>;
}

export function secondFactorOf(token: Readonly<Record<string, unknown>>): boolean {
  const firebase = token["firebase"] as { sign_in_second_factor?: unknown } | undefined;
  return typeof firebase?.sign_in_second_factor === "string";
}

export function authTimeOf(token: Readonly<Record<string, unknown>>): number {
  const authTime = token["auth_time"];
  return typeof authTime === "number" && Number.isFinite(authTime) ? authTime : 0;
}

export function practiceIdOf(token: Readonly<Record<string, unknown>>): string | null {
  const practiceId = token["practiceId"];
  return typeof practiceId === "string" && practiceId ? practiceId : null;
}

/** When a session that signed in at `authTime` must sign in again (seconds). */
export function sessionExpiresAt(authTime: number, maxSessionAgeMinutes: number): number {
  return authTime + maxSessionAgeMinutes * 60;
}

function refuse(
  code: Refusal["code"],
  reason: RefusalReason,
  message: string,
  uid: string | null,
  role: Role | null,
): Refusal {
  return { code, reason, message, uid, role };
}

/** The checks the token alone can answer, cheapest first; no reads. */
function checkToken(
  facts: RequestFacts,
  rule: GuardRule,
  settings: GuardSettings,
): Refusal | { uid: string; role: Role } {
  const { uid, token } = facts;
  if (!uid) return refuse("unauthenticated", "signed-out", "Sign in first", null, null);

  const claimed = token["role"];
  const role = isRole(claimed) ? claimed : null;
  if (settings.enforceAppCheck && !facts.hasAppCheck) {
    return refuse(
      "unauthenticated",
      "app-check-missing",
      "App Check token required",
      uid,
      role,
    );
  }
  if (!role) return refuse("permission-denied", "no-role", "No role assigned", uid, null);
  if (!rule.roles.includes(role)) {
    return refuse(
      "permission-denied",
      "role-not-allowed",
      `The ${role} role may not call ${rule.operation}`,
      uid,
      role,
    );
  }
  if (rule.secondFactor && PHI_ROLES.includes(role) && !secondFactorOf(token)) {
    return refuse(
      "unauthenticated",
      "second-factor-required",
      "Sign in with your second factor",
      uid,
      role,
    );
  }
  const expiresAt = sessionExpiresAt(authTimeOf(token), settings.maxSessionAgeMinutes);
  if (rule.freshSession && settings.now > expiresAt) {
    return refuse(
      "unauthenticated",
      "session-expired",
      "Session expired: sign in again",
      uid,
      role,
    );
  }
  return { uid, role };
}

/** The checks that need the profile: active, not revoked since sign-in, same claims. */
function checkProfile(
  stored: Profile | undefined,
  token: Readonly<Record<string, unknown>>,
  uid: string,
  role: Role,
): Refusal | undefined {
  if (!stored?.active) {
    return refuse(
      "permission-denied",
      "inactive-profile",
      "Account is not active",
      uid,
      role,
    );
  }
  const revokedAt = stored.sessionsRevokedAt?.toMillis();
  // Whole seconds, as auth_time is: a sign-in in the second of the revocation counts.
  if (revokedAt !== undefined && authTimeOf(token) < Math.floor(revokedAt / 1000)) {
    return refuse(
      "unauthenticated",
      "session-revoked",
      "Your access changed: sign in again",
      uid,
      role,
    );
  }
  const practiceId = practiceIdOf(token);
  if (stored.role !== role || (stored.practiceId ?? null) !== practiceId) {
    return refuse(
      "unauthenticated",
      "profile-mismatch",
      "Your access changed: sign in again",
      uid,
      role,
    );
  }
  return undefined;
}

/**
 * Checks the caller against the rule. The lockdown flag and the profile are looked up only
 * once the token passes, so a refused call costs no read.
 */
export async function checkCaller(
  facts: RequestFacts,
  rule: GuardRule,
  settings: GuardSettings,
  lookups: GuardLookups,
): Promise<Caller | Refusal> {
  const passed = checkToken(facts, rule, settings);
  if ("reason" in passed) return passed;
  const { uid, role } = passed;

  if (role !== "admin" && (await lookups.lockdownActive())) {
    return refuse(
      "permission-denied",
      "lockdown",
      "Access is suspended during an incident lockdown",
      uid,
      role,
    );
  }

  const profileRefusal = checkProfile(await lookups.profile(uid), facts.token, uid, role);
  if (profileRefusal) return profileRefusal;

  const caller: Caller = {
    uid,
    role,
    practiceId: practiceIdOf(facts.token),
    secondFactor: secondFactorOf(facts.token),
    authTime: authTimeOf(facts.token),
  };
  if (facts.ip) caller.ip = facts.ip;
  if (facts.userAgent) caller.userAgent = facts.userAgent;
  return caller;
}

export function isRefusal(result: Caller | Refusal): result is Refusal {
  return "reason" in result;
}

export function refusalError(refusal: Refusal): HttpsError {
  return new HttpsError(refusal.code, refusal.message, { reason: refusal.reason });
}

/** An address as the audit trail accepts it (IPv4 or IPv6 text), or nothing. */
export function cleanIp(ip: string | undefined): string | undefined {
  return ip && /^[0-9A-Fa-f:.]{2,64}$/.test(ip) ? ip : undefined;
}

/** A user agent cut to 200 printable ASCII characters. */
export function cleanUserAgent(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  return userAgent.replace(/[^\x20-\x7E]/g, "?").slice(0, 200);
}

/** The facts of a callable request. */
export function callableFacts(request: CallableRequest<unknown>): RequestFacts {
  const facts: RequestFacts = {
    uid: request.auth?.uid ?? null,
    token: request.auth?.token ?? {},
    hasAppCheck: request.app !== undefined,
  };
  const ip = cleanIp(request.rawRequest?.ip);
  const userAgent = cleanUserAgent(request.rawRequest?.get?.("user-agent"));
  if (ip) facts.ip = ip;
  if (userAgent) facts.userAgent = userAgent;
  return facts;
}

export async function readProfile(uid: string): Promise<Profile | undefined> {
  const snapshot = await db().doc(`users/${uid}`).get();
  return snapshot.exists ? (snapshot.data() as Profile) : undefined;
}

/** One per instance: its ten-second cache is what keeps the lockdown check cheap. */
export const lockdownState = new LockdownState(db);

export const firestoreLookups: GuardLookups = {
  profile: readProfile,
  lockdownActive: () => lockdownState.active(),
};

export function guardSettings(now = Date.now()): GuardSettings {
  const config = runtimeConfig();
  return {
    enforceAppCheck: config.enforceAppCheck,
    maxSessionAgeMinutes: config.maxSessionAgeMinutes,
    now: Math.floor(now / 1000),
  };
}
