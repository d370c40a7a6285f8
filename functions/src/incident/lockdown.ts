// The incident lockdown: one step that an admin takes when the clinic's data may be at
// risk, and its reverse. Starting it
//   1. turns every Tebra call off and marks the lockdown in `config/runtime`
//      ({tebraEnabled: false, lockdown: {active, since, by, reasonCode}}): the Tebra client
//      refuses calls while `tebraEnabled` is false, and the guard refuses everyone but
//      admins while `lockdown.active` (both re-read it within ten seconds);
//   2. ends every user's sessions but the caller's (sessions.ts), so that everyone signs in
//      again once it is over, and nobody but an admin can until then;
//   3. raises a high-severity security alert and logs `incident.lockdown_started`.
// The callable wrapper records the call itself in the audit trail (severity high).
// Starting it again while it is active keeps the original start and revokes again (a run
// cut short can be completed). Ending it restores Tebra to what it was before, unless the
// admin says otherwise, and leaves the record of the lockdown in place.
import { HttpsError } from "firebase-functions/https";
import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { lockdownState } from "../identity/guard.ts";
import { RUNTIME_CONFIG_DOC } from "../identity/lockdown.ts";
import * as logs from "../logs.ts";
import { KILL_SWITCH_FIELD } from "../tebra/killSwitch.ts";
import { upsertAlerts } from "./securityAlerts.ts";
import { revokeAllSessions, type SessionAuth } from "./sessions.ts";

/** Why a lockdown was started: codes only, so that no free text (or PHI) is stored. */
export const LOCKDOWN_REASONS = [
  "suspected-breach",
  "credential-compromise",
  "malware",
  "lost-device",
  "insider-misuse",
  "vendor-incident",
  "drill",
  "other",
] as const;
export type LockdownReason = (typeof LOCKDOWN_REASONS)[number];

export const startLockdownInput = z.strictObject({
  reasonCode: z.enum(LOCKDOWN_REASONS),
  /** Also end the caller's own sessions (default false: the caller keeps theirs). */
  revokeOwnSession: z.boolean().optional(),
});
export type StartLockdownInput = z.output<typeof startLockdownInput>;

export const endLockdownInput = z.strictObject({
  /** Tebra on (true) or off (false) afterwards; by default, as it was before. */
  tebraEnabled: z.boolean().optional(),
});
export type EndLockdownInput = z.output<typeof endLockdownInput>;

export const LOCKDOWN_ALERT_RULE = "lockdown";

interface StoredLockdown {
  active?: boolean;
  since?: Timestamp;
  by?: string;
  reasonCode?: string;
  tebraEnabledBefore?: boolean;
  endedAt?: Timestamp;
  endedBy?: string;
}

export interface LockdownDeps {
  db: Firestore;
  auth: SessionAuth;
  now: Date;
}

export interface LockdownStarted {
  active: true;
  startedAt: string;
  startedBy: string;
  reasonCode: string;
  revokedSessions: number;
  revokeFailures: number;
  alertId: string;
}

export interface LockdownEnded {
  active: false;
  startedAt: string;
  endedAt: string;
  endedBy: string;
  tebraEnabled: boolean;
}

export async function startLockdown(
  deps: LockdownDeps,
  callerUid: string,
  input: StartLockdownInput,
): Promise<LockdownStarted> {
  const { db, now } = deps;
  const ref = db.doc(RUNTIME_CONFIG_DOC);
  const lockdown = await db.runTransaction(async (tx) => {
    const current = (await tx.get(ref)).data() ?? {};
    const existing = current["lockdown"] as StoredLockdown | undefined;
    const next: StoredLockdown =
      existing?.active === true
        ? { ...existing }
        : {
            active: true,
            since: Timestamp.fromDate(now),
            by: callerUid,
            reasonCode: input.reasonCode,
            tebraEnabledBefore: current[KILL_SWITCH_FIELD] !== false,
          };
    tx.set(
      ref,
      {
        [KILL_SWITCH_FIELD]: false,
        lockdown: next,
        updatedAt: FieldValue.serverTimestamp(),
        updatedBy: callerUid,
      },
      { mergeFields: [KILL_SWITCH_FIELD, "lockdown", "updatedAt", "updatedBy"] },
    );
    return next;
  });
  lockdownState.forget();

  const sessions = await revokeAllSessions(deps.auth, db, {
    except: input.revokeOwnSession ? null : callerUid,
    now,
  });

  const since = lockdown.since!.toDate();
  const [alert] = await upsertAlerts(db, [
    {
      rule: LOCKDOWN_ALERT_RULE,
      severity: "high",
      subjectUid: lockdown.by ?? callerUid,
      bucket: since.toISOString(),
      window: { from: since, to: now },
      count: sessions.revoked,
      eventIds: [],
      raisedBy: "startLockdown",
      reasonCode: lockdown.reasonCode ?? input.reasonCode,
    },
  ]);
  logs.lockdownStarted({
    by: callerUid,
    reasonCode: lockdown.reasonCode ?? input.reasonCode,
    sessionsRevoked: sessions.revoked,
    revokeFailures: sessions.failed,
  });
  return {
    active: true,
    startedAt: since.toISOString(),
    startedBy: lockdown.by ?? callerUid,
    reasonCode: lockdown.reasonCode ?? input.reasonCode,
    revokedSessions: sessions.revoked,
    revokeFailures: sessions.failed,
    alertId: alert!.id,
  };
}

export async function endLockdown(
  deps: LockdownDeps,
  callerUid: string,
  input: EndLockdownInput,
): Promise<LockdownEnded> {
  const { db, now } = deps;
  const ref = db.doc(RUNTIME_CONFIG_DOC);
  const ended = await db.runTransaction(async (tx) => {
    const current = (await tx.get(ref)).data() ?? {};
    const existing = current["lockdown"] as StoredLockdown | undefined;
    if (existing?.active !== true) {
      throw new HttpsError("failed-precondition", "No lockdown is active", {
        reason: "no-lockdown",
      });
    }
    const tebraEnabled = input.tebraEnabled ?? existing.tebraEnabledBefore ?? true;
    const next: StoredLockdown = {
      ...existing,
      active: false,
      endedAt: Timestamp.fromDate(now),
      endedBy: callerUid,
    };
    tx.set(
      ref,
      {
        [KILL_SWITCH_FIELD]: tebraEnabled,
        lockdown: next,
        updatedAt: FieldValue.serverTimestamp(),
        updatedBy: callerUid,
      },
      { mergeFields: [KILL_SWITCH_FIELD, "lockdown", "updatedAt", "updatedBy"] },
    );
    return { lockdown: next, tebraEnabled };
  });
  lockdownState.forget();
  logs.lockdownEnded(callerUid, ended.tebraEnabled);
  return {
    active: false,
    startedAt: ended.lockdown.since?.toDate().toISOString() ?? "",
    endedAt: now.toISOString(),
    endedBy: callerUid,
    tebraEnabled: ended.tebraEnabled,
  };
}
