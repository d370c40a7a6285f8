// The patient cache: what the board shows of a patient (display name, date of birth),
// fetched from Tebra once and reused by every sync, keyed by Tebra's PatientID in
// `practices/{practiceId}/patientCache/{patientId}`.
//
// - Both values are encrypted with the FieldCipher, bound to the document and the field:
//   the cache is the backend's own copy, beyond what a day's schedule needs to show.
// - An entry is trusted for `maxAgeMs` after it was fetched; within that time Tebra's
//   LastModifiedDate decides: each run asks once (GetPatients with a last-modified window
//   starting at the practice's patient cursor, state.ts) which patients Tebra changed,
//   and replaces those entries only. Older entries are fetched again (and pruned by
//   `pruneStale`), so no change is missed for longer than `maxAgeMs` even if a window
//   was never asked (the sync did not run for a week).
// - Missing patients are fetched with GetPatient, a few at a time: the shared throttle
//   spaces the calls, and the concurrency only hides the latency of reserving a slot.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import type { FieldCipher } from "../../crypto/fieldCipher.ts";
import { associatedData } from "../../identity/breakGlass.ts";
import type { TebraPatient } from "../../tebra/results.ts";
import { PATIENT_CACHE, PRACTICES, patientCacheRef } from "./paths.ts";
import type { ModifiedRange, ScheduleSource } from "./source.ts";
import { displayName, type PatientDetails } from "./visitPlan.ts";

export interface PatientCacheOptions {
  db: Firestore;
  practiceId: string;
  cipher: FieldCipher;
  source: ScheduleSource;
  now: () => number;
  /** How long a fetched entry is trusted without a check against Tebra. */
  maxAgeMs: number;
  /** GetPatient calls in flight at once (the throttle still spaces them). */
  concurrency: number;
}

export interface PatientCacheStats {
  fromCache: number;
  fetched: number;
  notFound: number;
  refreshed: number;
}

interface StoredEntry {
  patientId: string;
  name: string;
  dob: string;
  /** Tebra's LastModifiedDate of the patient (ISO), "" when Tebra gave none. */
  tebraModifiedAt: string;
  fetchedAt: Timestamp;
}

export interface Lookup {
  details: Map<string, PatientDetails | null>;
  /** Patients not looked up because the run's time ran out. */
  pending: string[];
}

export function detailsOf(patient: TebraPatient): PatientDetails {
  return { name: displayName(patient), dob: patient.dateOfBirth ?? "" };
}

export class PatientCache {
  private readonly options: PatientCacheOptions;
  readonly stats: PatientCacheStats = {
    fromCache: 0,
    fetched: 0,
    notFound: 0,
    refreshed: 0,
  };

  constructor(options: PatientCacheOptions) {
    this.options = options;
  }

  private ref(patientId: string) {
    return patientCacheRef(this.options.db, this.options.practiceId, patientId);
  }

  private async seal(patientId: string, field: string, value: string): Promise<string> {
    return this.options.cipher.encrypt(
      value,
      associatedData(this.ref(patientId).path, field),
    );
  }

  private async open(patientId: string, field: string, value: unknown): Promise<string> {
    if (typeof value !== "string") throw new Error("cache entry without its field");
    return this.options.cipher.decrypt(
      value,
      associatedData(this.ref(patientId).path, field),
    );
  }

  /** Stores a patient as Tebra returned it; answers the board's details. */
  async store(patient: TebraPatient): Promise<PatientDetails> {
    const details = detailsOf(patient);
    const entry: StoredEntry = {
      patientId: patient.patientId,
      name: await this.seal(patient.patientId, "name", details.name),
      dob: await this.seal(patient.patientId, "dob", details.dob),
      tebraModifiedAt: patient.lastModifiedAt ?? "",
      fetchedAt: Timestamp.fromMillis(this.options.now()),
    };
    await this.ref(patient.patientId).set(entry);
    return details;
  }

  /**
   * Details for every patient id: fresh cache entries first, then GetPatient for the rest,
   * until `deadline` (ms). A patient Tebra does not know maps to null.
   */
  async lookup(patientIds: readonly string[], deadline: number): Promise<Lookup> {
    const details = new Map<string, PatientDetails | null>();
    const unique = [...new Set(patientIds)];
    const missing: string[] = [];
    const freshAfter = this.options.now() - this.options.maxAgeMs;

    for (let i = 0; i < unique.length; i += 300) {
      const ids = unique.slice(i, i + 300);
      const snapshots = await this.options.db.getAll(...ids.map((id) => this.ref(id)));
      for (const [index, snapshot] of snapshots.entries()) {
        const id = ids[index]!;
        const fetchedAt = (
          snapshot.get("fetchedAt") as Timestamp | undefined
        )?.toMillis();
        if (!snapshot.exists || fetchedAt === undefined || fetchedAt < freshAfter) {
          missing.push(id);
          continue;
        }
        try {
          details.set(id, {
            name: await this.open(id, "name", snapshot.get("name")),
            dob: await this.open(id, "dob", snapshot.get("dob")),
          });
        } catch {
          // Unreadable (a disabled key version, a moved field): fetch it again.
          missing.push(id);
          continue;
        }
        this.stats.fromCache++;
      }
    }

    const pending = await this.fetchAll(missing, details, deadline);
    return { details, pending };
  }

  private async fetchAll(
    ids: string[],
    into: Map<string, PatientDetails | null>,
    deadline: number,
  ): Promise<string[]> {
    let next = 0;
    const worker = async () => {
      while (next < ids.length && this.options.now() < deadline) {
        const id = ids[next++]!;
        const patient = await this.options.source.patient(id);
        if (!patient) {
          this.stats.notFound++;
          into.set(id, null);
          continue;
        }
        into.set(id, await this.store(patient));
        this.stats.fetched++;
      }
    };
    const workers = Math.max(1, Math.min(this.options.concurrency, ids.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return ids.slice(next);
  }

  /**
   * Asks Tebra which patients changed in `range` and replaces the cached entries of those
   * the practice has cached (or that `wanted` names). Answers the changed patients'
   * details.
   */
  async refresh(
    range: ModifiedRange,
    wanted: ReadonlySet<string>,
  ): Promise<Map<string, PatientDetails>> {
    const changed = await this.options.source.patientsModified(range);
    const out = new Map<string, PatientDetails>();
    if (changed.length === 0) return out;

    const byId = new Map(changed.map((patient) => [patient.patientId, patient]));
    const ids = [...byId.keys()];
    for (let i = 0; i < ids.length; i += 300) {
      const chunk = ids.slice(i, i + 300);
      const snapshots = await this.options.db.getAll(...chunk.map((id) => this.ref(id)));
      for (const [index, snapshot] of snapshots.entries()) {
        const id = chunk[index]!;
        if (!snapshot.exists && !wanted.has(id)) continue;
        const patient = byId.get(id)!;
        const stored = String(snapshot.get("tebraModifiedAt") ?? "");
        if (
          snapshot.exists &&
          stored !== "" &&
          stored === (patient.lastModifiedAt ?? "")
        ) {
          continue;
        }
        out.set(id, await this.store(patient));
        this.stats.refreshed++;
      }
    }
    return out;
  }

  /** Whether the practice has any cached patient (a first refresh is pointless if not). */
  async isEmpty(): Promise<boolean> {
    const any = await this.collection().limit(1).get();
    return any.empty;
  }

  private collection() {
    return this.options.db
      .collection(PRACTICES)
      .doc(this.options.practiceId)
      .collection(PATIENT_CACHE);
  }

  /** Removes entries older than the maximum age: they would be fetched again anyway. */
  async pruneStale(limit = 500): Promise<number> {
    const cutoff = Timestamp.fromMillis(this.options.now() - this.options.maxAgeMs);
    const stale = await this.collection()
      .where("fetchedAt", "<", cutoff)
      .limit(limit)
      .get();
    if (stale.empty) return 0;
    const batch = this.options.db.batch();
    for (const doc of stale.docs) batch.delete(doc.ref);
    await batch.commit();
    return stale.size;
  }
}
