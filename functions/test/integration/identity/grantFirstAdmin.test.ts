import { beforeEach, describe, expect, it } from "vitest";
import { BOOTSTRAP_UID, grantFirstAdmin } from "../../../dev/grant-first-admin.ts";
import { FirestoreAuditRecorder } from "../../../src/audit/recorder.ts";
import { auth } from "../../../src/platform/firebase.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { clearAuth } from "../../support/authEmulator.ts";
import { PROJECT_ID } from "../../support/emulators.ts";

const EMAIL = "first-admin@clinic.example.test";

async function makeAccount(secondFactor: boolean): Promise<void> {
  await auth().createUser({
    uid: "it-first-admin",
    email: EMAIL,
    multiFactor: {
      enrolledFactors: secondFactor
        ? [{ factorId: "phone", phoneNumber: "+15555550109", displayName: "Work phone" }]
        : [],
    },
  });
}

const deps = () => ({
  auth: auth(),
  firestore: adminDb(),
  recorder: new FirestoreAuditRecorder(adminDb()),
  now: new Date(),
});

async function grantEvents() {
  const events = await adminDb()
    .collection("auditEvents")
    .where("source.function", "==", BOOTSTRAP_UID)
    .get();
  return events.docs.map((doc) => doc.data());
}

beforeEach(async () => {
  await clearFirestore();
  await clearAuth(PROJECT_ID);
});

describe("grant-first-admin (real Auth and Firestore emulators)", () => {
  it("makes the account admin of the practice: claims, active profile, who did it", async () => {
    await makeAccount(true);
    const reply = await grantFirstAdmin(EMAIL, "7", deps());

    expect(reply).toMatchObject({
      uid: "it-first-admin",
      role: "admin",
      practiceId: "7",
    });
    const record = await auth().getUser("it-first-admin");
    expect(record.customClaims).toEqual({ role: "admin", practiceId: "7" });
    const profile = (await adminDb().doc("users/it-first-admin").get()).data();
    expect(profile).toMatchObject({
      role: "admin",
      practiceId: "7",
      active: true,
      updatedBy: BOOTSTRAP_UID,
    });
    const events = await grantEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "update",
      outcome: "success",
      severity: "high",
      entity: { type: "user", id: "it-first-admin" },
    });
    expect(events[0]!["entity"].fields).toEqual(
      expect.arrayContaining(["role", "practiceId", "active"]),
    );
  });

  it("refuses once the project has an active admin, and changes nothing", async () => {
    await adminDb()
      .doc("users/someone")
      .set({ role: "admin", practiceId: "7", active: true });
    await makeAccount(true);

    await expect(grantFirstAdmin(EMAIL, "7", deps())).rejects.toThrow(/use setUserRole/);
    expect((await auth().getUser("it-first-admin")).customClaims).toBeUndefined();
    expect((await adminDb().doc("users/it-first-admin").get()).exists).toBe(false);
    expect(await grantEvents()).toEqual([]);
  });

  it("refuses an account without a second factor, and an unknown email", async () => {
    await makeAccount(false);
    await expect(grantFirstAdmin(EMAIL, "7", deps())).rejects.toThrow(/second factor/);
    expect((await auth().getUser("it-first-admin")).customClaims).toBeUndefined();

    await expect(
      grantFirstAdmin("nobody@clinic.example.test", "7", deps()),
    ).rejects.toThrow(/no account has that email/);
  });
});
