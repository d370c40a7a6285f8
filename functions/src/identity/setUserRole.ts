// Callable `setUserRole` (admins): assigns or removes a user's role. The custom claims
// {role, practiceId} are set, the user's refresh tokens are revoked, and the `users/{uid}`
// profile mirrors the claims with `sessionsRevokedAt`, which the guard compares with each
// token's sign-in time: the change applies at the user's next call, not in an hour when the
// old ID token would have expired. Claims are written before the profile, so a failure in
// between leaves them disagreeing, which the guard refuses (closed).
//
// Admins manage users of their own practice, and never their own role (no lockout by
// mistake, no quiet self-escalation).
import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import type { Auth } from "firebase-admin/auth";
import { HttpsError } from "firebase-functions/https";
import { z } from "zod";
import { changedFields } from "../audit/changes.ts";
import { callable, type OperationDefinition } from "../http/callable.ts";
import { auth, db } from "../platform/firebase.ts";
import { ROLES, type Role } from "./caller.ts";
import type { Caller } from "./guard.ts";

/** Firebase uids as the audit trail can name them. */
const UID = /^[A-Za-z0-9_.:=+-]{1,128}$/;
/** Tebra's PracticeID, as a string. */
const PRACTICE_ID = /^[0-9]{1,12}$/;

export const setUserRoleInput = z.strictObject({
  uid: z.string().refine((value) => UID.test(value), "expected a user id"),
  role: z.enum(ROLES).nullable(),
  practiceId: z
    .string()
    .refine((value) => PRACTICE_ID.test(value), "expected a Tebra PracticeID")
    .optional(),
  active: z.boolean().optional(),
  displayName: z.string().trim().min(1).max(100).optional(),
});
export type SetUserRoleInput = z.output<typeof setUserRoleInput>;

export interface SetUserRoleReply {
  uid: string;
  role: Role | null;
  practiceId: string | null;
  active: boolean;
  displayName?: string;
  /** ISO 8601: sessions that signed in before this must sign in again. */
  sessionsRevokedAt: string;
}

export interface SetUserRoleResult {
  reply: SetUserRoleReply;
  /** Profile fields that changed (names only), for the audit event. */
  changed: string[];
}

export interface UserAdminDeps {
  auth: Auth;
  firestore: Firestore;
  now: Date;
}

const MIRRORED = ["role", "practiceId", "active", "displayName"] as const;

function pick(data: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of MIRRORED) if (data?.[key] !== undefined) out[key] = data[key];
  return out;
}

async function existingUser(authClient: Auth, uid: string) {
  try {
    return await authClient.getUser(uid);
  } catch (error) {
    if ((error as { code?: unknown }).code === "auth/user-not-found") {
      throw new HttpsError("not-found", "No such user", { reason: "user-not-found" });
    }
    throw error;
  }
}

export async function assignUserRole(
  caller: Caller,
  input: SetUserRoleInput,
  deps: UserAdminDeps,
): Promise<SetUserRoleResult> {
  if (input.uid === caller.uid) {
    throw new HttpsError("failed-precondition", "Admins cannot change their own role", {
      reason: "self-change",
    });
  }
  const user = await existingUser(deps.auth, input.uid);
  const profileRef = deps.firestore.doc(`users/${input.uid}`);
  const before = (await profileRef.get()).data();

  const currentPractice =
    typeof before?.["practiceId"] === "string" ? before["practiceId"] : null;
  if (currentPractice && currentPractice !== caller.practiceId) {
    throw new HttpsError("permission-denied", "The user belongs to another practice", {
      reason: "other-practice",
    });
  }
  const practiceId = input.practiceId ?? currentPractice ?? caller.practiceId;
  if (practiceId !== caller.practiceId) {
    throw new HttpsError("permission-denied", "practiceId: not the admin's practice", {
      reason: "other-practice",
    });
  }

  const otherClaims = { ...user.customClaims };
  delete otherClaims["role"];
  delete otherClaims["practiceId"];
  const claims = input.role
    ? { ...otherClaims, role: input.role, practiceId }
    : otherClaims;
  await deps.auth.setCustomUserClaims(input.uid, claims);
  await deps.auth.revokeRefreshTokens(input.uid);

  const active = input.role === null ? false : (input.active ?? true);
  const displayName =
    input.displayName ??
    (typeof before?.["displayName"] === "string" ? before["displayName"] : undefined) ??
    user.displayName;
  const mirrored: Record<string, unknown> = { role: input.role, practiceId, active };
  if (displayName) mirrored["displayName"] = displayName;
  await profileRef.set(
    {
      ...mirrored,
      sessionsRevokedAt: Timestamp.fromDate(deps.now),
      updatedAt: FieldValue.serverTimestamp(),
      updatedBy: caller.uid,
    },
    { merge: true },
  );

  const reply: SetUserRoleReply = {
    uid: input.uid,
    role: input.role,
    practiceId,
    active,
    sessionsRevokedAt: deps.now.toISOString(),
  };
  if (displayName) reply.displayName = displayName;
  return {
    reply,
    changed: [...changedFields(pick(before), pick(mirrored)), "sessionsRevokedAt"],
  };
}

export const setUserRoleOperation: OperationDefinition<
  typeof setUserRoleInput,
  SetUserRoleReply
> = {
  name: "setUserRole",
  input: setUserRoleInput,
  async handle(input, { caller, audit, now }) {
    audit.entityId = input.uid;
    const result = await assignUserRole(caller, input, {
      auth: auth(),
      firestore: db(),
      now,
    });
    audit.fieldsWritten.push(...result.changed);
    return result.reply;
  },
};

export const setUserRole = callable(setUserRoleOperation);
