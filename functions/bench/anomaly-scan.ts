// Benchmark of the anomaly scan on the Firestore emulator: events scanned per second over a
// seeded trail of clinic weeks (20 front-desk users, 20 providers) with one incident per
// rule, at two trail sizes and two page sizes; the scan's live heap (measured after a full
// collection, once a second), which should not grow with the events since the scan keeps
// one state per user; and the rules' own speed in memory. Also checks what the tests
// check: each rule fires once on its incident and the normal weeks raise nothing.
// Run it with scripts/bench-anomaly.sh, which starts the emulator; prints JSON lines.
import type { Timestamp } from "firebase-admin/firestore";
import { cpus, loadavg } from "node:os";
import { DateTime } from "luxon";
import { ClinicClock } from "../src/jobs/anomaly/clinicHours.ts";
import { ANOMALY_RULES, AnomalyRules } from "../src/jobs/anomaly/rules.ts";
import { readScanEvent } from "../src/jobs/anomaly/scanEvent.ts";
import { runAnomalyScan, subjectOf } from "../src/jobs/anomaly/scan.ts";
import { emptyUserState, type UserState } from "../src/jobs/anomaly/userState.ts";
import { DEFAULT_ANOMALY_SETTINGS } from "../src/jobs/anomaly/settings.ts";
import {
  INACTIVE_UID,
  PRACTICE_ZONE,
  incident,
  normalWeek,
  seedEvents,
  type SeededEvent,
} from "../test/support/anomalyWeek.ts";
import { benchDb, clearDatabase, round } from "./audit-common.ts";

const SIZES = (process.env.ANOMALY_BENCH_SIZES ?? "25000,100000").split(",").map(Number);
const PAGE_SIZES = (process.env.ANOMALY_BENCH_PAGE_SIZES ?? "1000,5000")
  .split(",")
  .map(Number);
// Far enough ahead that an inactive profile written now predates every event.
const FIRST_WEEK = DateTime.now()
  .setZone(PRACTICE_ZONE)
  .startOf("week")
  .plus({ weeks: 2 });

function trail(size: number): SeededEvent[] {
  const events: SeededEvent[] = [];
  for (let week = 0; events.length < size; week++) {
    const weekStart = FIRST_WEEK.plus({ weeks: week });
    events.push(
      ...normalWeek({ weekStart, staff: 20, providers: 20, idPrefix: `w${week}` }),
    );
  }
  events.sort((a, b) => a.data.recorded.getTime() - b.data.recorded.getTime());
  // The incidents fall in the second week, well inside the trail.
  const incidents = ANOMALY_RULES.flatMap((rule) =>
    incident(rule, FIRST_WEEK.plus({ weeks: 1 })),
  );
  return [...events.slice(0, size - incidents.length), ...incidents];
}

/** The rules alone, in memory, over the same trail: the scan's own cost without I/O. */
function foldInMemory(events: readonly SeededEvent[]) {
  const settings = DEFAULT_ANOMALY_SETTINGS;
  const rules = new AnomalyRules(
    settings,
    new ClinicClock(settings.clinicHours),
    () => false,
  );
  const scanEvents = events.map((e) => readScanEvent(e.id, e.data)!);
  const states = new Map<string, UserState>();
  let findings = 0;
  const started = performance.now();
  for (const event of scanEvents) {
    const subject = subjectOf(event);
    if (!subject) continue;
    let state = states.get(subject);
    if (!state) states.set(subject, (state = emptyUserState(subject)));
    rules.observe(state, event, () => (findings += 1));
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    bench: "anomaly-rules-in-memory",
    events: scanEvents.length,
    seconds: round(seconds, 3),
    eventsPerSecond: round(scanEvents.length / seconds),
    findings,
  };
}

/** Seeds the trail and lets go of it; answers the time of its last event. */
async function seed(size: number): Promise<{ last: number; seconds: number }> {
  const events = trail(size);
  console.log(JSON.stringify(foldInMemory(events)));
  const started = performance.now();
  await seedEvents(benchDb(), events);
  return {
    last: Math.max(...events.map((e) => e.data.recorded.getTime())),
    seconds: (performance.now() - started) / 1000,
  };
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc (scripts/bench-anomaly.sh does)");
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/**
 * Runs `work` while measuring the live heap once a second (after a full collection, so
 * garbage a page left behind does not count): the most the scan held at once, in MiB.
 */
async function withLiveHeap<T>(work: () => Promise<T>): Promise<[T, number]> {
  let peak = heapAfterGc();
  const timer = setInterval(() => {
    peak = Math.max(peak, heapAfterGc());
  }, 1000);
  try {
    const result = await work();
    return [result, peak];
  } finally {
    clearInterval(timer);
  }
}

/** Forgets what a previous scan wrote, keeping the seeded trail. */
async function resetScan(): Promise<void> {
  const db = benchDb();
  for (const collection of ["securityAlerts", "anomalyBaselines"]) {
    await db.recursiveDelete(db.collection(collection));
  }
  await db.doc("auditState/anomalyScan").delete();
}

async function benchOne(pageSize: number, last: number, seedSeconds: number) {
  const db = benchDb();
  await resetScan();
  const baselineHeapMiB = heapAfterGc();

  const started = performance.now();
  const [result, liveHeapMiB] = await withLiveHeap(() =>
    runAnomalyScan({
      db,
      settings: DEFAULT_ANOMALY_SETTINGS,
      now: () => last + 3600_000,
      pageSize,
      budgetMs: 3600_000,
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  const alerts = await db.collection("securityAlerts").get();
  const byRule = new Map<string, number>();
  for (const alert of alerts.docs) {
    const rule = alert.get("rule") as string;
    byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
  }
  const eachRuleOnce = ANOMALY_RULES.every((rule) => byRule.get(rule) === 1);
  const cursor = await db.doc("auditState/anomalyScan").get();
  return {
    bench: "anomaly-scan",
    events: result.eventsScanned,
    users: result.users,
    pageSize,
    seconds: round(seconds, 2),
    eventsPerSecond: round(result.eventsScanned / seconds),
    liveHeapGrowthMiB: round(liveHeapMiB - baselineHeapMiB, 1),
    alerts: alerts.size,
    eachRuleFiredOnce: eachRuleOnce,
    normalWeeksQuiet: alerts.size === ANOMALY_RULES.length && eachRuleOnce,
    caughtUp: result.caughtUp,
    cursorAt: (cursor.get("throughRecorded") as Timestamp | null)?.toDate().toISOString(),
    seedSeconds: round(seedSeconds, 1),
    // The machine's state: the emulator shares its cores with whatever else runs.
    cores: cpus().length,
    loadAverage1m: round(loadavg()[0]!, 1),
  };
}

for (const size of SIZES) {
  await clearDatabase();
  await benchDb().doc(`users/${INACTIVE_UID}`).set({ role: "staff", active: false });
  const { last, seconds } = await seed(size);
  // A first scan to warm the emulator up: right after a bulk load its queries are several
  // times slower, which would be measured as the scan's cost.
  await benchOne(PAGE_SIZES[0]!, last, seconds);
  for (const pageSize of PAGE_SIZES) {
    console.log(JSON.stringify(await benchOne(pageSize, last, seconds)));
  }
}
