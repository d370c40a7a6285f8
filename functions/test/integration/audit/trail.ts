// A small audit trail on the emulator for the sealer and verifier tests: a recorder, the
// seal key in an in-memory secret store, and Cloud Logging kept in memory.
import type { Firestore } from "firebase-admin/firestore";
import type { NewAuditEvent } from "../../../src/audit/event.ts";
import { SealKeys } from "../../../src/audit/keys.ts";
import { FirestoreAuditRecorder } from "../../../src/audit/recorder.ts";
import type { SealerDeps } from "../../../src/audit/sealer.ts";
import { LocalCloudLogging } from "../../../src/platform/cloudLogging.ts";
import { InMemorySecretStore } from "../../../src/platform/secrets.ts";
import { adminDb } from "../../support/admin.ts";
import { frontDeskRead } from "../../support/auditFixtures.ts";

export const SEAL_SECRET = "audit-seal-key";

export interface TestTrail {
  db: Firestore;
  store: InMemorySecretStore;
  keys: SealKeys;
  log: LocalCloudLogging;
  recorder: FirestoreAuditRecorder;
  deps: SealerDeps & { shardCount: number };
  /** Records `n` events (of users u-0…) and answers their ids in order. */
  record(n: number, event?: (i: number) => NewAuditEvent): Promise<string[]>;
}

export async function testTrail(
  options: { shardCount?: number; batchSize?: number } = {},
): Promise<TestTrail> {
  const db = adminDb();
  const store = new InMemorySecretStore();
  await store.addVersion(SEAL_SECRET, "integration-seal-key-not-secret");
  const keys = new SealKeys(store, SEAL_SECRET);
  const log = new LocalCloudLogging();
  const shardCount = options.shardCount ?? 4;
  const recorder = new FirestoreAuditRecorder(db, { shardCount, log });
  const deps = {
    db,
    keys,
    log,
    shardCount,
    settleDelayMs: 0,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  };
  return {
    db,
    store,
    keys,
    log,
    recorder,
    deps,
    async record(n, event) {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const fallback = frontDeskRead({
          agent: { uid: `u-${i % 5}`, role: "staff", kind: "user", breakGlass: false },
          patientIds: [`patient-${i}`],
        });
        ids.push(await recorder.record(event ? event(i) : fallback));
      }
      return ids;
    },
  };
}
