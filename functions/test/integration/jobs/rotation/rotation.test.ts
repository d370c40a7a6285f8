import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../../dev/local-tebra/server.ts";
import { FieldCipher, newFieldKey } from "../../../../src/crypto/fieldCipher.ts";
import { associatedData } from "../../../../src/identity/breakGlass.ts";
import { runRotation } from "../../../../src/jobs/rotation/run.ts";
import { readRotationState } from "../../../../src/jobs/rotation/state.ts";
import { PatientCache } from "../../../../src/jobs/sync/patients.ts";
import type { ScheduleSource } from "../../../../src/jobs/sync/source.ts";
import { adminDb, clearFirestore } from "../../../support/admin.ts";
import { captureLogs } from "../../../support/tebra.ts";
import {
  DAY,
  HOUR,
  NEW,
  NEW_USER,
  WRONG_PASSWORD,
  alerts,
  credentialEvents,
  localStore,
  rotationDeps,
  type Clock,
} from "./support.ts";

const TEBRA = "tebra-credentials";
const FIELD_KEY = "field-encryption-key";
const SEAL_KEY = "audit-seal-key";

let tebra: LocalTebra;
let clock: Clock;
const logs = captureLogs();
let runs = 0;

afterAll(() => logs.restore());
beforeAll(async () => {
  tebra = await startLocalTebra({ port: 0, rateScale: 0, extraUsers: [NEW_USER] });
});
afterAll(() => tebra.close());
beforeEach(async () => {
  await clearFirestore();
  tebra.reset();
  clock = { now: Date.now() };
});

function rotate(
  roles: ("tebraCredentials" | "auditSealKey" | "fieldEncryptionKey")[],
  force = false,
) {
  runs += 1;
  return runRotation(rotationDeps(tebra.url, clock), {
    runId: `run-${runs}`,
    trigger: "schedule",
    roles,
    force,
  });
}

async function rotateTebra(force = false) {
  const [outcome] = await rotate(["tebraCredentials"], force);
  return outcome!;
}

async function versionStates(secret: string): Promise<Record<string, string>> {
  const versions = await localStore().listVersions(secret);
  return Object.fromEntries(versions.map((v) => [v.version, v.state]));
}

describe("rotation of the Tebra credential", () => {
  it("adopts the version in use as current when the secret has no alias yet", async () => {
    const outcome = await rotateTebra();

    expect(outcome).toMatchObject({ status: "unchanged", version: "1" });
    expect(await localStore().aliases(TEBRA)).toEqual({ current: "1" });
    expect(await credentialEvents(`${TEBRA}:1`)).toEqual([
      expect.objectContaining({ action: "update", outcomeReason: "adopted" }),
    ]);
  });

  it("promotes a pending version only once it authenticates against Tebra", async () => {
    await rotateTebra();
    await localStore().addVersion(TEBRA, NEW);
    const checks = tebra.calls.count("GetCustomerIdFromKey");

    const outcome = await rotateTebra();

    expect(outcome).toMatchObject({
      status: "promoted",
      version: "2",
      previousVersion: "1",
    });
    expect(tebra.calls.count("GetCustomerIdFromKey")).toBeGreaterThan(checks);
    expect((await localStore().access(TEBRA, "current")).version).toBe("2");
    expect(await versionStates(TEBRA)).toEqual({ "1": "enabled", "2": "enabled" });
    expect(await credentialEvents(`${TEBRA}:2`)).toContainEqual(
      expect.objectContaining({
        action: "update",
        outcome: "success",
        entity: { type: "credential", id: `${TEBRA}:2`, fields: ["alias.current"] },
        severity: "high",
      }),
    );
    const trail = JSON.stringify(await credentialEvents(`${TEBRA}:2`));
    expect(trail).not.toContain(NEW_USER.password);
    expect(trail).not.toContain(NEW_USER.user);
  });

  it("keeps the previous version through the grace period, then disables it", async () => {
    await rotateTebra();
    await localStore().addVersion(TEBRA, NEW);
    await rotateTebra();

    clock.now += 23 * HOUR;
    await rotateTebra();
    expect((await versionStates(TEBRA))["1"]).toBe("enabled");

    clock.now += 2 * HOUR;
    await rotateTebra();
    expect(await versionStates(TEBRA)).toEqual({ "1": "disabled", "2": "enabled" });
    expect(await credentialEvents(`${TEBRA}:1`)).toContainEqual(
      expect.objectContaining({
        outcomeReason: "grace-over",
        entity: expect.objectContaining({ fields: ["state"] }),
      }),
    );
    expect((await readRotationState(adminDb(), TEBRA)).retiring).toEqual([]);
  });

  it("refuses a pending version Tebra rejects, raises an alert and leaves current alone", async () => {
    await rotateTebra();
    await localStore().addVersion(TEBRA, WRONG_PASSWORD);

    const outcome = await rotateTebra();

    expect(outcome).toMatchObject({ status: "refused", version: "1" });
    expect((await localStore().access(TEBRA, "current")).version).toBe("1");
    expect(await alerts("credential-refused")).toEqual([
      expect.objectContaining({ severity: "high", bucket: `${TEBRA}:2` }),
    ]);
    expect(await credentialEvents(`${TEBRA}:2`)).toContainEqual(
      expect.objectContaining({
        outcome: "failed",
        outcomeReason: "refused-not-authorized-key",
      }),
    );
    expect(logs.events()).toContain("security.alert_raised");
  });

  it("does not test a refused version again unless an admin asks", async () => {
    await rotateTebra();
    await localStore().addVersion(TEBRA, WRONG_PASSWORD);
    await rotateTebra();
    const checks = tebra.calls.count("GetCustomerIdFromKey");

    expect((await rotateTebra()).status).toBe("pending-refused");
    expect(tebra.calls.count("GetCustomerIdFromKey")).toBe(checks);

    expect((await rotateTebra(true)).status).toBe("refused");
    expect(tebra.calls.count("GetCustomerIdFromKey")).toBe(checks + 1);
    expect(await alerts("credential-refused")).toHaveLength(1);
  });

  it("promotes a refused user once it works in Tebra and an admin asks again", async () => {
    await rotateTebra();
    tebra.users.disable(NEW_USER.user);
    await localStore().addVersion(TEBRA, NEW);
    expect((await rotateTebra()).status).toBe("refused");

    tebra.users.enable(NEW_USER.user);
    expect((await rotateTebra(true)).status).toBe("promoted");
    expect((await localStore().access(TEBRA, "current")).version).toBe("2");
  });

  it("refuses a malformed pending version without asking Tebra", async () => {
    await rotateTebra();
    await localStore().addVersion(TEBRA, "{not json");
    const checks = tebra.calls.count("GetCustomerIdFromKey");

    expect(await rotateTebra()).toMatchObject({ status: "refused", version: "1" });
    expect(tebra.calls.count("GetCustomerIdFromKey")).toBe(checks);
    expect((await readRotationState(adminDb(), TEBRA)).refused["2"]).toMatchObject({
      reason: "malformed",
    });
  });

  it("treats Tebra being unreachable as no verdict: no refusal, no alert", async () => {
    await rotateTebra();
    await localStore().addVersion(TEBRA, NEW);
    tebra.faults.inject({
      operation: "GetCustomerIdFromKey",
      kind: "http-error",
      status: 503,
    });

    expect((await rotateTebra()).status).toBe("check-unavailable");
    expect((await readRotationState(adminDb(), TEBRA)).refused).toEqual({});
    expect(await alerts("credential-refused")).toEqual([]);

    tebra.faults.clear();
    expect((await rotateTebra()).status).toBe("promoted");
  });

  it("warns at 75 days and raises one alert at 90 days of age", async () => {
    await rotateTebra();

    clock.now += 76 * DAY;
    expect((await rotateTebra()).status).toBe("age-warning");
    expect(logs.events()).toContain("rotation.age_warning");
    expect(await alerts("credential-age")).toEqual([]);

    clock.now += 15 * DAY;
    expect((await rotateTebra()).status).toBe("age-alert");
    await rotateTebra();
    expect(await alerts("credential-age")).toEqual([
      expect.objectContaining({ bucket: `${TEBRA}:1`, severity: "high" }),
    ]);
    const ageEvents = (await credentialEvents(`${TEBRA}:1`)).filter(
      (e) => e.entity.fields?.[0] === "age",
    );
    expect(ageEvents.map((e) => e.outcomeReason)).toEqual(["age-warning", "age-alert"]);
  });

  it("notices a switch made by hand and gives the replaced version its grace", async () => {
    await rotateTebra();
    const version = await localStore().addVersion(TEBRA, NEW);
    await localStore().setAlias(TEBRA, "current", version);

    await rotateTebra();
    const state = await readRotationState(adminDb(), TEBRA);
    expect(state.currentVersion).toBe("2");
    expect(state.retiring.map((r) => r.version)).toEqual(["1"]);
  });
});

describe("rotation of the backend's own keys", () => {
  it("creates the first key of a secret that has none", async () => {
    const [outcome] = await rotate(["fieldEncryptionKey"]);
    expect(outcome).toMatchObject({ status: "created", version: "1" });
    expect(await localStore().aliases(FIELD_KEY)).toEqual({ current: "1" });
  });

  it("adds a version at the rotation age and keeps the old one so old data still opens", async () => {
    await localStore().addVersion(FIELD_KEY, newFieldKey());
    const writer = new FieldCipher(localStore(), { secretName: FIELD_KEY });
    const sealed = await writer.encrypt("synthetic-value", "place#field");

    clock.now += 30 * DAY;
    expect((await rotate(["fieldEncryptionKey"]))[0]!.status).toBe("unchanged");
    clock.now += 31 * DAY;
    expect((await rotate(["fieldEncryptionKey"]))[0]).toMatchObject({
      status: "rotated",
      version: "2",
      previousVersion: "1",
    });

    const reader = new FieldCipher(localStore(), { secretName: FIELD_KEY });
    expect(await reader.decrypt(sealed, "place#field")).toBe("synthetic-value");
    expect(FieldCipher.keyVersionOf(await reader.encrypt("x", "p#f"))).toBe("2");
  });

  it("never disables an old audit seal key", async () => {
    await localStore().addVersion(SEAL_KEY, "synthetic-seal-key-not-secret");
    await rotate(["auditSealKey"], true);
    clock.now += 400 * DAY;
    await rotate(["auditSealKey"]);

    const states = await versionStates(SEAL_KEY);
    expect(states["1"]).toBe("enabled");
    expect(Object.keys(states).length).toBeGreaterThanOrEqual(3);
    expect((await localStore().access(SEAL_KEY, "latest")).version).toBe(
      (await localStore().aliases(SEAL_KEY))["current"],
    );
  });

  it("re-encrypts fields under a replaced field key after its grace, then disables it", async () => {
    await localStore().addVersion(FIELD_KEY, newFieldKey());
    const cipher = new FieldCipher(localStore(), {
      secretName: FIELD_KEY,
      latestTtlMs: 0,
    });
    const cache = new PatientCache({
      db: adminDb(),
      practiceId: "1",
      cipher,
      source: {} as ScheduleSource,
      now: () => clock.now,
      maxAgeMs: 7 * DAY,
      concurrency: 1,
    });
    await cache.store(synthetic("10001", "Example", "Avery"));
    await cache.store(synthetic("10002", "Sample", "Rowan"));
    const grant = adminDb().collection("breakGlass").doc("grant-1");
    await grant.set({
      reason: await cipher.encrypt(
        "synthetic reason text",
        associatedData(grant.path, "reason"),
      ),
    });

    await rotate(["fieldEncryptionKey"], true);
    clock.now += 25 * HOUR;
    await rotate(["fieldEncryptionKey"]);

    expect(await versionStates(FIELD_KEY)).toEqual({ "1": "disabled", "2": "enabled" });
    const entry = await adminDb().doc("practices/1/patientCache/10001").get();
    const name = String(entry.get("name"));
    const reason = String((await grant.get()).get("reason"));
    expect(FieldCipher.keyVersionOf(name)).toBe("2");
    expect(FieldCipher.keyVersionOf(reason)).toBe("2");
    const fresh = new FieldCipher(localStore(), { secretName: FIELD_KEY });
    expect(await fresh.decrypt(name, associatedData(entry.ref.path, "name"))).toBe(
      "Example, Avery",
    );
    expect(await fresh.decrypt(reason, associatedData(grant.path, "reason"))).toBe(
      "synthetic reason text",
    );
    expect(await credentialEvents(`${FIELD_KEY}:1`)).toContainEqual(
      expect.objectContaining({
        entity: expect.objectContaining({ fields: ["reencrypted"] }),
      }),
    );
  });

  it("keeps a replaced field key enabled during its grace", async () => {
    await localStore().addVersion(FIELD_KEY, newFieldKey());
    await rotate(["fieldEncryptionKey"], true);
    clock.now += 2 * HOUR;
    await rotate(["fieldEncryptionKey"]);
    expect(await versionStates(FIELD_KEY)).toEqual({ "1": "enabled", "2": "enabled" });
  });
});

function synthetic(patientId: string, lastName: string, firstName: string) {
  return {
    patientId,
    firstName,
    middleName: null,
    lastName,
    fullName: null,
    prefix: null,
    suffix: null,
    dateOfBirth: "1980-05-17",
    gender: null,
    homePhone: null,
    mobilePhone: null,
    workPhone: null,
    email: null,
    medicalRecordNumber: null,
    practiceId: "1",
    defaultProviderId: null,
    defaultServiceLocationId: null,
    createdAt: null,
    lastModifiedAt: "2026-01-01T00:00:00Z",
  };
}
