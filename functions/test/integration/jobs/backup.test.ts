import functionsTest from "firebase-functions-test";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  emulatorExportDirectory,
  emulatorExportRoot,
} from "../../../src/jobs/backup/admin.ts";
import { backupFirestore } from "../../../src/jobs/backup/function.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { useDemoParams } from "../../support/demoParams.ts";
import { invokeScheduled } from "../../support/scheduled.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
afterAll(() => {
  fft.cleanup();
  rmSync(emulatorExportRoot(process.env["FIRESTORE_EMULATOR_HOST"]!), {
    recursive: true,
    force: true,
  });
});
beforeAll(() => useDemoParams());
beforeEach(() => clearFirestore());

const BUCKET_DIR = emulatorExportDirectory(
  "gs://demo-tebra-bridge-backups/firestore",
  process.env["FIRESTORE_EMULATOR_HOST"]!,
);

describe("backupFirestore (scheduled function, wrapped, on the Firestore emulator)", () => {
  beforeEach(() => rmSync(BUCKET_DIR, { recursive: true, force: true }));

  it("exports the database into a dated folder and records the backup", async () => {
    await adminDb().doc("practices/1/schedules/2026-12-03").set({ visitCount: 1 });

    await invokeScheduled(fft, backupFirestore);

    const folders = readdirSync(BUCKET_DIR);
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{6}Z$/);
    const folder = join(BUCKET_DIR, folders[0]!);
    expect(existsSync(join(folder, `${folders[0]}.overall_export_metadata`))).toBe(true);

    const events = await adminDb()
      .collection("auditEvents")
      .where("source.function", "==", "backupFirestore")
      .get();
    expect(events.size).toBe(1);
    expect(events.docs[0]!.data()).toMatchObject({
      action: "execute",
      outcome: "success",
      entity: { type: "backup", id: `firestore-export:${folders[0]}` },
      patientIds: [],
    });
  });

  it("fails, and records the failure, when the bucket is not configured", async () => {
    useDemoParams({ BACKUP_BUCKET: "" });
    try {
      await expect(invokeScheduled(fft, backupFirestore)).rejects.toThrow(
        /BACKUP_BUCKET/,
      );
    } finally {
      useDemoParams({ BACKUP_BUCKET: "demo-tebra-bridge-backups" });
    }
    const events = await adminDb()
      .collection("auditEvents")
      .where("source.function", "==", "backupFirestore")
      .get();
    expect(events.docs.map((d) => d.get("outcome") as string)).toEqual(["failed"]);
    expect(events.docs[0]!.get("severity")).toBe("high");
  });
});
