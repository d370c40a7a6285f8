import { Timestamp } from "firebase-admin/firestore";
import { HttpsError } from "firebase-functions/https";
import { beforeEach, describe, expect, it } from "vitest";
import { endLockdown, startLockdown } from "../../../src/incident/lockdown.ts";
import { revokeAllSessions } from "../../../src/incident/sessions.ts";
import { auth } from "../../../src/platform/firebase.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { clearAuth } from "../../support/authEmulator.ts";
import { PROJECT_ID, authHost } from "../../support/emulators.ts";

const NOW = new Date("2026-12-03T18:00:00Z");

beforeEach(async () => {
  authHost();
  await clearAuth(PROJECT_ID);
  await clearFirestore();
});

async function users(...uids: string[]) {
  for (const uid of uids) {
    await auth().createUser({ uid, email: `${uid}@clinic.example.test` });
    await adminDb().doc(`users/${uid}`).set({ role: "staff", active: true });
  }
}

async function validSince(uid: string): Promise<number> {
  const user = await auth().getUser(uid);
  return Date.parse(user.tokensValidAfterTime!);
}

function deps(now = NOW) {
  return { db: adminDb(), auth: auth(), now };
}

async function runtime() {
  return (await adminDb().doc("config/runtime").get()).data()!;
}

describe("startLockdown (core, on the Auth and Firestore emulators)", () => {
  it("turns Tebra off, marks the lockdown, and says who started it and why", async () => {
    await users("admin-1");

    const started = await startLockdown(deps(), "admin-1", {
      reasonCode: "suspected-breach",
    });

    expect(started).toMatchObject({
      active: true,
      startedAt: NOW.toISOString(),
      startedBy: "admin-1",
      reasonCode: "suspected-breach",
    });
    expect(await runtime()).toMatchObject({
      tebraEnabled: false,
      lockdown: {
        active: true,
        by: "admin-1",
        reasonCode: "suspected-breach",
        tebraEnabledBefore: true,
      },
    });
    expect((await runtime())["lockdown"].since).toEqual(Timestamp.fromDate(NOW));
  });

  it("revokes every other user's sessions and keeps the caller's", async () => {
    await users("admin-1", "staff-1", "staff-2", "prov-1");
    const before = Date.now() - 1000;

    const started = await startLockdown(deps(), "admin-1", { reasonCode: "drill" });

    expect(started.revokedSessions).toBe(3);
    expect(started.revokeFailures).toBe(0);
    for (const uid of ["staff-1", "staff-2", "prov-1"]) {
      expect(await validSince(uid)).toBeGreaterThan(before);
      const profile = await adminDb().doc(`users/${uid}`).get();
      expect(profile.get("sessionsRevokedAt")).toEqual(Timestamp.fromDate(NOW));
    }
    expect((await adminDb().doc("users/admin-1").get()).get("sessionsRevokedAt")).toBe(
      undefined,
    );
  });

  it("revokes the caller's sessions too when asked", async () => {
    await users("admin-1", "staff-1");
    const started = await startLockdown(deps(), "admin-1", {
      reasonCode: "credential-compromise",
      revokeOwnSession: true,
    });
    expect(started.revokedSessions).toBe(2);
  });

  it("raises one high-severity alert naming the lockdown, and not a second on repeat", async () => {
    await users("admin-1", "staff-1");

    const first = await startLockdown(deps(), "admin-1", { reasonCode: "malware" });
    const again = await startLockdown(deps(new Date(NOW.getTime() + 60_000)), "admin-2", {
      reasonCode: "other",
    });

    const alerts = await adminDb().collection("securityAlerts").get();
    expect(alerts.size).toBe(1);
    expect(again.alertId).toBe(first.alertId);
    expect(alerts.docs[0]!.data()).toMatchObject({
      rule: "lockdown",
      severity: "high",
      subjectUid: "admin-1",
      reasonCode: "malware",
      raisedBy: "startLockdown",
      acknowledgedAt: null,
      acknowledgedBy: null,
    });
    // The repeat keeps the original start, reason and initiator.
    expect(again).toMatchObject({
      startedAt: NOW.toISOString(),
      startedBy: "admin-1",
      reasonCode: "malware",
    });
  });
});

describe("endLockdown (core, on the Firestore emulator)", () => {
  it("lifts the lockdown, restores Tebra as it was, and keeps the record", async () => {
    await users("admin-1");
    await startLockdown(deps(), "admin-1", { reasonCode: "lost-device" });
    const later = new Date(NOW.getTime() + 3600_000);

    const ended = await endLockdown(deps(later), "admin-2", {});

    expect(ended).toMatchObject({
      active: false,
      startedAt: NOW.toISOString(),
      endedAt: later.toISOString(),
      endedBy: "admin-2",
      tebraEnabled: true,
    });
    expect(await runtime()).toMatchObject({
      tebraEnabled: true,
      lockdown: {
        active: false,
        by: "admin-1",
        endedBy: "admin-2",
        reasonCode: "lost-device",
      },
    });
  });

  it("leaves Tebra off when it was off before the lockdown", async () => {
    await adminDb().doc("config/runtime").set({ tebraEnabled: false });
    await startLockdown(deps(), "admin-1", { reasonCode: "drill" });

    const ended = await endLockdown(deps(), "admin-1", {});

    expect(ended.tebraEnabled).toBe(false);
    expect((await runtime())["tebraEnabled"]).toBe(false);
  });

  it("refuses when no lockdown is active, changing nothing", async () => {
    await adminDb().doc("config/runtime").set({ tebraEnabled: true });

    const refused = endLockdown(deps(), "admin-1", {});

    await expect(refused).rejects.toBeInstanceOf(HttpsError);
    await expect(refused).rejects.toMatchObject({ code: "failed-precondition" });
    expect(await runtime()).toEqual({ tebraEnabled: true });
  });
});

describe("revokeAllSessions", () => {
  it("reads users a page at a time and reaches every one", async () => {
    const uids = Array.from({ length: 7 }, (_, i) => `user-${i}`);
    await users(...uids);

    const result = await revokeAllSessions(auth(), adminDb(), {
      except: null,
      now: NOW,
      pageSize: 3,
    });

    expect(result).toEqual({ revoked: 7, failed: 0 });
  });

  it("skips profiles that do not exist instead of creating them", async () => {
    await auth().createUser({ uid: "no-profile" });

    await revokeAllSessions(auth(), adminDb(), { except: null, now: NOW });

    expect((await adminDb().doc("users/no-profile").get()).exists).toBe(false);
  });
});
