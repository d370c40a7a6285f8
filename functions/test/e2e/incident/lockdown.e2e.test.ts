import { beforeAll, describe, expect, it } from "vitest";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { clearAuth } from "../../support/authEmulator.ts";
import { callCallable, type CallableReply } from "../../support/callable.ts";
import { PROJECT_ID, functionsBaseUrl } from "../../support/emulators.ts";
import { sessionsFor, type RoleSessions } from "../../support/users.ts";
import { signIn } from "../../../dev/auth-emulator.ts";
import { TEST_PASSWORD } from "../../support/users.ts";

let baseUrl: string;
let admin: RoleSessions;
let auditor: RoleSessions;
let staff: RoleSessions;

beforeAll(async () => {
  baseUrl = await functionsBaseUrl();
  await clearAuth(PROJECT_ID);
  await clearFirestore();
  admin = await sessionsFor("admin", "lck");
  auditor = await sessionsFor("auditor", "lck");
  staff = await sessionsFor("staff", "lck");
});

async function auditEventsOf(name: string) {
  const snapshot = await adminDb()
    .collection("auditEvents")
    .where("source.function", "==", name)
    .get();
  return snapshot.docs.map((doc) => doc.data());
}

/**
 * Calls until the reply is as expected; on timeout, fails showing the last reply.
 * Polls every two seconds: while the guard's ten-second lockdown cache catches up, the
 * revoked session is refused as such, and those refusals count towards the lockout of
 * twenty per window. A faster poll locks the auditor out before the test can sign in.
 */
async function until(
  call: () => Promise<CallableReply>,
  done: (reply: CallableReply) => boolean,
  timeoutMs = 30_000,
): Promise<CallableReply> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await call();
    if (done(reply)) return reply;
    if (Date.now() > deadline) {
      throw new Error(`still ${reply.status} ${JSON.stringify(reply.error ?? {})}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** An auditor's read that the guard checks: refused during a lockdown. */
function auditorQuery(idToken: string) {
  const now = Date.now();
  return callCallable(
    baseUrl,
    "queryAuditEvents",
    {
      by: "period",
      from: new Date(now - 3600_000).toISOString(),
      to: new Date(now + 3600_000).toISOString(),
      limit: 1,
    },
    idToken,
  );
}

describe("the incident lockdown over HTTP, in the Functions emulator", () => {
  it("refuses anyone but an admin, and records the refusal", async () => {
    const reply = await callCallable(
      baseUrl,
      "startLockdown",
      { reasonCode: "drill" },
      staff.fresh,
    );
    expect(reply.status).toBe(403);
    expect(reply.error?.details).toMatchObject({ reason: "role-not-allowed" });
    const [event] = await auditEventsOf("startLockdown");
    expect(event).toMatchObject({ outcome: "denied", agent: { uid: "lck-staff" } });
    expect((await adminDb().doc("config/runtime").get()).get("tebraEnabled")).not.toBe(
      false,
    );
  });

  it("refuses free text as a reason", async () => {
    const reply = await callCallable(
      baseUrl,
      "startLockdown",
      { reasonCode: "laptop stolen from the front desk" },
      admin.fresh,
    );
    expect(reply.status).toBe(400);
    expect(reply.error?.message).toBe(
      "Invalid request: reasonCode: not one of the allowed values",
    );
  });

  it("locks down in one call: Tebra off, others refused, sessions ended, alert raised", async () => {
    const before = await auditorQuery(auditor.fresh);
    expect(before.status, JSON.stringify(before.error)).toBe(200);

    const reply = await callCallable(
      baseUrl,
      "startLockdown",
      { reasonCode: "suspected-breach" },
      admin.fresh,
    );

    expect(reply.status, JSON.stringify(reply.error)).toBe(200);
    const result = reply.result as Record<string, unknown>;
    expect(result).toMatchObject({
      active: true,
      startedBy: "lck-admin",
      reasonCode: "suspected-breach",
      revokeFailures: 0,
    });
    // Every user but the caller: two per role for three roles, less the admin's own.
    expect(result["revokedSessions"]).toBe(5);

    const runtime = (await adminDb().doc("config/runtime").get()).data()!;
    expect(runtime).toMatchObject({
      tebraEnabled: false,
      lockdown: { active: true, by: "lck-admin", reasonCode: "suspected-breach" },
    });
    const alert = await adminDb()
      .doc(`securityAlerts/${result["alertId"] as string}`)
      .get();
    expect(alert.data()).toMatchObject({ rule: "lockdown", severity: "high" });
    const events = await auditEventsOf("startLockdown");
    expect(events.filter((e) => e["outcome"] === "success")).toEqual([
      expect.objectContaining({
        action: "execute",
        severity: "high",
        entity: expect.objectContaining({ type: "config", id: "runtime" }),
        agent: expect.objectContaining({ uid: "lck-admin", role: "admin" }),
      }),
    ]);

    // The guard re-reads the lockdown within ten seconds on every instance.
    const refused = await until(
      () => auditorQuery(auditor.fresh),
      (attempt) => attempt.status === 403,
    );
    expect(refused.error?.details).toMatchObject({ reason: "lockdown" });
  });

  it("lets the admin end it; old sessions must sign in again, new ones work", async () => {
    const reply = await callCallable(baseUrl, "endLockdown", {}, admin.fresh);

    expect(reply.status, JSON.stringify(reply.error)).toBe(200);
    expect(reply.result).toMatchObject({ active: false, endedBy: "lck-admin" });
    const runtime = (await adminDb().doc("config/runtime").get()).data()!;
    expect(runtime).toMatchObject({ tebraEnabled: true, lockdown: { active: false } });
    expect(
      (await auditEventsOf("endLockdown")).map((e) => e["outcome"] as string),
    ).toEqual(["success"]);

    const stale = await until(
      () => auditorQuery(auditor.fresh),
      (attempt) => attempt.status !== 403,
    );
    expect(stale.status).toBe(401);
    expect(stale.error?.details).toMatchObject({ reason: "session-revoked" });

    // Auth times are whole seconds: sign in again in a later second than the revocation.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await signIn(auditor.withSecondFactor.email, TEST_PASSWORD);
    const fresh = await auditorQuery(again);
    expect(fresh.status, JSON.stringify(fresh.error)).toBe(200);
  });

  it("refuses to end a lockdown that is not active", async () => {
    const reply = await callCallable(baseUrl, "endLockdown", {}, admin.fresh);
    expect(reply.status).toBe(400);
    expect(reply.error).toMatchObject({
      status: "FAILED_PRECONDITION",
      details: { reason: "no-lockdown" },
    });
  });
});
