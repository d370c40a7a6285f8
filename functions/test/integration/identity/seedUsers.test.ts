import { beforeEach, describe, expect, it } from "vitest";
import { decodeIdToken, signIn } from "../../../dev/auth-emulator.ts";
import { LOCAL_PASSWORD, SEED_USERS, seedUsers } from "../../../dev/seed-users.ts";
import { PHI_ROLES } from "../../../src/identity/guard.ts";
import { auth } from "../../../src/platform/firebase.ts";
import { createSecretStore } from "../../../src/platform/secretStore.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { clearAuth } from "../../support/authEmulator.ts";
import { PROJECT_ID } from "../../support/emulators.ts";

beforeEach(async () => {
  await clearFirestore();
  await clearAuth(PROJECT_ID);
});

describe("seed-users (real Auth and Firestore emulators)", () => {
  it("creates one user of each role, with claims, an active profile and a field key", async () => {
    await seedUsers("1");
    expect(SEED_USERS.map((user) => user.role).sort()).toEqual(
      ["admin", "auditor", "provider", "staff"].sort(),
    );
    for (const user of SEED_USERS) {
      const record = await auth().getUser(user.uid);
      expect(record.customClaims).toEqual({ role: user.role, practiceId: "1" });
      expect(record.email).toMatch(/@clinic\.example\.test$/);
      const profile = await adminDb().doc(`users/${user.uid}`).get();
      expect(profile.data()).toMatchObject({
        role: user.role,
        practiceId: "1",
        active: true,
      });
    }
    const store = createSecretStore({ projectId: PROJECT_ID, ttlMs: 0 });
    await expect(store.access("field-encryption-key")).resolves.toMatchObject({
      version: "1",
    });
  });

  it("gives every role that reads PHI an SMS second factor, and signs in through it", async () => {
    await seedUsers("1");
    for (const user of SEED_USERS) {
      const token = decodeIdToken(await signIn(user.email, LOCAL_PASSWORD));
      const firebase = token["firebase"] as { sign_in_second_factor?: string };
      const needsOne = PHI_ROLES.includes(user.role);
      expect(firebase.sign_in_second_factor, user.role).toBe(
        needsOne ? "phone" : undefined,
      );
      expect(token).toMatchObject({ role: user.role, practiceId: "1" });
    }
  });

  it("can run again: the same users, one factor each, no second key", async () => {
    await seedUsers("1");
    await seedUsers("1");
    const staff = SEED_USERS.find((user) => user.role === "staff")!;
    const record = await auth().getUser(staff.uid);
    expect(record.multiFactor?.enrolledFactors).toHaveLength(1);
    const store = createSecretStore({ projectId: PROJECT_ID, ttlMs: 0 });
    expect(await store.listVersions("field-encryption-key")).toHaveLength(1);
  });
});
