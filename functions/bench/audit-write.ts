// Benchmark: how many audit events per second the recorder stores on the Firestore
// emulator, flat out and paced at the 200/s design target, and how fast the sealer seals
// them. Run with scripts/bench-audit.sh (it starts the emulator). Prints one JSON line.
//   AUDIT_BENCH_EVENTS   events in the flat-out run (default 20000)
//   AUDIT_BENCH_SECONDS  length of the paced run (default 30)
import { performance } from "node:perf_hooks";
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import type { NewAuditEvent } from "../src/audit/event.ts";
import { FirestoreAuditRecorder } from "../src/audit/recorder.ts";
import { sealAll } from "../src/audit/sealer.ts";
import {
  benchDb,
  benchTrailDeps,
  clearDatabase,
  percentile,
  round,
} from "./audit-common.ts";

const EVENTS = Number(process.env.AUDIT_BENCH_EVENTS ?? 20_000);
const PACED_SECONDS = Number(process.env.AUDIT_BENCH_SECONDS ?? 30);
const TARGET_RATE = 200;
const IN_FLIGHT = 64;

function event(i: number): NewAuditEvent {
  return {
    action: "read",
    outcome: "success",
    agent: { uid: `staff-${i % 40}`, role: "staff", kind: "user", breakGlass: false },
    entity: { type: "appointment", id: `appt-${i}`, fields: ["startTime", "status"] },
    patientIds: [`patient-${i % 2000}`],
    purposeOfUse: "HOPERAT",
    source: { function: "getAppointment", requestId: `bench-${i}` },
    severity: "normal",
  };
}

/** The floor: the same documents written with a plain `create`, no validation. */
async function plainFloor(db: Firestore, count: number) {
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < count) {
      const i = next++;
      await db
        .collection("benchPlainWrites")
        .doc()
        .create({ ...event(i), shard: 0, recorded: FieldValue.serverTimestamp() });
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return {
    events: count,
    eventsPerSecond: round(count / ((performance.now() - started) / 1000)),
  };
}

async function flatOut(recorder: FirestoreAuditRecorder) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < EVENTS) {
      const i = next++;
      const t0 = performance.now();
      await recorder.record(event(i));
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    events: EVENTS,
    inFlight: IN_FLIGHT,
    eventsPerSecond: round(EVENTS / seconds),
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
  };
}

/** Starts one record every 1/200 s, as a busy clinic would, and measures what it gets. */
async function paced(recorder: FirestoreAuditRecorder) {
  const total = TARGET_RATE * PACED_SECONDS;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / TARGET_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const t0 = performance.now();
    pending.push(
      recorder.record(event(EVENTS + i)).then(() => {
        latencies.push(performance.now() - t0);
      }),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    targetPerSecond: TARGET_RATE,
    seconds: PACED_SECONDS,
    achievedPerSecond: round(total / seconds, 1),
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    maxMs: round(latencies[latencies.length - 1] ?? 0, 1),
  };
}

async function main() {
  const db = benchDb();
  await clearDatabase();
  const recorder = new FirestoreAuditRecorder(db);
  await recorder.record(event(-1)); // warm-up: connection and first write

  const burst = await flatOut(recorder);
  // After the flat-out run, so that the emulator is as warm for it as for the recorder.
  const floor = await plainFloor(db, 5_000);
  const steady = await paced(recorder);

  const deps = await benchTrailDeps(db);
  const t0 = performance.now();
  const sealed = await sealAll(deps);
  const sealSeconds = (performance.now() - t0) / 1000;

  const result = {
    bench: "audit-write",
    plainCreateFloor: floor,
    flatOut: burst,
    paced: steady,
    sealer: {
      events: sealed.events,
      seals: sealed.seals,
      eventsPerSecond: round(sealed.events / sealSeconds),
    },
  };
  console.log(JSON.stringify(result));
}

await main();
process.exit(0);
