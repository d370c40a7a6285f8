import functionsTest from "firebase-functions-test";
import { onSchedule } from "firebase-functions/scheduler";
import { practiceTimeZoneParam } from "../../../../src/config.ts";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AuditRecorder, NewAuditEvent } from "../../../../src/audit/event.ts";
import type {
  ExportOperation,
  FirestoreAdmin,
} from "../../../../src/jobs/backup/admin.ts";
import {
  BackupConfigError,
  exportRequest,
  type ExportRequest,
} from "../../../../src/jobs/backup/exportRequest.ts";
import {
  BACKUP_OPTIONS,
  backupFirestore,
  backupHandler,
} from "../../../../src/jobs/backup/function.ts";
import { runBackup, type BackupDeps } from "../../../../src/jobs/backup/run.ts";
import { captureLogs } from "../../../support/logCapture.ts";
import { invokeScheduled } from "../../../support/scheduled.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
afterAll(() => fft.cleanup());
let logs = captureLogs();
afterEach(() => logs.restore());
beforeEach(() => {
  logs = captureLogs();
});

const NOW = new Date("2026-12-03T08:00:00.000Z");

/** Records what it is asked to send; the operation settles as the test says. */
class RecordingAdmin implements FirestoreAdmin {
  readonly requests: ExportRequest[] = [];
  private readonly settle: () => Promise<unknown>;
  private readonly refuse: Error | undefined;

  constructor(
    settle: () => Promise<unknown> = () => Promise.resolve([{}]),
    refuse?: Error,
  ) {
    this.settle = settle;
    this.refuse = refuse;
  }

  exportDocuments(request: ExportRequest): Promise<readonly [ExportOperation]> {
    this.requests.push(request);
    if (this.refuse) return Promise.reject(this.refuse);
    return Promise.resolve([
      { name: "projects/p/databases/(default)/operations/op-1", promise: this.settle },
    ]);
  }
}

class ListRecorder implements AuditRecorder {
  readonly events: NewAuditEvent[] = [];
  record(event: NewAuditEvent): Promise<string> {
    this.events.push(event);
    return Promise.resolve(`e${this.events.length}`);
  }
}

function deps(admin: FirestoreAdmin, overrides: Partial<BackupDeps> = {}) {
  const recorder = new ListRecorder();
  const all: BackupDeps = {
    admin: () => Promise.resolve(admin),
    recorder,
    projectId: "demo-tebra-bridge",
    bucket: "clinic-backups",
    now: NOW,
    waitMs: 1000,
    runId: NOW.toISOString(),
    ...overrides,
  };
  return { all, recorder };
}

describe("the export request", () => {
  it("names the default database, a dated folder of the bucket, and every collection", () => {
    expect(exportRequest("demo-tebra-bridge", "clinic-backups", NOW)).toEqual({
      name: "projects/demo-tebra-bridge/databases/(default)",
      outputUriPrefix: "gs://clinic-backups/firestore/2026-12-03T080000Z",
      collectionIds: [],
    });
  });

  it("accepts a bucket given as a gs:// address", () => {
    expect(exportRequest("p", "gs://clinic-backups/", NOW).outputUriPrefix).toBe(
      "gs://clinic-backups/firestore/2026-12-03T080000Z",
    );
  });

  it.each(["", "UPPER", "a", "has space", "gs://"])("refuses the bucket %j", (bucket) => {
    expect(() => exportRequest("p", bucket, NOW)).toThrow(BackupConfigError);
  });
});

describe("runBackup", () => {
  it("sends exactly the export request, waits for it, and records success", async () => {
    const admin = new RecordingAdmin();
    const { all, recorder } = deps(admin);

    const result = await runBackup(all);

    expect(admin.requests).toEqual([
      {
        name: "projects/demo-tebra-bridge/databases/(default)",
        outputUriPrefix: "gs://clinic-backups/firestore/2026-12-03T080000Z",
        collectionIds: [],
      },
    ]);
    expect(result.status).toBe("completed");
    expect(recorder.events).toEqual([
      expect.objectContaining({
        action: "execute",
        outcome: "success",
        outcomeReason: "export-done",
        entity: { type: "backup", id: "firestore-export:2026-12-03T080000Z" },
        agent: expect.objectContaining({ kind: "system", uid: null }),
        patientIds: [],
        severity: "normal",
      }),
    ]);
    expect(logs.entries().map((e) => e.event)).toEqual([
      "backup.export_started",
      "backup.export_completed",
    ]);
    expect(logs.entries()[0]).toMatchObject({ operationId: "op-1" });
  });

  it("leaves a slow export running, says so, and does not call it a failure", async () => {
    const admin = new RecordingAdmin(() => new Promise(() => undefined));
    const { all, recorder } = deps(admin, { waitMs: 20 });

    const result = await runBackup(all);

    expect(result.status).toBe("running");
    expect(recorder.events[0]).toMatchObject({
      outcome: "success",
      outcomeReason: "export-running",
    });
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({
        event: "backup.export_still_running",
        severity: "WARNING",
      }),
    );
  });

  it("logs a refused request as backup.export_failed, records it, and fails", async () => {
    const refused = Object.assign(new Error("PERMISSION_DENIED: caller lacks access"), {
      code: 7,
    });
    const { all, recorder } = deps(new RecordingAdmin(undefined, refused));

    await expect(runBackup(all)).rejects.toBe(refused);

    expect(logs.entries()).toContainEqual({
      severity: "ERROR",
      message: "backup.export_failed",
      event: "backup.export_failed",
      outputUriPrefix: "gs://clinic-backups/firestore/2026-12-03T080000Z",
      errorName: "Error",
      code: 7,
    });
    expect(recorder.events).toEqual([
      expect.objectContaining({
        outcome: "failed",
        outcomeReason: "Error",
        severity: "high",
      }),
    ]);
  });

  it("logs an export that fails after it started as backup.export_failed", async () => {
    const admin = new RecordingAdmin(() =>
      Promise.reject(Object.assign(new Error("bucket gone"), { code: 9 })),
    );
    const { all } = deps(admin);

    await expect(runBackup(all)).rejects.toThrow("bucket gone");
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ event: "backup.export_failed", code: 9 }),
    );
  });

  it("treats a missing bucket as a failed backup, before calling the API", async () => {
    const admin = new RecordingAdmin();
    const { all } = deps(admin, { bucket: "" });

    await expect(runBackup(all)).rejects.toThrow(BackupConfigError);
    expect(admin.requests).toEqual([]);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({
        event: "backup.export_failed",
        errorName: "BackupConfigError",
        outputUriPrefix: "unknown",
      }),
    );
  });
});

describe("backupFirestore (scheduled function)", () => {
  it("runs nightly at 02:00 in the practice's time zone, stated explicitly", () => {
    const trigger = backupFirestore.__endpoint.scheduleTrigger!;
    expect(trigger.schedule).toBe("0 2 * * *");
    expect(trigger.timeZone).toBe(practiceTimeZoneParam);
  });

  it("when invoked, sends one export request for the time of the run", async () => {
    const admin = new RecordingAdmin();
    const fn = onSchedule(
      BACKUP_OPTIONS,
      backupHandler((now) => deps(admin, { now }).all),
    );

    await invokeScheduled(fft, fn);

    expect(admin.requests).toHaveLength(1);
    expect(admin.requests[0]!.outputUriPrefix).toMatch(
      /^gs:\/\/clinic-backups\/firestore\/\d{4}-\d{2}-\d{2}T\d{6}Z$/,
    );
  });
});
