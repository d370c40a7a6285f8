// One backup run: sends the export request, waits for the export for a bounded time, and
// records the outcome in the audit trail. A failure (a bucket that is not configured, a
// refused request, an export that fails) is logged as `backup.export_failed`, the line the
// backup alert policy matches (docs/monitoring.md), recorded as a failed, high-severity
// audit event, and rethrown so the run shows as failed too.
import type { AuditRecorder, AuditOutcome } from "../../audit/event.ts";
import * as logs from "../../logs.ts";
import type { FirestoreAdmin } from "./admin.ts";
import { exportFolder, exportRequest, type ExportRequest } from "./exportRequest.ts";

export const BACKUP_FUNCTION = "backupFirestore";

export interface BackupDeps {
  admin: () => Promise<FirestoreAdmin>;
  recorder: AuditRecorder;
  projectId: string;
  bucket: string;
  now: Date;
  /** How long to wait for the export before leaving it running. */
  waitMs: number;
  runId: string;
}

export interface BackupResult {
  status: "completed" | "running";
  request: ExportRequest;
  operation: string;
}

function errorCode(error: unknown): string | number | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" || typeof code === "number" ? code : null;
}

const STILL_RUNNING = Symbol("still running");

export async function runBackup(deps: BackupDeps): Promise<BackupResult> {
  const started = Date.now();
  let request: ExportRequest | undefined;
  let result: BackupResult;
  try {
    request = exportRequest(deps.projectId, deps.bucket, deps.now);
    const admin = await deps.admin();
    const [operation] = await admin.exportDocuments(request);
    const operationName = operation.name ?? "unknown";
    // The name holds "(default)", which the log guard would redact; the id is enough.
    const operationId = operationName.split("/").pop() ?? "unknown";
    logs.backupExportStarted(operationId, request.outputUriPrefix);

    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      operation.promise(),
      new Promise<typeof STILL_RUNNING>((resolve) => {
        timer = setTimeout(() => resolve(STILL_RUNNING), deps.waitMs);
      }),
    ]).finally(() => clearTimeout(timer));
    result = {
      status: waited === STILL_RUNNING ? "running" : "completed",
      request,
      operation: operationName,
    };
  } catch (error) {
    const errorName = error instanceof Error ? error.name : typeof error;
    logs.backupExportFailed(
      request?.outputUriPrefix ?? "unknown",
      errorName,
      errorCode(error),
    );
    await record(deps, "failed", errorName).catch(() => undefined);
    throw error;
  }

  if (result.status === "running") {
    logs.backupExportStillRunning(
      result.operation.split("/").pop() ?? "unknown",
      Date.now() - started,
    );
  } else {
    logs.backupExportCompleted(result.request.outputUriPrefix, Date.now() - started);
  }
  await record(
    deps,
    "success",
    result.status === "running" ? "export-running" : "export-done",
  );
  return result;
}

/** One event per attempt: the export's dated folder and how it went; no bucket, no data. */
function record(
  deps: BackupDeps,
  outcome: AuditOutcome,
  reason: string,
): Promise<string> {
  return deps.recorder.record({
    action: "execute",
    outcome,
    outcomeReason: reason,
    agent: { uid: null, role: null, kind: "system", breakGlass: false },
    entity: { type: "backup", id: `firestore-export:${exportFolder(deps.now)}` },
    patientIds: [],
    purposeOfUse: "HSYSADMIN",
    source: { function: BACKUP_FUNCTION, requestId: deps.runId },
    severity: outcome === "success" ? "normal" : "high",
  });
}
