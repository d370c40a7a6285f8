import type { Timestamp } from "firebase-admin/firestore";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FieldCipher, newFieldKey } from "../../../src/crypto/fieldCipher.ts";
import type { Caller } from "../../../src/identity/guard.ts";
import {
  openGrant,
  readBreakGlassReason,
  associatedData,
} from "../../../src/identity/breakGlass.ts";
import { authorizePatientAccess } from "../../../src/identity/patientAccess.ts";
import { createSecretStore } from "../../../src/platform/secretStore.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { PROJECT_ID } from "../../support/emulators.ts";

const SECRET = "field-encryption-key";
const REASON = "Unconscious patient in the waiting room, chart needed";
const now = new Date("2030-03-04T16:00:00.000Z");
const settings = { careRelationshipDays: 7, practiceTimeZone: "America/Chicago", now };

const provider: Caller = {
  uid: "u-provider",
  role: "provider",
  practiceId: "1",
  secondFactor: true,
  authTime: now.getTime() / 1000 - 60,
};
const staff: Caller = { ...provider, uid: "u-staff", role: "staff" };

let cipher: FieldCipher;

async function seedKey(): Promise<void> {
  const store = createSecretStore({ projectId: PROJECT_ID, ttlMs: 0 });
  await store.addVersion(SECRET, newFieldKey());
}

beforeAll(() => {
  cipher = new FieldCipher(createSecretStore({ projectId: PROJECT_ID, ttlMs: 0 }), {
    secretName: SECRET,
  });
});

beforeEach(async () => {
  await clearFirestore();
  await seedKey();
});

async function visit(patientId: string, date: string, practiceId = "1") {
  await adminDb()
    .doc(`practices/${practiceId}/schedules/${date}/visits/a-${patientId}-${date}`)
    .set({ practiceId, date, patientId, appointmentId: `a-${patientId}-${date}` });
}

describe("openGrant (real Firestore emulator, local secret store)", () => {
  it("writes the grant with the reason encrypted and bound to its place", async () => {
    const grant = await openGrant(
      provider,
      { patientId: "501", reason: REASON, minutes: 30 },
      { firestore: adminDb(), cipher, now, maxMinutes: 60 },
    );
    const stored = await adminDb().doc(`breakGlass/${grant.grantId}`).get();
    expect(stored.data()).toMatchObject({
      uid: "u-provider",
      patientId: "501",
      practiceId: "1",
      minutes: 30,
    });
    expect((stored.get("expiresAt") as Timestamp).toMillis()).toBe(
      now.getTime() + 30 * 60_000,
    );
    expect(stored.get("reason")).toMatch(/^enc:v1:/);
    expect(JSON.stringify(stored.data())).not.toContain("Unconscious");

    expect(await readBreakGlassReason(adminDb(), cipher, grant.grantId)).toBe(REASON);
    // Copied into another grant, the reason no longer opens.
    await expect(
      cipher.decrypt(
        stored.get("reason") as string,
        associatedData("breakGlass/other", "reason"),
      ),
    ).rejects.toThrow(/failed authentication/);
  });

  it("raises a high-severity alert naming only ids", async () => {
    const grant = await openGrant(
      provider,
      { patientId: "501", reason: REASON, minutes: 15 },
      { firestore: adminDb(), cipher, now, maxMinutes: 60 },
    );
    const alert = await adminDb().doc(`securityAlerts/${grant.alertId}`).get();
    expect(alert.data()).toMatchObject({
      rule: "break-glass",
      severity: "high",
      subjectUid: "u-provider",
      entity: { type: "breakGlass", id: grant.grantId },
      patientIds: ["501"],
      acknowledgedAt: null,
    });
    expect(alert.get("createdAt")).toBeDefined();
    expect(JSON.stringify(alert.data())).not.toContain("Unconscious");
  });

  it("cuts a grant to the maximum", async () => {
    const grant = await openGrant(
      provider,
      { patientId: "501", reason: REASON, minutes: 600 },
      { firestore: adminDb(), cipher, now, maxMinutes: 60 },
    );
    expect(Date.parse(grant.expiresAt) - now.getTime()).toBe(60 * 60_000);
  });
});

describe("authorizePatientAccess (real Firestore emulator)", () => {
  it("allows a patient with a visit on the practice's schedule within the window", async () => {
    await visit("501", "2030-03-10");
    expect(
      await authorizePatientAccess(staff, "501", { firestore: adminDb(), settings }),
    ).toEqual({ allowed: true, breakGlass: false, basis: "care-relationship" });
  });

  it("refuses a patient whose visits are outside the window or in another practice", async () => {
    await visit("502", "2030-02-01");
    await visit("502", "2030-03-05", "2");
    expect(
      await authorizePatientAccess(staff, "502", { firestore: adminDb(), settings }),
    ).toMatchObject({ allowed: false, basis: "no-care-relationship" });
  });

  it("lets a provider in under an open grant, marked as break-glass, until it expires", async () => {
    const grant = await openGrant(
      provider,
      { patientId: "503", reason: REASON, minutes: 30 },
      { firestore: adminDb(), cipher, now, maxMinutes: 60 },
    );
    const during = await authorizePatientAccess(provider, "503", {
      firestore: adminDb(),
      settings: { ...settings, now: new Date(now.getTime() + 10 * 60_000) },
    });
    expect(during).toEqual({
      allowed: true,
      breakGlass: true,
      basis: "break-glass",
      grantId: grant.grantId,
    });
    const after = await authorizePatientAccess(provider, "503", {
      firestore: adminDb(),
      settings: { ...settings, now: new Date(now.getTime() + 31 * 60_000) },
    });
    expect(after).toMatchObject({ allowed: false, breakGlass: false });
  });

  it("does not let another user, or the front desk, use a provider's grant", async () => {
    await openGrant(
      provider,
      { patientId: "504", reason: REASON, minutes: 30 },
      { firestore: adminDb(), cipher, now, maxMinutes: 60 },
    );
    const other = { ...provider, uid: "u-provider-2" };
    expect(
      (await authorizePatientAccess(other, "504", { firestore: adminDb(), settings }))
        .allowed,
    ).toBe(false);
    expect(
      (await authorizePatientAccess(staff, "504", { firestore: adminDb(), settings }))
        .allowed,
    ).toBe(false);
  });

  it("never lets an auditor open a patient", async () => {
    await visit("505", "2030-03-04");
    const auditor: Caller = { ...staff, uid: "u-auditor", role: "auditor" };
    expect(
      await authorizePatientAccess(auditor, "505", { firestore: adminDb(), settings }),
    ).toMatchObject({ allowed: false, basis: "role-not-allowed" });
  });
});
