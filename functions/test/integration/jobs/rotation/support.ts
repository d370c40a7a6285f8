// Credential rotation against real parts: the Firestore emulator (state, audit trail,
// alerts, and the demo project's Firestore-backed secret store) and a local Tebra that
// answers GetCustomerIdFromKey. The clock is the test's, so grace periods and ages pass.
import type { Timestamp } from "firebase-admin/firestore";
import type { NewAuditEvent } from "../../../../src/audit/event.ts";
import { FirestoreAuditRecorder } from "../../../../src/audit/recorder.ts";
import { SYSTEM_AGENT } from "../../../../src/jobs/rotation/deps.ts";
import { clientChecker } from "../../../../src/jobs/rotation/checker.ts";
import type { RotationDeps } from "../../../../src/jobs/rotation/run.ts";
import type { RotationSettings } from "../../../../src/jobs/rotation/settings.ts";
import { firestoreAlerts } from "../../../../src/jobs/rotation/trail.ts";
import { createSecretStore } from "../../../../src/platform/secretStore.ts";
import { adminDb } from "../../../support/admin.ts";
import { PROJECT_ID } from "../../../support/emulators.ts";
import { CREDENTIALS, testClient } from "../../../support/tebra.ts";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const SETTINGS: RotationSettings = {
  graceMs: 24 * HOUR,
  warningDays: 75,
  alertDays: 90,
  keyRotationDays: 60,
  reencryptBatch: 5_000,
  secrets: {
    tebraCredentials: "tebra-credentials",
    auditSealKey: "audit-seal-key",
    fieldEncryptionKey: "field-encryption-key",
  },
};

/** A second API user of the same customer, as a person would create in Tebra. */
export const NEW_USER = {
  user: "local-api-user-2",
  password: "local-password-2-not-secret",
};
export const NEW = JSON.stringify({ ...CREDENTIALS, ...NEW_USER });
export const WRONG_PASSWORD = JSON.stringify({
  ...CREDENTIALS,
  password: "wrong-password-not-secret",
});

/** The demo project's secret store, uncached, in the emulator. */
export function localStore() {
  return createSecretStore({ projectId: PROJECT_ID, ttlMs: 0 });
}

export interface Clock {
  now: number;
}

export function rotationDeps(
  endpoint: string,
  clock: Clock,
  overrides: Partial<RotationDeps> = {},
): RotationDeps {
  const now = () => clock.now;
  return {
    db: adminDb(),
    store: localStore(),
    checker: clientChecker(() => testClient(endpoint)),
    settings: SETTINGS,
    practiceId: "1",
    now,
    trail: {
      alert: firestoreAlerts(adminDb()),
      recorder: new FirestoreAuditRecorder(adminDb()),
      agent: SYSTEM_AGENT,
      source: { function: "credentialRotation", requestId: "integration" },
      now,
    },
    ...overrides,
  };
}

/** Audit events about one secret version, oldest first. */
export async function credentialEvents(entityId: string) {
  const snapshot = await adminDb()
    .collection("auditEvents")
    .where("entity.type", "==", "credential")
    .where("entity.id", "==", entityId)
    .get();
  return snapshot.docs
    .map((doc) => doc.data() as NewAuditEvent & { recorded: Timestamp })
    .sort((a, b) => a.recorded.toMillis() - b.recorded.toMillis());
}

export async function alerts(rule: string) {
  const snapshot = await adminDb()
    .collection("securityAlerts")
    .where("rule", "==", rule)
    .get();
  return snapshot.docs.map((doc) => doc.data());
}
