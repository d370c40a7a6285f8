// Scheduled `backupFirestore`: every night at 02:00 in the practice's time zone, an export
// of the whole database to the backup bucket, in a dated folder. It runs before retention
// (04:00), so the night's export still holds what retention is about to remove. Restoring
// is a person's decision: docs/runbooks/restore-from-backup.md.
import { defineString, projectID } from "firebase-functions/params";
import { onSchedule, type ScheduledEvent } from "firebase-functions/scheduler";
import { auditRecorder } from "../../audit/deps.ts";
import { REGION, practiceTimeZoneParam } from "../../config.ts";
import {
  EmulatorFirestoreAdmin,
  googleFirestoreAdmin,
  type FirestoreAdmin,
} from "./admin.ts";
import { runBackup, type BackupDeps } from "./run.ts";

const backupBucket = defineString("BACKUP_BUCKET", {
  default: "",
  description:
    "Cloud Storage bucket for the nightly Firestore export (the function's service " +
    "account needs roles/datastore.importExportAdmin and write access to it)",
});

export const BACKUP_OPTIONS = {
  schedule: "0 2 * * *",
  timeZone: practiceTimeZoneParam,
  region: REGION,
  maxInstances: 1,
  timeoutSeconds: 540,
  retryCount: 1,
};

/** How long a run waits for its export before leaving it to finish on its own. */
export const BACKUP_WAIT_MS = 480_000;

/** The real admin API, or the emulator's export endpoint where Firestore is the emulator. */
export function firestoreAdmin(): Promise<FirestoreAdmin> {
  const emulator = process.env["FIRESTORE_EMULATOR_HOST"];
  return emulator
    ? Promise.resolve(new EmulatorFirestoreAdmin(emulator))
    : googleFirestoreAdmin();
}

function production(now: Date): BackupDeps {
  return {
    admin: firestoreAdmin,
    recorder: auditRecorder(),
    projectId: projectID.value(),
    bucket: backupBucket.value(),
    now,
    waitMs: BACKUP_WAIT_MS,
    runId: now.toISOString(),
  };
}

export function backupHandler(deps: (now: Date) => BackupDeps = production) {
  return async (_event: ScheduledEvent): Promise<void> => {
    await runBackup(deps(new Date()));
  };
}

export const backupFirestore = onSchedule(BACKUP_OPTIONS, backupHandler());
