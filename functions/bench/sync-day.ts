// Benchmark: the schedule sync of a 300-appointment day against a local Tebra that enforces
// Tebra's real intervals (rateScale 1), through the real client and the shared Firestore
// throttle on the Firestore emulator. Run with scripts/bench-sync.sh (it starts the
// emulator). Prints one JSON line per run, then a summary line.
//   SYNC_BENCH_APPOINTMENTS   appointments on the day (default 300)
//   SYNC_BENCH_MARGIN_MS      the throttle margin (default 300, TEBRA_THROTTLE_MARGIN_MS)
//
// Runs: (1) first sync of the day, empty cache; (2) again, nothing changed; (3) one
// appointment changed in Tebra. The floor of run 1 is what the rate limits alone allow:
// N distinct patients need N GetPatient calls spaced (interval + margin) apart, so
// (N - 1) x (interval + margin) between the first and the last; GetThrottles,
// GetAppointments and GetProviders are other operations with slots of their own.
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions";
import { DateTime } from "luxon";
import { performance } from "node:perf_hooks";
import { startLocalTebra } from "../dev/local-tebra/server.ts";
import { LOCAL_TEBRA_CREDENTIALS } from "../dev/local-tebra/credentials.ts";
import { FieldCipher, newFieldKey } from "../src/crypto/fieldCipher.ts";
import { syncDay, type SyncResult } from "../src/jobs/sync/run.ts";
import type { SyncSettings } from "../src/jobs/sync/settings.ts";
import { ClientScheduleSource } from "../src/jobs/sync/source.ts";
import { InMemorySecretStore } from "../src/platform/secrets.ts";
import { TebraClient } from "../src/tebra/client.ts";
import { fixedCredentials } from "../src/tebra/credentials.ts";
import { ALWAYS_ENABLED } from "../src/tebra/killSwitch.ts";
import { DEFAULT_RESILIENCE, createResilience } from "../src/tebra/resilience.ts";
import { FirestoreThrottle } from "../src/tebra/throttle.ts";
import { pinnedAgent } from "../src/tebra/tls.ts";
import { TebraTransport } from "../src/tebra/transport.ts";

const PROJECT_ID = "demo-tebra-bridge";
const APPOINTMENTS = Number(process.env.SYNC_BENCH_APPOINTMENTS ?? 300);
const MARGIN_MS = Number(process.env.SYNC_BENCH_MARGIN_MS ?? 300);
const DAY = "2026-11-17";
const ZONE = "America/Chicago";

const host = process.env.FIRESTORE_EMULATOR_HOST;
if (!host) {
  throw new Error(
    "FIRESTORE_EMULATOR_HOST is not set: run scripts/bench-sync.sh, which starts the " +
      "Firestore emulator",
  );
}

// The catalog's lines would flood stdout; count the ones that matter instead.
const events = new Map<string, number>();
logger.write = (entry) => {
  const event = String((entry as { event?: unknown }).event);
  events.set(event, (events.get(event) ?? 0) + 1);
};

async function clearDatabase(): Promise<void> {
  const url = `http://${host}/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`;
  const response = await fetch(url, { method: "DELETE" });
  if (!response.ok)
    throw new Error(`clearing the emulator failed: HTTP ${response.status}`);
}

const round = (value: number, digits = 1) =>
  Math.round(value * 10 ** digits) / 10 ** digits;

async function main() {
  process.env.GCLOUD_PROJECT ??= PROJECT_ID;
  const db = getFirestore(getApps()[0] ?? initializeApp({ projectId: PROJECT_ID }));
  await clearDatabase();

  const tebra = await startLocalTebra({
    port: 0,
    rateScale: 1,
    appointmentsPerDay: APPOINTMENTS,
  });
  const store = new InMemorySecretStore();
  await store.addVersion("field-encryption-key", newFieldKey());
  const cipher = new FieldCipher(store, { secretName: "field-encryption-key" });
  const client = new TebraClient({
    endpoint: tebra.url,
    practice: { id: "1", name: tebra.practice.practice.name },
    timeZone: ZONE,
    credentials: fixedCredentials({ ...LOCAL_TEBRA_CREDENTIALS }),
    throttle: new FirestoreThrottle(db, {
      marginMs: MARGIN_MS,
      maxWaitMs: 20_000,
      tableTtlMs: 6 * 3_600_000,
    }),
    killSwitch: ALWAYS_ENABLED,
    resilience: createResilience(DEFAULT_RESILIENCE),
    httpClient: new TebraTransport({ agent: pinnedAgent({ pins: [] }) }),
  });
  const settings: SyncSettings = {
    practiceId: "1",
    timeZone: ZONE,
    reconcileMs: 4 * 3_600_000,
    minIntervalMs: 60_000,
    patientCacheMaxAgeMs: 7 * 86_400_000,
    overlapMs: 5 * 60_000,
    leaseMs: 10 * 60_000,
    visitsPerTransaction: 100,
    patientConcurrency: 3,
  };

  let run = 0;
  async function measure(label: string) {
    run += 1;
    tebra.calls.clear();
    const source = new ClientScheduleSource(client);
    const started = performance.now();
    const result: SyncResult = await syncDay(
      { db, source, cipher, settings, now: Date.now },
      {
        date: DAY,
        trigger: "schedule",
        runId: `bench-${run}`,
        deadline: Date.now() + 3_600_000,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const calls = tebra.calls.list();
    const line = {
      bench: "sync-day",
      run: label,
      appointments: APPOINTMENTS,
      status: result.status,
      mode: result.mode,
      seconds: round(seconds, 2),
      visits: result.appointmentCount,
      created: result.created,
      updated: result.updated,
      patientsFetched: result.patientsFetched,
      patientsFromCache: result.patientsFromCache,
      tebraCalls: calls.length,
      callsByOperation: tebra.calls.counts(),
      throttledReplies: calls.filter((c) => c.outcome === "throttled").length,
      failedCalls: calls.filter((c) => c.outcome !== "ok").length,
    };
    console.log(JSON.stringify(line));
    return line;
  }

  const first = await measure("first-sync");
  const again = await measure("no-changes");
  const [one] = tebra.schedule.onDate(DAY).filter((a) => a.patientId !== null);
  tebra.schedule.replace({
    ...one!,
    status: "CheckedIn",
    modifiedAt: DateTime.now().toUTC().startOf("second"),
  });
  const changed = await measure("one-change");

  const intervals = tebra.throttleTable();
  const spacingMs = (intervals["GetPatient"] ?? 250) + MARGIN_MS;
  const floorSeconds = ((first.patientsFetched - 1) * spacingMs) / 1000;
  console.log(
    JSON.stringify({
      bench: "sync-day",
      run: "summary",
      node: process.version,
      appointments: APPOINTMENTS,
      distinctPatients: first.patientsFetched,
      getPatientIntervalMs: intervals["GetPatient"] ?? null,
      marginMs: MARGIN_MS,
      floorSeconds: round(floorSeconds, 2),
      firstSyncSeconds: first.seconds,
      ratioToFloor: round(first.seconds / floorSeconds, 3),
      throttledReplies:
        first.throttledReplies + again.throttledReplies + changed.throttledReplies,
      clientThrottledEvents: events.get("tebra.throttled") ?? 0,
      noChangeCalls: again.tebraCalls,
      oneChangeCalls: changed.tebraCalls,
    }),
  );
  await tebra.close();
}

await main();
process.exit(0);
