// The schedule sync against real parts: the Firestore emulator and a local Tebra on
// loopback, reached through the real client. Only the key store is in memory (Secret
// Manager has no local server).
import type { DocumentData } from "firebase-admin/firestore";
import { DateTime } from "luxon";
import type { LocalTebra } from "../../../../dev/local-tebra/server.ts";
import type { Appointment } from "../../../../dev/local-tebra/practice.ts";
import { FieldCipher, newFieldKey } from "../../../../src/crypto/fieldCipher.ts";
import { dayRef } from "../../../../src/jobs/sync/paths.ts";
import type { SyncDeps, SyncRequest } from "../../../../src/jobs/sync/run.ts";
import type { SyncSettings } from "../../../../src/jobs/sync/settings.ts";
import {
  ClientScheduleSource,
  type ScheduleSource,
} from "../../../../src/jobs/sync/source.ts";
import { InMemorySecretStore } from "../../../../src/platform/secrets.ts";
import type { TebraClient } from "../../../../src/tebra/client.ts";
import { adminDb } from "../../../support/admin.ts";
import { testClient } from "../../../support/tebra.ts";

export const KEY_SECRET = "field-encryption-key";
/** A Tuesday in November, clear of daylight-saving changes. */
export const DAY = "2026-11-17";

export const SETTINGS: SyncSettings = {
  practiceId: "1",
  timeZone: "America/Chicago",
  reconcileMs: 4 * 3_600_000,
  minIntervalMs: 60_000,
  patientCacheMaxAgeMs: 7 * 86_400_000,
  overlapMs: 5 * 60_000,
  leaseMs: 10 * 60_000,
  visitsPerTransaction: 100,
  patientConcurrency: 3,
};

export async function keyStore(): Promise<InMemorySecretStore> {
  const store = new InMemorySecretStore();
  await store.addVersion(KEY_SECRET, newFieldKey());
  return store;
}

export interface Harness {
  deps(overrides?: Partial<SyncDeps>): SyncDeps;
  client: TebraClient;
  cipher: FieldCipher;
}

export function harness(tebra: LocalTebra, store: InMemorySecretStore): Harness {
  const client = testClient(tebra.url);
  const cipher = new FieldCipher(store, { secretName: KEY_SECRET });
  return {
    client,
    cipher,
    deps: (overrides = {}) => ({
      db: adminDb(),
      source: new ClientScheduleSource(client),
      cipher,
      settings: SETTINGS,
      now: Date.now,
      ...overrides,
    }),
  };
}

let runs = 0;
export function request(overrides: Partial<SyncRequest> = {}): SyncRequest {
  runs += 1;
  return {
    date: DAY,
    trigger: "schedule",
    runId: `test-run-${runs}`,
    deadline: Date.now() + 60_000,
    ...overrides,
  };
}

/** The day's appointments that have a patient, as the local Tebra holds them. */
export function patientAppointments(tebra: LocalTebra, day = DAY): Appointment[] {
  return tebra.schedule.onDate(day).filter((a) => a.patientId !== null);
}

/** Changes an appointment in the local Tebra as a person in Tebra would, now. */
export function changeInTebra(
  tebra: LocalTebra,
  id: number,
  change: Partial<Appointment>,
  at: DateTime = DateTime.now(),
): Appointment {
  const current = tebra.schedule.get(id);
  if (!current) throw new Error(`no appointment ${id}`);
  return tebra.schedule.replace({
    ...current,
    ...change,
    modifiedAt: at.toUTC().startOf("second"),
  });
}

export async function visitsOf(day = DAY): Promise<Map<string, DocumentData>> {
  const snapshot = await dayRef(adminDb(), "1", day).collection("visits").get();
  return new Map(snapshot.docs.map((doc) => [doc.id, doc.data()]));
}

export async function updateTimes(day = DAY): Promise<Map<string, number>> {
  const snapshot = await dayRef(adminDb(), "1", day).collection("visits").get();
  return new Map(snapshot.docs.map((doc) => [doc.id, doc.updateTime.toMillis()]));
}

/** A source that fails on its `failOn`-th patient call, as a crash mid-run would. */
export function failingAfter(source: ScheduleSource, failOn: number): ScheduleSource {
  let patientCalls = 0;
  return {
    appointments: (day, modified) => source.appointments(day, modified),
    patient: (id) => {
      patientCalls += 1;
      if (patientCalls === failOn) return Promise.reject(new Error("interrupted"));
      return source.patient(id);
    },
    patientsModified: (range) => source.patientsModified(range),
    providers: () => source.providers(),
    get calls() {
      return source.calls;
    },
  };
}
