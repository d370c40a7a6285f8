import { beforeAll, describe, expect, it } from "vitest";
import { decodeIdToken } from "../../../dev/auth-emulator.ts";
import { ROLES, type Role } from "../../../src/identity/caller.ts";
import { LOCKDOWN_CACHE_MS } from "../../../src/identity/lockdown.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { clearAuth } from "../../support/authEmulator.ts";
import { callCallable, eventually, type CallableReply } from "../../support/callable.ts";
import { PROJECT_ID, functionsBaseUrl } from "../../support/emulators.ts";
import {
  createAccount,
  seedFieldEncryptionKey,
  sessionsFor,
  type RoleSessions,
} from "../../support/users.ts";

let baseUrl: string;
const sessions = {} as Record<Role, RoleSessions>;

beforeAll(async () => {
  baseUrl = await functionsBaseUrl();
  await clearAuth(PROJECT_ID);
  await clearFirestore();
  await seedFieldEncryptionKey();
  for (const role of ROLES) sessions[role] = await sessionsFor(role, "idn");
});

async function auditCount(functionName: string): Promise<number> {
  const snapshot = await adminDb()
    .collection("auditEvents")
    .where("source.function", "==", functionName)
    .count()
    .get();
  return snapshot.data().count;
}

/** Calls the function and checks that the call left exactly one audit event. */
async function callOnce(
  name: string,
  data: unknown,
  idToken?: string,
): Promise<CallableReply> {
  const before = await auditCount(name);
  const reply = await callCallable(baseUrl, name, data, idToken);
  expect(await auditCount(name), `${name}: audit events for one call`).toBe(before + 1);
  return reply;
}

function refusedWith(
  reply: CallableReply,
  status: number,
  code: string,
  reason?: string,
) {
  expect(reply.status).toBe(status);
  expect(reply.error?.status).toBe(code);
  if (reason) expect(reply.error?.details).toMatchObject({ reason });
}

describe("the e2e sessions", () => {
  it("carry a second factor only where the user signed in with one", () => {
    const staff = sessions.staff;
    const fresh = decodeIdToken(staff.fresh);
    expect(fresh["firebase"]).toMatchObject({ sign_in_second_factor: "phone" });
    expect(decodeIdToken(staff.noSecondFactor)["firebase"]).not.toHaveProperty(
      "sign_in_second_factor",
      "phone",
    );
    expect(fresh).toMatchObject({ role: "staff", practiceId: "1" });
  });

  it("make a stale session by an auth_time older than the maximum, all else equal", () => {
    const fresh = decodeIdToken(sessions.staff.fresh);
    const stale = decodeIdToken(sessions.staff.stale);
    expect(stale["auth_time"]).toBeLessThan((fresh["auth_time"] as number) - 720 * 60);
    expect({ ...stale, auth_time: 0 }).toEqual({ ...fresh, auth_time: 0 });
  });
});

describe("whoami over HTTP", () => {
  for (const role of ROLES) {
    it(`answers a ${role}, with or without a second factor, fresh or stale`, async () => {
      const { fresh, noSecondFactor, stale, withSecondFactor } = sessions[role];
      const ok = await callOnce("whoami", {}, fresh);
      expect(ok.status).toBe(200);
      expect(ok.result).toMatchObject({
        uid: withSecondFactor.uid,
        role,
        practiceId: "1",
        secondFactor: true,
        secondFactorRequired: role !== "auditor",
      });

      const without = await callOnce("whoami", {}, noSecondFactor);
      expect(without.result).toMatchObject({ role, secondFactor: false });

      const old = await callOnce("whoami", {}, stale);
      expect(old.status).toBe(200);
      const expires = Date.parse(
        (old.result as { sessionExpiresAt: string }).sessionExpiresAt,
      );
      expect(expires).toBeLessThan(Date.now());
    });
  }

  it("refuses a caller without a token as unauthenticated", async () => {
    refusedWith(await callOnce("whoami", {}), 401, "UNAUTHENTICATED", "signed-out");
  });

  it("refuses a signed-in user who has no role, or an inactive profile", async () => {
    const { signIn } = await import("../../../dev/auth-emulator.ts");
    const nobody = await createAccount("idn-norole", null, { secondFactor: false });
    refusedWith(
      await callOnce(
        "whoami",
        {},
        await signIn(nobody.email, "local-password-not-secret"),
      ),
      403,
      "PERMISSION_DENIED",
      "no-role",
    );
    const inactive = await createAccount("idn-inactive", "staff", {
      secondFactor: false,
      active: false,
    });
    refusedWith(
      await callOnce(
        "whoami",
        {},
        await signIn(inactive.email, "local-password-not-secret"),
      ),
      403,
      "PERMISSION_DENIED",
      "inactive-profile",
    );
  });
});

describe("setUserRole over HTTP", () => {
  it("lets an admin with a second factor and a fresh session assign a role", async () => {
    const target = await createAccount("idn-target", null, {
      secondFactor: false,
      profile: false,
    });
    const reply = await callOnce(
      "setUserRole",
      { uid: target.uid, role: "staff" },
      sessions.admin.fresh,
    );
    expect(reply.status).toBe(200);
    expect(reply.result).toMatchObject({ uid: target.uid, role: "staff", active: true });
    const profile = await adminDb().doc(`users/${target.uid}`).get();
    expect(profile.data()).toMatchObject({
      role: "staff",
      practiceId: "1",
      active: true,
    });
  });

  it("asks an admin without a second factor, or with a stale session, to sign in again", async () => {
    const data = { uid: "idn-target", role: "provider" };
    refusedWith(
      await callOnce("setUserRole", data, sessions.admin.noSecondFactor),
      401,
      "UNAUTHENTICATED",
      "second-factor-required",
    );
    refusedWith(
      await callOnce("setUserRole", data, sessions.admin.stale),
      401,
      "UNAUTHENTICATED",
      "session-expired",
    );
  });

  for (const role of ["provider", "staff", "auditor"] as const) {
    it(`refuses a ${role} as permission-denied`, async () => {
      refusedWith(
        await callOnce(
          "setUserRole",
          { uid: "idn-target", role: "admin" },
          sessions[role].fresh,
        ),
        403,
        "PERMISSION_DENIED",
        "role-not-allowed",
      );
    });
  }

  it("refuses a malformed request as invalid-argument naming the field", async () => {
    const reply = await callOnce(
      "setUserRole",
      { uid: "idn-target", role: "superuser" },
      sessions.admin.fresh,
    );
    refusedWith(reply, 400, "INVALID_ARGUMENT");
    expect(reply.error?.message).toContain("role");
  });
});

describe("openBreakGlass over HTTP", () => {
  const request = {
    patientId: "9001",
    reason: "Patient unresponsive, history needed now",
  };

  it("opens a grant for a provider, raises an alert, records a high-severity event", async () => {
    const reply = await callOnce(
      "openBreakGlass",
      { ...request, minutes: 20 },
      sessions.provider.fresh,
    );
    expect(reply.status).toBe(200);
    const grant = reply.result as {
      grantId: string;
      expiresAt: string;
      openedAt: string;
    };
    expect(Date.parse(grant.expiresAt) - Date.parse(grant.openedAt)).toBe(20 * 60_000);

    const stored = await adminDb().doc(`breakGlass/${grant.grantId}`).get();
    expect(stored.get("reason")).toMatch(/^enc:v1:/);
    const alerts = await adminDb()
      .collection("securityAlerts")
      .where("bucket", "==", grant.grantId)
      .get();
    expect(alerts.docs.map((doc) => doc.data())).toEqual([
      expect.objectContaining({ rule: "break-glass", severity: "high" }),
    ]);
    const events = await adminDb()
      .collection("auditEvents")
      .where("entity.id", "==", grant.grantId)
      .get();
    expect(events.docs.map((doc) => doc.data())).toEqual([
      expect.objectContaining({
        outcome: "success",
        severity: "high",
        purposeOfUse: "ETREAT",
        patientIds: ["9001"],
      }),
    ]);
    expect(JSON.stringify(events.docs[0]!.data())).not.toContain("unresponsive");
  });

  it("asks a provider without a second factor, or with a stale session, to sign in again", async () => {
    refusedWith(
      await callOnce("openBreakGlass", request, sessions.provider.noSecondFactor),
      401,
      "UNAUTHENTICATED",
      "second-factor-required",
    );
    refusedWith(
      await callOnce("openBreakGlass", request, sessions.provider.stale),
      401,
      "UNAUTHENTICATED",
      "session-expired",
    );
  });

  for (const role of ["admin", "staff", "auditor"] as const) {
    it(`refuses a ${role} as permission-denied`, async () => {
      refusedWith(
        await callOnce("openBreakGlass", request, sessions[role].fresh),
        403,
        "PERMISSION_DENIED",
        "role-not-allowed",
      );
    });
  }

  it("refuses a grant longer than the maximum, and a missing reason", async () => {
    refusedWith(
      await callOnce(
        "openBreakGlass",
        { ...request, minutes: 61 },
        sessions.provider.fresh,
      ),
      400,
      "INVALID_ARGUMENT",
    );
    refusedWith(
      await callOnce("openBreakGlass", { patientId: "9001" }, sessions.provider.fresh),
      400,
      "INVALID_ARGUMENT",
    );
  });
});

describe("refusal limits over HTTP", () => {
  it("locks out a uid after repeated refusals with resource-exhausted and a retry time", async () => {
    const probe = await sessionsFor("staff", "idn-lockout");
    // 20 refusals per 15 minutes (RATE_LIMIT_AUTH_FAILURES_PER_WINDOW in the demo file).
    for (let i = 0; i < 20; i += 1) {
      const reply = await callCallable(
        baseUrl,
        "setUserRole",
        { uid: "x", role: null },
        probe.fresh,
      );
      expect(reply.error?.details).toMatchObject({ reason: "role-not-allowed" });
    }
    const locked = await callOnce("whoami", {}, probe.fresh);
    refusedWith(locked, 429, "RESOURCE_EXHAUSTED", "too-many-refusals");
    expect(
      (locked.error?.details as { retryAfterSeconds: number }).retryAfterSeconds,
    ).toBeGreaterThan(0);
    // Another user is not held back.
    expect((await callCallable(baseUrl, "whoami", {}, sessions.staff.fresh)).status).toBe(
      200,
    );
  });
});

describe("incident lockdown over HTTP", () => {
  it("refuses everyone but admins within ten seconds of config/runtime turning it on", async () => {
    await adminDb()
      .doc("config/runtime")
      .set({ lockdown: { active: true } }, { merge: true });
    try {
      const refused = await eventually(async () => {
        const reply = await callCallable(baseUrl, "whoami", {}, sessions.staff.fresh);
        return reply.status === 403 ? reply : undefined;
      }, 15_000);
      expect(refused.error?.details).toMatchObject({ reason: "lockdown" });
      const admin = await callOnce("whoami", {}, sessions.admin.fresh);
      expect(admin.status).toBe(200);
      refusedWith(
        await callOnce("whoami", {}, sessions.provider.fresh),
        403,
        "PERMISSION_DENIED",
        "lockdown",
      );
    } finally {
      await adminDb()
        .doc("config/runtime")
        .set({ lockdown: { active: false } }, { merge: true });
      // Leave the stack as it was: every instance's cached flag expires within 10 s.
      await new Promise((resolve) => setTimeout(resolve, LOCKDOWN_CACHE_MS + 500));
      expect(
        (await callCallable(baseUrl, "whoami", {}, sessions.staff.fresh)).status,
      ).toBe(200);
    }
  }, 120_000);
});
