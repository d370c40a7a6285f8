// The deployed rotation functions, wrapped, with their production wiring: the demo
// project's Firestore-backed secret store, the audit recorder, and a credential check
// against a local Tebra through the deployed client's settings.
import functionsTest from "firebase-functions-test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../../dev/local-tebra/server.ts";
import { runOperation } from "../../../../src/http/callable.ts";
import { rotateCredentialsOperation } from "../../../../src/jobs/rotation/callable.ts";
import { credentialRotation } from "../../../../src/jobs/rotation/function.ts";
import { adminDb, clearFirestore } from "../../../support/admin.ts";
import { useDemoParams } from "../../../support/demoParams.ts";
import { invokeScheduled } from "../../../support/scheduled.ts";
import { captureLogs } from "../../../support/tebra.ts";
import { KeptEvents, operationDeps } from "../../../unit/jobs/sync/operation.ts";
import { NEW, NEW_USER, localStore } from "./support.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
let tebra: LocalTebra;
const logs = captureLogs();

beforeAll(async () => {
  tebra = await startLocalTebra({ port: 0, rateScale: 0, extraUsers: [NEW_USER] });
  useDemoParams({ TEBRA_ENDPOINT_OVERRIDE: tebra.url, SECRET_CACHE_SECONDS: "1" });
});
afterAll(async () => {
  logs.restore();
  fft.cleanup();
  await tebra.close();
});
beforeEach(() => clearFirestore());

function adminRequest(data: unknown) {
  return {
    facts: {
      uid: "u-admin",
      token: {
        role: "admin",
        practiceId: "1",
        auth_time: Math.floor(Date.now() / 1000) - 60,
        firebase: { sign_in_second_factor: "phone" },
      },
      hasAppCheck: true,
    },
    data,
    requestId: `req-${Math.random().toString(36).slice(2)}`,
  };
}

describe("credentialRotation, invoked", () => {
  it("takes every managed secret in hand: aliases set, first keys made, all audited", async () => {
    await invokeScheduled(fft, credentialRotation);

    const store = localStore();
    expect(await store.aliases("tebra-credentials")).toEqual({ current: "1" });
    expect(await store.aliases("field-encryption-key")).toEqual({ current: "1" });
    expect(await store.aliases("audit-seal-key")).toEqual({ current: "1" });
    const state = await adminDb().doc("credentialRotation/tebra-credentials").get();
    expect(state.get("lastRun")).toMatchObject({
      trigger: "schedule",
      status: "unchanged",
    });
    const events = await adminDb()
      .collection("auditEvents")
      .where("entity.type", "==", "credential")
      .get();
    expect(events.size).toBe(3);
  });

  it("promotes a pending Tebra credential once the local Tebra accepts it", async () => {
    await invokeScheduled(fft, credentialRotation);
    await localStore().addVersion("tebra-credentials", NEW);

    await invokeScheduled(fft, credentialRotation);

    expect(await localStore().aliases("tebra-credentials")).toEqual({ current: "2" });
    expect(tebra.calls.count("GetCustomerIdFromKey")).toBeGreaterThanOrEqual(1);
  });
});

describe("rotateCredentials, through the callable wrapper", () => {
  it("rotates the field key now for an admin, and records the call", async () => {
    await invokeScheduled(fft, credentialRotation);
    const recorder = new KeptEvents();

    const reply = await runOperation(
      rotateCredentialsOperation(),
      adminRequest({ secret: "fieldEncryptionKey" }),
      { ...operationDeps(recorder), now: Date.now },
    );

    expect(reply).toMatchObject({
      secret: "field-encryption-key",
      status: "rotated",
      version: "2",
      previousVersion: "1",
    });
    expect(recorder.events).toEqual([
      expect.objectContaining({
        action: "execute",
        outcome: "success",
        entity: expect.objectContaining({
          type: "credential",
          id: "field-encryption-key",
        }),
      }),
    ]);
    const versions = await localStore().listVersions("field-encryption-key");
    expect(versions.map((v) => v.state)).toEqual(["enabled", "enabled"]);
  });
});
