import type { Timestamp } from "firebase-admin/firestore";
import functionsTest from "firebase-functions-test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lockdownState } from "../../../src/identity/guard.ts";
import { setUserRole } from "../../../src/identity/setUserRole.ts";
import { whoami } from "../../../src/identity/whoami.ts";
import { auth } from "../../../src/platform/firebase.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { clearAuth, createUser } from "../../support/authEmulator.ts";
import { useDemoParams } from "../../support/demoParams.ts";
import { PROJECT_ID } from "../../support/emulators.ts";

const fft = functionsTest({ projectId: PROJECT_ID });
const callSetUserRole = fft.wrap(setUserRole);
const callWhoami = fft.wrap(whoami);

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

function token(role: string, authTime = nowSeconds() - 60) {
  return {
    role,
    practiceId: "1",
    auth_time: authTime,
    firebase: { sign_in_second_factor: "phone" },
  };
}

const admin = () => ({ uid: "it-admin", token: token("admin") });

async function profile(uid: string, role: string) {
  await adminDb().doc(`users/${uid}`).set({ role, practiceId: "1", active: true });
}

async function eventsOf(functionName: string) {
  const snapshot = await adminDb()
    .collection("auditEvents")
    .where("source.function", "==", functionName)
    .get();
  return snapshot.docs.map((doc) => doc.data());
}

beforeAll(() => useDemoParams());
afterAll(() => fft.cleanup());
beforeEach(async () => {
  await clearFirestore();
  await clearAuth(PROJECT_ID);
  lockdownState.forget();
  await profile("it-admin", "admin");
});

describe("setUserRole (callable on the real Firestore and Auth emulators)", () => {
  it("sets the claims, mirrors them in the profile, revokes sessions, records one event", async () => {
    await createUser("it-target");
    const before = await auth().getUser("it-target");
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const reply = await callSetUserRole({
      data: { uid: "it-target", role: "provider", displayName: "Dr. Synthetic" },
      auth: admin(),
    } as never);

    expect(reply).toMatchObject({
      uid: "it-target",
      role: "provider",
      practiceId: "1",
      active: true,
      displayName: "Dr. Synthetic",
    });
    const user = await auth().getUser("it-target");
    expect(user.customClaims).toEqual({ role: "provider", practiceId: "1" });
    expect(Date.parse(user.tokensValidAfterTime!)).toBeGreaterThan(
      Date.parse(before.tokensValidAfterTime ?? "1970-01-01"),
    );

    const stored = (await adminDb().doc("users/it-target").get()).data()!;
    expect(stored).toMatchObject({
      role: "provider",
      practiceId: "1",
      active: true,
      displayName: "Dr. Synthetic",
      updatedBy: "it-admin",
    });
    expect(stored["updatedAt"]).toBeDefined();
    expect((stored["sessionsRevokedAt"] as Timestamp).toDate().toISOString()).toBe(
      (reply as { sessionsRevokedAt: string }).sessionsRevokedAt,
    );

    const events = await eventsOf("setUserRole");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "update",
      outcome: "success",
      agent: { uid: "it-admin", role: "admin", breakGlass: false },
      entity: { type: "user", id: "it-target" },
      purposeOfUse: "HSYSADMIN",
      severity: "high",
      patientIds: [],
    });
    expect(events[0]!["entity"].fields).toEqual(
      expect.arrayContaining(["role", "practiceId", "active", "sessionsRevokedAt"]),
    );
    expect(JSON.stringify(events[0])).not.toContain("Synthetic");
  });

  it("removes a role: the claim goes, the profile is deactivated", async () => {
    await createUser("it-leaver", { role: "staff", practiceId: "1", team: "front" });
    await profile("it-leaver", "staff");
    await callSetUserRole({
      data: { uid: "it-leaver", role: null },
      auth: admin(),
    } as never);
    expect((await auth().getUser("it-leaver")).customClaims).toEqual({ team: "front" });
    expect((await adminDb().doc("users/it-leaver").get()).data()).toMatchObject({
      role: null,
      active: false,
    });
  });

  it("turns away an old session of the changed user at once", async () => {
    await createUser("it-staff", { role: "staff", practiceId: "1" });
    await profile("it-staff", "staff");
    const oldSession = { uid: "it-staff", token: token("staff", nowSeconds() - 120) };
    await expect(
      callWhoami({ data: {}, auth: oldSession } as never),
    ).resolves.toMatchObject({
      role: "staff",
    });

    await callSetUserRole({
      data: { uid: "it-staff", role: "provider" },
      auth: admin(),
    } as never);

    await expect(
      callWhoami({ data: {}, auth: oldSession } as never),
    ).rejects.toMatchObject({
      code: "unauthenticated",
      details: { reason: "session-revoked" },
    });
    const signedInAgain = { uid: "it-staff", token: token("provider", nowSeconds() + 1) };
    await expect(
      callWhoami({ data: {}, auth: signedInAgain } as never),
    ).resolves.toMatchObject({ role: "provider" });
  });

  it("refuses anyone but an admin, and records the refusal", async () => {
    await createUser("it-target");
    await profile("it-provider", "provider");
    await expect(
      callSetUserRole({
        data: { uid: "it-target", role: "admin" },
        auth: { uid: "it-provider", token: token("provider") },
      } as never),
    ).rejects.toMatchObject({
      code: "permission-denied",
      details: { reason: "role-not-allowed" },
    });
    expect((await auth().getUser("it-target")).customClaims ?? {}).toEqual({});
    const events = await eventsOf("setUserRole");
    expect(events).toEqual([
      expect.objectContaining({ outcome: "denied", outcomeReason: "role-not-allowed" }),
    ]);
  });

  it("refuses an admin's change of their own role, another practice and an unknown user", async () => {
    await createUser("it-target");
    await expect(
      callSetUserRole({
        data: { uid: "it-admin", role: "staff" },
        auth: admin(),
      } as never),
    ).rejects.toMatchObject({
      code: "failed-precondition",
      details: { reason: "self-change" },
    });
    await expect(
      callSetUserRole({
        data: { uid: "it-target", role: "staff", practiceId: "2" },
        auth: admin(),
      } as never),
    ).rejects.toMatchObject({
      code: "permission-denied",
      details: { reason: "other-practice" },
    });
    await expect(
      callSetUserRole({
        data: { uid: "it-nobody", role: "staff" },
        auth: admin(),
      } as never),
    ).rejects.toMatchObject({ code: "not-found" });
    const outcomes = (await eventsOf("setUserRole")).map(
      (event) => event["outcomeReason"] as string,
    );
    expect(outcomes.sort()).toEqual(["other-practice", "self-change", "user-not-found"]);
  });

  it("refuses an unknown role as invalid-argument, changing nothing", async () => {
    await createUser("it-target");
    await expect(
      callSetUserRole({
        data: { uid: "it-target", role: "root" },
        auth: admin(),
      } as never),
    ).rejects.toMatchObject({
      code: "invalid-argument",
      message: expect.stringContaining("role"),
    });
    expect((await adminDb().doc("users/it-target").get()).exists).toBe(false);
  });
});

describe("the guard on real Firestore state", () => {
  it("refuses everyone but admins while config/runtime holds an active lockdown", async () => {
    await profile("it-staff", "staff");
    await adminDb()
      .doc("config/runtime")
      .set({ lockdown: { active: true } });
    lockdownState.forget();
    await expect(
      callWhoami({ data: {}, auth: { uid: "it-staff", token: token("staff") } } as never),
    ).rejects.toMatchObject({
      code: "permission-denied",
      details: { reason: "lockdown" },
    });
    await expect(callWhoami({ data: {}, auth: admin() } as never)).resolves.toMatchObject(
      {
        role: "admin",
      },
    );
  });
});
