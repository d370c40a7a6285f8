import { existsSync, readdirSync, rmSync } from "node:fs";
import { Timestamp } from "firebase-admin/firestore";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  emulatorExportDirectory,
  emulatorExportRoot,
} from "../../../src/jobs/backup/admin.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { PROJECT_ID, functionsBaseUrl } from "../../support/emulators.ts";
import { runScheduledInEmulator } from "../../support/scheduled.ts";

let origin: string;

beforeAll(async () => {
  origin = new URL(await functionsBaseUrl()).origin;
});
beforeEach(() => clearFirestore());
afterAll(() =>
  rmSync(emulatorExportRoot(process.env["FIRESTORE_EMULATOR_HOST"]!), {
    recursive: true,
    force: true,
  }),
);

function run(name: string) {
  return runScheduledInEmulator(origin, PROJECT_ID, name);
}

async function auditEventsOf(functionName: string) {
  const snapshot = await adminDb()
    .collection("auditEvents")
    .where("source.function", "==", functionName)
    .get();
  return snapshot.docs.map((doc) => doc.data());
}

describe("scheduled functions, run by the Functions emulator's trigger route", () => {
  it("anomalyScan scans the trail and raises the alert of a break-glass access", async () => {
    await adminDb()
      .doc("auditEvents/e2e-break-glass")
      .set({
        action: "read",
        outcome: "success",
        agent: { uid: "prov-e2e", role: "provider", kind: "user", breakGlass: true },
        entity: { type: "patient", id: "100042" },
        patientIds: ["100042"],
        purposeOfUse: "ETREAT",
        source: { function: "getPatient", requestId: "e2e-1" },
        severity: "high",
        // Older than the scan's one-minute lag, so this run sees it.
        recorded: Timestamp.fromMillis(Date.now() - 5 * 60_000),
      });

    const response = await run("anomalyScan");

    expect(response.status).toBe(200);
    const alerts = await adminDb()
      .collection("securityAlerts")
      .where("rule", "==", "breakGlassUse")
      .get();
    expect(alerts.size).toBe(1);
    expect(alerts.docs[0]!.data()).toMatchObject({
      subjectUid: "prov-e2e",
      severity: "high",
      eventIds: ["e2e-break-glass"],
      acknowledgedAt: null,
    });
    const cursor = await adminDb().doc("auditState/anomalyScan").get();
    expect(cursor.get("through.id")).toBe("e2e-break-glass");
  });

  it("purgeExpiredData removes an old schedule with its visits and audits the purge", async () => {
    const day = adminDb().doc("practices/1/schedules/2001-02-03");
    await day.set({ visitCount: 1 });
    await day.collection("visits").doc("appt-1").set({ status: "checked-out" });
    await adminDb()
      .doc("auditEvents/kept-old")
      .set({
        recorded: Timestamp.fromMillis(Date.UTC(2001, 1, 3)),
      });

    const response = await run("purgeExpiredData");

    expect(response.status).toBe(200);
    expect((await day.collection("visits").get()).size).toBe(0);
    expect((await adminDb().doc("auditEvents/kept-old").get()).exists).toBe(true);
    const events = await auditEventsOf("purgeExpiredData");
    expect(events.map((e) => String(e["entity"]["id"]).split(":")[0]).sort()).toEqual([
      "anomalyBaselines",
      "rateLimits",
      "schedules",
      "tebraThrottle",
    ]);
    expect(events.find((e) => e["entity"]["type"] === "schedule")).toMatchObject({
      action: "delete",
      outcome: "success",
      outcomeReason: "deleted=2",
    });
  });

  it("backupFirestore exports the database to the local stand-in for the bucket", async () => {
    const bucketDir = emulatorExportDirectory(
      "gs://demo-tebra-bridge-backups/firestore",
      process.env["FIRESTORE_EMULATOR_HOST"]!,
    );
    rmSync(bucketDir, { recursive: true, force: true });

    const response = await run("backupFirestore");

    expect(response.status).toBe(200);
    const folders = readdirSync(bucketDir);
    expect(folders).toHaveLength(1);
    expect(
      existsSync(`${bucketDir}/${folders[0]}/${folders[0]}.overall_export_metadata`),
    ).toBe(true);
    const [event] = await auditEventsOf("backupFirestore");
    expect(event).toMatchObject({ outcome: "success", entity: { type: "backup" } });
  });

  it("answers 404 for a scheduled function that does not exist", async () => {
    await expect(run("noSuchJob")).rejects.toThrow(/no scheduled function noSuchJob/);
  });
});
