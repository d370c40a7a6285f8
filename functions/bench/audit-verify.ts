// Benchmark: the verifier's events per second on 100,000 sealed events on the Firestore
// emulator, and the live heap it adds at its peak (mostly the pages in hand, four shards at
// a time; the period's seals add a little per event), beside the floor: the same events
// read with plain pages, and hashed.
// Run with scripts/bench-audit.sh (it starts the emulator). Prints one JSON line.
//   AUDIT_BENCH_VERIFY_EVENTS  events to seed (default 100000)
import { performance } from "node:perf_hooks";
import {
  FieldPath,
  FieldValue,
  type DocumentData,
  type Firestore,
} from "firebase-admin/firestore";
import { AUDIT_EVENTS } from "../src/audit/collections.ts";
import { sealAll } from "../src/audit/sealer.ts";
import { shardOf } from "../src/audit/shard.ts";
import { eventLeafHash } from "../src/audit/seal.ts";
import { verifyAuditTrail } from "../src/audit/verifier.ts";
import {
  benchDb,
  benchTrailDeps,
  clearDatabase,
  round,
  withPeakHeap,
} from "./audit-common.ts";

const EVENTS = Number(process.env.AUDIT_BENCH_VERIFY_EVENTS ?? 100_000);

async function seed(db: Firestore): Promise<number> {
  const started = performance.now();
  // No ramp-up throttling: the emulator is not a production database warming up.
  const writer = db.bulkWriter({ throttling: false });
  writer.onWriteError((error) => error.failedAttempts < 5);
  for (let i = 0; i < EVENTS; i++) {
    const ref = db.collection(AUDIT_EVENTS).doc();
    void writer.create(ref, {
      action: i % 10 === 0 ? "update" : "read",
      outcome: i % 50 === 0 ? "denied" : "success",
      agent: { uid: `staff-${i % 40}`, role: "staff", kind: "user", breakGlass: false },
      entity: { type: "appointment", id: `appt-${i}`, fields: ["startTime", "status"] },
      patientIds: [`patient-${i % 5000}`],
      purposeOfUse: "HOPERAT",
      source: { function: "getAppointment", requestId: `seed-${i}` },
      severity: "normal",
      shard: shardOf(ref.id),
      recorded: FieldValue.serverTimestamp(),
    });
  }
  await writer.close();
  return (performance.now() - started) / 1000;
}

/**
 * The floor: every event read once with plain pages (no filter, no order but the id),
 * and, apart, the verifier's own work on them (canonical form and leaf hash per event).
 */
async function baseline(db: Firestore) {
  const started = performance.now();
  const all: Array<{ id: string; data: DocumentData }> = [];
  let query = db.collection(AUDIT_EVENTS).orderBy(FieldPath.documentId()).limit(5000);
  for (;;) {
    const page = await query.get();
    for (const doc of page.docs) all.push({ id: doc.id, data: doc.data() });
    const last = page.docs[page.docs.length - 1];
    if (!last || page.size < 5000) break;
    query = db
      .collection(AUDIT_EVENTS)
      .orderBy(FieldPath.documentId())
      .startAfter(last.id)
      .limit(5000);
  }
  const readSeconds = (performance.now() - started) / 1000;
  const hashStarted = performance.now();
  for (const event of all) eventLeafHash(event.id, event.data);
  const hashSeconds = (performance.now() - hashStarted) / 1000;
  return {
    plainReadEventsPerSecond: round(all.length / readSeconds),
    leafHashEventsPerSecond: round(all.length / hashSeconds),
  };
}

async function main() {
  const db = benchDb();
  await clearDatabase();
  const from = new Date(Date.now() - 60_000);
  const seedSeconds = await seed(db);

  const deps = await benchTrailDeps(db);
  const t0 = performance.now();
  const sealed = await sealAll(deps);
  const sealSeconds = (performance.now() - t0) / 1000;

  // The floor first, so that its copy of every event is garbage before the verifier runs.
  const floor = await baseline(db);
  const period = { from, to: new Date(Date.now() + 60_000) };
  const [result, peakHeapMiB] = await withPeakHeap(() => verifyAuditTrail(deps, period));
  const verifySeconds = result.durationMs / 1000;

  console.log(
    JSON.stringify({
      bench: "audit-verify",
      events: EVENTS,
      seed: { eventsPerSecond: round(EVENTS / seedSeconds) },
      sealer: {
        events: sealed.events,
        seals: sealed.seals,
        eventsPerSecond: round(sealed.events / sealSeconds),
      },
      verifier: {
        ok: result.ok,
        findings: result.findings.length,
        checkedEvents: result.checkedEvents,
        checkedSeals: result.checkedSeals,
        seconds: round(verifySeconds, 1),
        eventsPerSecond: round(result.checkedEvents / verifySeconds),
        addedLiveHeapPeakMiB: peakHeapMiB,
      },
      emulatorFloor: floor,
    }),
  );
}

await main();
process.exit(0);
