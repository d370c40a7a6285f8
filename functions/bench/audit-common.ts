// Shared by the audit benchmarks: the emulator, a clean database, the seal key, figures.
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { SealKeys } from "../src/audit/keys.ts";
import { LocalCloudLogging } from "../src/platform/cloudLogging.ts";
import { InMemorySecretStore } from "../src/platform/secrets.ts";

export const PROJECT_ID = "demo-tebra-bridge";

export function emulatorHost(): string {
  const host = process.env.FIRESTORE_EMULATOR_HOST;
  if (!host) {
    throw new Error(
      "FIRESTORE_EMULATOR_HOST is not set: run the benchmarks with scripts/bench-audit.sh, " +
        "which starts the Firestore emulator",
    );
  }
  return host;
}

export function benchDb(): Firestore {
  emulatorHost();
  process.env.GCLOUD_PROJECT ??= PROJECT_ID;
  return getFirestore(getApps()[0] ?? initializeApp({ projectId: PROJECT_ID }));
}

export async function clearDatabase(): Promise<void> {
  const url =
    `http://${emulatorHost()}/emulator/v1/projects/${PROJECT_ID}` +
    "/databases/(default)/documents";
  const response = await fetch(url, { method: "DELETE" });
  if (!response.ok)
    throw new Error(`clearing the emulator failed: HTTP ${response.status}`);
}

export async function benchTrailDeps(db: Firestore) {
  const store = new InMemorySecretStore();
  await store.addVersion("audit-seal-key", "bench-seal-key-not-secret");
  return {
    db,
    keys: new SealKeys(store, "audit-seal-key"),
    log: new LocalCloudLogging(),
    settleDelayMs: 0,
    maxSealsPerShard: 1_000_000,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Runs `work` and answers the live heap it added at its peak, in MiB, over the live heap
 * before it started. Live means after a full collection: node must run with --expose-gc,
 * and the heap is sampled after a collection every half second. (Without the collection,
 * the figure is mostly garbage awaiting collection, and grows with the speed of the run.)
 */
export async function withPeakHeap<T>(work: () => Promise<T>): Promise<[T, number]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run node with --expose-gc to measure the live heap");
  const live = () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const before = live();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, live())), 500);
  try {
    const result = await work();
    return [result, round((peak - before) / 1024 / 1024, 1)];
  } finally {
    clearInterval(timer);
  }
}
