// The Firestore admin API as the backup uses it: one method, shaped after
// `v1.FirestoreAdminClient.exportDocuments` (a long-running operation whose `promise()`
// settles when the export is done). Production passes the real client. Where Firestore is
// the emulator, which has no admin API, the same request goes to the emulator's own export
// endpoint and lands in a local folder named after the bucket path, so the scheduled
// function runs end to end on a laptop. No other code knows which one it has.
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ExportRequest } from "./exportRequest.ts";

export interface ExportOperation {
  name?: string | null;
  /** Settles when the export has finished (or failed). */
  promise(): Promise<unknown>;
}

export interface FirestoreAdmin {
  exportDocuments(
    request: ExportRequest,
  ): Promise<readonly [ExportOperation, ...unknown[]]>;
}

/** The real client, loaded on first use (google-gax is heavy to load). */
export async function googleFirestoreAdmin(): Promise<FirestoreAdmin> {
  const { v1 } = (await import("@google-cloud/firestore")).default;
  return new v1.FirestoreAdminClient();
}

/**
 * Where an export to `gs://bucket/path` lands when Firestore is the emulator at `host`:
 * a folder per emulator, so that runs side by side on one machine keep apart.
 */
export function emulatorExportDirectory(outputUriPrefix: string, host: string): string {
  const path = outputUriPrefix.replace(/^gs:\/\//, "");
  return join(emulatorExportRoot(host), ...path.split("/"));
}

/** The folder holding every export of the emulator at `host`. */
export function emulatorExportRoot(host: string): string {
  return join(tmpdir(), "tebra-bridge-backups", host.replace(/[^A-Za-z0-9.-]/g, "_"));
}

/** Raised when the emulator refuses an export; carries its HTTP status as the code. */
export class EmulatorExportError extends Error {
  override name = "EmulatorExportError";
  readonly code: number;

  constructor(status: number) {
    super(`the Firestore emulator refused the export: HTTP ${status}`);
    this.code = status;
  }
}

export class EmulatorFirestoreAdmin implements FirestoreAdmin {
  private readonly host: string;

  /** `host` as FIRESTORE_EMULATOR_HOST gives it: "127.0.0.1:8080". */
  constructor(host: string) {
    this.host = host;
  }

  async exportDocuments(request: ExportRequest): Promise<readonly [ExportOperation]> {
    const folder = emulatorExportDirectory(request.outputUriPrefix, this.host);
    // The emulator writes `export_name` inside `export_directory`, which must exist. The
    // path is ours: the temporary folder, the emulator's host, the bucket and a time.
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    await mkdir(dirname(folder), { recursive: true });
    const project = request.name.split("/")[1] ?? "";
    const response = await fetch(
      `http://${this.host}/emulator/v1/projects/${project}:export`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          database: request.name,
          export_directory: dirname(folder),
          export_name: folder.slice(dirname(folder).length + 1),
        }),
      },
    );
    if (!response.ok) throw new EmulatorExportError(response.status);
    // The emulator exports synchronously: the operation is already done.
    const operation: ExportOperation = {
      name: `${request.name}/operations/emulator-export`,
      promise: () => Promise.resolve([{ outputUriPrefix: request.outputUriPrefix }]),
    };
    return [operation];
  }
}
