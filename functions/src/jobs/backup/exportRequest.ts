// The export request the backup sends to the Firestore admin API: the whole (default)
// database (an empty collection list means every collection) into a new dated folder of the
// backup bucket, so that no export overwrites another and a restore names the day it wants.
export interface ExportRequest {
  /** projects/{project}/databases/(default) */
  name: string;
  /** gs://{bucket}/firestore/{YYYY-MM-DD}T{HHmmss}Z */
  outputUriPrefix: string;
  /** Empty: every collection. */
  collectionIds: string[];
}

/** Raised when the bucket parameter cannot name a Cloud Storage bucket. */
export class BackupConfigError extends Error {
  override name = "BackupConfigError";
}

// Cloud Storage bucket names: 3-63 characters of lowercase letters, digits, -, _ and dots.
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

/** The dated folder's name: UTC, sortable, no characters a path would quote. */
export function exportFolder(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace(/:/g, "")}Z`;
}

export function exportRequest(
  projectId: string,
  bucket: string,
  at: Date,
): ExportRequest {
  const name = bucket.replace(/^gs:\/\//, "").replace(/\/+$/, "");
  if (!BUCKET.test(name)) {
    throw new BackupConfigError("BACKUP_BUCKET is not a Cloud Storage bucket name");
  }
  if (!projectId) throw new BackupConfigError("the project id is unknown");
  return {
    name: `projects/${projectId}/databases/(default)`,
    outputUriPrefix: `gs://${name}/firestore/${exportFolder(at)}`,
    collectionIds: [],
  };
}
