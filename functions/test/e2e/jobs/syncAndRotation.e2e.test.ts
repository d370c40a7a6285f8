// The schedule sync and credential rotation as deployed: the compiled functions in the
// Functions emulator, the scheduled ones run on the emulator's trigger route as Cloud
// Scheduler would, the callables called over HTTP with Auth emulator ID tokens, and the
// local Tebra that scripts/test.sh starts for the layer.
import { beforeAll, describe, expect, it } from "vitest";
import { clinicToday } from "../../../src/tebra/dates.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { clearAuth } from "../../support/authEmulator.ts";
import { callCallable } from "../../support/callable.ts";
import { PROJECT_ID, functionsBaseUrl } from "../../support/emulators.ts";
import { runScheduledInEmulator } from "../../support/scheduled.ts";
import { createSecretStore } from "../../../src/platform/secretStore.ts";
import {
  seedFieldEncryptionKey,
  sessionsFor,
  type RoleSessions,
} from "../../support/users.ts";

let baseUrl: string;
let staff: RoleSessions;
let admin: RoleSessions;
let provider: RoleSessions;

function controlUrl(): string {
  const endpoint =
    process.env["LOCAL_TEBRA_URL"] ?? process.env["TEBRA_ENDPOINT_OVERRIDE"];
  if (!endpoint) {
    throw new Error(
      "LOCAL_TEBRA_URL is not set: run the e2e layer with scripts/test.sh, which starts " +
        "a local Tebra and passes its endpoint to the emulator",
    );
  }
  return `${new URL(endpoint).origin}/__control`;
}

async function tebraCalls(operation: string): Promise<number> {
  const response = await fetch(controlUrl(), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ action: "calls" }),
  });
  const { counts } = (await response.json()) as { counts: Record<string, number> };
  return counts[operation] ?? 0;
}

function runScheduled(name: string) {
  return runScheduledInEmulator(new URL(baseUrl).origin, PROJECT_ID, name);
}

const today = () => clinicToday("America/Chicago");

beforeAll(async () => {
  baseUrl = await functionsBaseUrl();
  await clearAuth(PROJECT_ID);
  await clearFirestore();
  await seedFieldEncryptionKey();
  staff = await sessionsFor("staff", "jobs");
  admin = await sessionsFor("admin", "jobs");
  provider = await sessionsFor("provider", "jobs");
});

describe("dailyScheduleSync in the Functions emulator", () => {
  it("imports today's appointments from the local Tebra into the board", async () => {
    const listings = await tebraCalls("GetAppointments");

    const response = await runScheduled("dailyScheduleSync");

    expect(response.status).toBe(200);
    expect(await tebraCalls("GetAppointments")).toBe(listings + 1);
    const day = await adminDb().doc(`practices/1/schedules/${today()}`).get();
    expect(day.get("lastSync")).toMatchObject({ trigger: "schedule", complete: true });
    const visits = await day.ref.collection("visits").get();
    expect(visits.size).toBeGreaterThan(0);
    expect(visits.size).toBe(day.get("appointmentCount"));
    for (const visit of visits.docs) {
      expect(visit.data()).toMatchObject({
        practiceId: "1",
        date: today(),
        appointmentId: visit.id,
        patientId: expect.stringMatching(/^\d+$/),
        patientName: expect.stringMatching(/\S/),
        status: expect.any(String),
      });
    }
  });

  it("asks Tebra only for changes on the next run, and fetches no patient again", async () => {
    const patients = await tebraCalls("GetPatient");
    expect((await runScheduled("dailyScheduleSync")).status).toBe(200);
    expect(await tebraCalls("GetPatient")).toBe(patients);
  });
});

describe("syncSchedule over HTTP", () => {
  it("syncs a day for the front desk and answers the counts", async () => {
    const tomorrow = new Date(Date.now() + 86_400_000);
    const date = clinicToday("America/Chicago", tomorrow);

    const reply = await callCallable(baseUrl, "syncSchedule", { date }, staff.fresh);

    expect(reply.status).toBe(200);
    expect(reply.result).toMatchObject({ date, practiceId: "1" });
    const result = reply.result as Record<string, number>;
    expect(result["created"]).toBe(result["appointmentCount"]);
    expect(Object.keys(reply.result as object).sort()).toEqual(
      [
        "appointmentCount",
        "created",
        "date",
        "practiceId",
        "removed",
        "syncedAt",
        "tebraCalls",
        "unchanged",
        "updated",
      ].sort(),
    );
  });

  it("refuses providers, and staff without a second factor", async () => {
    const byProvider = await callCallable(baseUrl, "syncSchedule", {}, provider.fresh);
    expect(byProvider.error?.status).toBe("PERMISSION_DENIED");
    const noFactor = await callCallable(
      baseUrl,
      "syncSchedule",
      {},
      staff.noSecondFactor,
    );
    expect(noFactor.status).toBe(401);
    expect(noFactor.error?.details).toMatchObject({ reason: "second-factor-required" });
  });
});

describe("credentialRotation in the Functions emulator", () => {
  it("points current at every managed secret's version in use", async () => {
    const response = await runScheduled("credentialRotation");

    expect(response.status).toBe(200);
    const store = createSecretStore({ projectId: PROJECT_ID, ttlMs: 0 });
    expect((await store.aliases("tebra-credentials"))["current"]).toBe("1");
    expect((await store.aliases("audit-seal-key"))["current"]).toMatch(/^\d+$/);
    expect((await store.aliases("field-encryption-key"))["current"]).toMatch(/^\d+$/);
    const state = await adminDb().doc("credentialRotation/tebra-credentials").get();
    expect(state.get("lastRun")).toMatchObject({ trigger: "schedule" });
  });
});

describe("rotateCredentials over HTTP", () => {
  it("rotates the field encryption key for an admin, keeping the old version", async () => {
    const store = createSecretStore({ projectId: PROJECT_ID, ttlMs: 0 });
    const before = (await store.aliases("field-encryption-key"))["current"];

    const reply = await callCallable(
      baseUrl,
      "rotateCredentials",
      { secret: "fieldEncryptionKey" },
      admin.fresh,
    );

    expect(reply.status).toBe(200);
    expect(reply.result).toMatchObject({
      secret: "field-encryption-key",
      status: "rotated",
      previousVersion: before,
    });
    const versions = await store.listVersions("field-encryption-key");
    expect(versions.every((v) => v.state === "enabled")).toBe(true);
  });

  it("refuses staff", async () => {
    const reply = await callCallable(
      baseUrl,
      "rotateCredentials",
      { secret: "fieldEncryptionKey" },
      staff.fresh,
    );
    expect(reply.error?.status).toBe("PERMISSION_DENIED");
  });
});
