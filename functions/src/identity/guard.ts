// Who may call a function at all. Every function that returns or changes PHI requires a
// signed-in user, App Check (unless switched off for the emulator), a role the operation
// allows, a second factor for the PHI roles, a session younger than the configured maximum
// and an active profile. The check is a plain function over the request's facts, so it is
// tested without Firebase; `requireCaller` adapts a callable request to it.
import { HttpsError, type CallableRequest } from "firebase-functions/https";
import { runtimeConfig } from "../config.ts";
import { db } from "../platform/firebase.ts";
import { isRole, type Role } from "./caller.ts";

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
  /** PHI operations also need a second factor and a fresh session. */
  phi: boolean;
}

/** Why a caller was refused: a code the app can act on, carried in HttpsError details. */
export type RefusalReason =
  | "signed-out"
  | "app-check-missing"
  | "no-role"
  | "role-not-allowed"
  | "second-factor-required"
  | "session-expired"
  | "inactive-profile";

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

export interface Profile {
  active: boolean;
  role?: string;
}

function secondFactorOf(token: Readonly<Record<string, unknown>>): boolean {
  const firebase = token["firebase"] as { sign_in_second_factor?: unknown } | undefined;
  return typeof firebase?.sign_in_second_factor === "string";
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

/**
 * Checks the caller against the rule. `profile` is looked up only once the token passes,
 * so a refused call costs no read.
 */
export async function checkCaller(
  facts: RequestFacts,
  rule: GuardRule,
  settings: GuardSettings,
  profile: (uid: string) => Promise<Profile | undefined>,
): Promise<Caller | Refusal> {
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

  const secondFactor = secondFactorOf(token);
  const authTime = typeof token["auth_time"] === "number" ? token["auth_time"] : 0;
  if (rule.phi && PHI_ROLES.includes(role) && !secondFactor) {
    return refuse(
      "unauthenticated",
      "second-factor-required",
      "Sign in with your second factor",
      uid,
      role,
    );
  }
  if (rule.phi && settings.now - authTime > settings.maxSessionAgeMinutes * 60) {
    return refuse(
      "unauthenticated",
      "session-expired",
      "Session expired: sign in again",
      uid,
      role,
    );
  }

  const stored = await profile(uid);
  if (!stored?.active || stored.role !== role) {
    return refuse(
      "permission-denied",
      "inactive-profile",
      "Account is not active",
      uid,
      role,
    );
  }

  const practiceId = typeof token["practiceId"] === "string" ? token["practiceId"] : null;
  const caller: Caller = { uid, role, practiceId, secondFactor, authTime };
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

/** The facts of a callable request. */
export function callableFacts(request: CallableRequest<unknown>): RequestFacts {
  const facts: RequestFacts = {
    uid: request.auth?.uid ?? null,
    token: request.auth?.token ?? {},
    hasAppCheck: request.app !== undefined,
  };
  const ip = request.rawRequest?.ip;
  const userAgent = request.rawRequest?.get?.("user-agent");
  if (ip) facts.ip = ip;
  if (userAgent) facts.userAgent = userAgent.slice(0, 200);
  return facts;
}

export async function readProfile(uid: string): Promise<Profile | undefined> {
  const snapshot = await db().doc(`users/${uid}`).get();
  return snapshot.exists ? (snapshot.data() as Profile) : undefined;
}

export function guardSettings(now = Date.now()): GuardSettings {
  const config = runtimeConfig();
  return {
    enforceAppCheck: config.enforceAppCheck,
    maxSessionAgeMinutes: config.maxSessionAgeMinutes,
    now: Math.floor(now / 1000),
  };
}

/** For callables: the caller, or an HttpsError thrown with the refusal's code and reason. */
export async function requireCaller(
  request: CallableRequest<unknown>,
  rule: GuardRule,
): Promise<Caller> {
  const result = await checkCaller(
    callableFacts(request),
    rule,
    guardSettings(),
    readProfile,
  );
  if (isRefusal(result)) throw refusalError(result);
  return result;
}
