// One sync of one clinic day: Tebra's appointments into the day's visits.
//
//   lease → mode → list (1 GetAppointments) → patient changes (≤ 1 GetPatients)
//   → chunks: patient details (cache, else GetPatient) → one transaction per chunk
//   → removals (full listings only) → the day document → cursors, lease released
//
// Idempotent: visits are keyed by Tebra's AppointmentID under the clinic-local date, a
// visit is written only when something in it changes (visitPlan.ts), and each chunk is one
// transaction that reads the visits again before writing them. A run that fails or runs out
// of time keeps what it wrote and leaves the cursors alone; the next run asks Tebra for the
// same changes and finds the written part unchanged.
//
// Incremental: between full listings (at least every `reconcileMs`), a run asks Tebra only
// for appointments changed since the day's cursor (its last-modified filters). A full
// listing is also how an appointment deleted in Tebra, or moved to another day, is found.
import type { DocumentData, Firestore } from "firebase-admin/firestore";
import type { FieldCipher } from "../../crypto/fieldCipher.ts";
import * as logs from "../../logs.ts";
import { flowStatusFromTebra } from "../../flow/status.ts";
import type { ScheduledAppointment } from "../../tebra/results.ts";
import { dayRef, patientCursorRef, syncStateRef, visitRef, VISITS } from "./paths.ts";
import { PatientCache } from "./patients.ts";
import { providerLabels } from "./providers.ts";
import type { ScheduleSource } from "./source.ts";
import {
  acquireLease,
  advancePatientCursor,
  finishRun,
  readPatientCursor,
  type RunSummary,
  type SyncCursor,
} from "./state.ts";
import type { SyncSettings } from "./settings.ts";
import {
  planPatientUpdate,
  planRemoval,
  planVisit,
  syncFieldsOf,
  type PatientDetails,
  type VisitPlan,
} from "./visitPlan.ts";

export interface SyncDeps {
  db: Firestore;
  source: ScheduleSource;
  cipher: FieldCipher;
  settings: SyncSettings;
  now: () => number;
}

export interface SyncRequest {
  /** The clinic-local date, YYYY-MM-DD. */
  date: string;
  /** Who asked: "schedule", or "staff" for the callable. */
  trigger: "schedule" | "staff";
  runId: string;
  /** List the whole day even if the last full listing is recent. */
  full?: boolean;
  /** Stop fetching patients after this time (ms since the epoch); the rest waits. */
  deadline: number;
}

export interface SyncResult {
  status: "completed" | "partial" | "busy";
  practiceId: string;
  date: string;
  mode: "full" | "incremental" | null;
  /** Visits on the day after the run. */
  appointmentCount: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Visits deleted because their appointment left the day in Tebra. */
  removed: number;
  /** Visits kept (flagged) although their appointment left the day: staff had moved them. */
  kept: number;
  /** Rows without a patient (a provider's blocked time): not visits. */
  skipped: number;
  /** Visits whose newer local status was kept over an older Tebra status. */
  keptLocalStatus: number;
  patientsFetched: number;
  patientsFromCache: number;
  patientsRefreshed: number;
  tebraCalls: number;
  /** This run's time (ISO). */
  syncedAt: string;
  durationMs: number;
}

type Counts = Pick<
  SyncResult,
  "created" | "updated" | "unchanged" | "removed" | "kept" | "keptLocalStatus"
>;

/** Turns a status text into a key safe to log: letters only, as the status map reads it. */
function statusKey(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z]/g, "")
      .slice(0, 40) || "empty"
  );
}

export class DaySync {
  private readonly deps: SyncDeps;
  private readonly request: SyncRequest;
  private readonly started: number;
  private readonly syncedAt: string;
  private readonly counts: Counts = {
    created: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    kept: 0,
    keptLocalStatus: 0,
  };
  private readonly unmapped = new Map<string, number>();
  private readonly onDay = new Set<string>();
  private readonly patients: PatientCache;

  constructor(deps: SyncDeps, request: SyncRequest) {
    this.deps = deps;
    this.request = request;
    this.started = deps.now();
    this.syncedAt = new Date(this.started).toISOString();
    this.patients = new PatientCache({
      db: deps.db,
      practiceId: deps.settings.practiceId,
      cipher: deps.cipher,
      source: deps.source,
      now: deps.now,
      maxAgeMs: deps.settings.patientCacheMaxAgeMs,
      concurrency: deps.settings.patientConcurrency,
    });
  }

  private get practiceId(): string {
    return this.deps.settings.practiceId;
  }

  async run(): Promise<SyncResult> {
    const { db, settings } = this.deps;
    const { date, runId } = this.request;
    const stateRef = syncStateRef(db, this.practiceId, date);
    const lease = await acquireLease(db, stateRef, runId, this.started, settings.leaseMs);
    if (!lease.acquired) return this.busy(lease.lastRun);

    let summary: RunSummary | null = null;
    const cursorUpdate: Partial<SyncCursor> = {};
    try {
      const result = await this.work(lease.cursor);
      summary = {
        runId,
        trigger: this.request.trigger,
        mode: result.mode ?? "incremental",
        complete: result.status === "completed",
        at: this.syncedAt,
        appointmentCount: result.appointmentCount,
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        removed: result.removed,
        kept: result.kept,
        tebraCalls: result.tebraCalls,
      };
      if (result.status === "completed") {
        cursorUpdate.appointmentsCheckedAt = this.syncedAt;
        if (result.mode === "full") cursorUpdate.lastFullListingAt = this.syncedAt;
      }
      return result;
    } finally {
      // Released on failure too, so the next run need not wait for the lease to expire.
      await finishRun(db, stateRef, runId, cursorUpdate, summary);
    }
  }

  private modeFor(cursor: SyncCursor): "full" | "incremental" {
    const lastFull = cursor.lastFullListingAt
      ? Date.parse(cursor.lastFullListingAt)
      : NaN;
    if (
      this.request.full ||
      !cursor.appointmentsCheckedAt ||
      !Number.isFinite(lastFull)
    ) {
      return "full";
    }
    return this.started - lastFull >= this.deps.settings.reconcileMs
      ? "full"
      : "incremental";
  }

  private async work(cursor: SyncCursor): Promise<SyncResult> {
    const { db, source, settings } = this.deps;
    const { date } = this.request;
    const mode = this.modeFor(cursor);

    const rows =
      mode === "full"
        ? await source.appointments(date)
        : await source.appointments(date, {
            from: new Date(
              Date.parse(cursor.appointmentsCheckedAt!) - settings.overlapMs,
            ).toISOString(),
            to: this.syncedAt,
          });
    const withPatient = rows.filter((row) => row.patientId);
    const skipped = rows.length - withPatient.length;

    const visitsSnapshot = await dayRef(db, this.practiceId, date)
      .collection(VISITS)
      .get();
    const visits = new Map<string, DocumentData>();
    for (const doc of visitsSnapshot.docs) {
      visits.set(doc.id, doc.data());
      this.onDay.add(doc.id);
    }

    const labels =
      withPatient.length > 0
        ? await providerLabels(db, this.practiceId, source, this.started)
        : new Map<string, string>();

    // Patients Tebra changed since the practice's cursor: their cache entries are replaced
    // before any row is looked up, and today's visits of them are corrected.
    const wanted = new Set<string>(withPatient.map((row) => row.patientId!));
    for (const visit of visits.values()) {
      if (typeof visit["patientId"] === "string") wanted.add(visit["patientId"]);
    }
    const changedPatients = await this.refreshPatients(wanted);
    if (changedPatients.size > 0) {
      await this.correctPatients(changedPatients, withPatient, visits);
    }
    // Only now: the changes up to here are in the cache and in today's visits.
    await advancePatientCursor(db, patientCursorRef(db, this.practiceId), this.syncedAt);

    let complete = true;
    for (let i = 0; i < withPatient.length; i += settings.visitsPerTransaction) {
      const chunk = withPatient.slice(i, i + settings.visitsPerTransaction);
      const lookup = await this.patients.lookup(
        chunk.map((row) => row.patientId!),
        this.request.deadline,
      );
      const ready = chunk.filter((row) => lookup.details.has(row.patientId!));
      await this.writeRows(ready, lookup.details, labels);
      if (ready.length < chunk.length) {
        complete = false;
        break;
      }
    }

    if (mode === "full") {
      const listed = new Set(rows.map((row) => row.appointmentId));
      const gone = [...visits.keys()].filter((id) => !listed.has(id));
      await this.removeVisits(gone);
    }
    if (mode === "full" && complete) await this.patients.pruneStale();

    await this.writeDay(mode, complete);
    this.logUnmapped();
    return {
      status: complete ? "completed" : "partial",
      practiceId: this.practiceId,
      date,
      mode,
      appointmentCount: this.onDay.size,
      ...this.counts,
      skipped,
      patientsFetched: this.patients.stats.fetched,
      patientsFromCache: this.patients.stats.fromCache,
      patientsRefreshed: this.patients.stats.refreshed,
      tebraCalls: source.calls,
      syncedAt: this.syncedAt,
      durationMs: this.deps.now() - this.started,
    };
  }

  /** One GetPatients over the window since the practice's patient cursor (none when
   *  nothing is cached yet). */
  private async refreshPatients(
    wanted: Set<string>,
  ): Promise<Map<string, PatientDetails>> {
    const { db, settings } = this.deps;
    const checkedAt = await readPatientCursor(patientCursorRef(db, this.practiceId));
    const oldestTrusted = this.started - settings.patientCacheMaxAgeMs;
    let from: number;
    if (checkedAt) {
      from = Math.max(Date.parse(checkedAt) - settings.overlapMs, oldestTrusted);
    } else if (await this.patients.isEmpty()) {
      // Nothing cached: every entry from now on is fetched after the cursor's start.
      return new Map();
    } else {
      from = oldestTrusted;
    }
    return this.patients.refresh(
      { from: new Date(from).toISOString(), to: this.syncedAt },
      wanted,
    );
  }

  /** Today's visits of changed patients whose appointment is not being rewritten anyway;
   *  written before the patient cursor moves past the change. */
  private async correctPatients(
    changed: Map<string, PatientDetails>,
    rows: ScheduledAppointment[],
    visits: Map<string, DocumentData>,
  ): Promise<void> {
    const listed = new Set(rows.map((row) => row.appointmentId));
    const targets = [...visits.entries()]
      .filter(([id, visit]) => !listed.has(id) && changed.has(String(visit["patientId"])))
      .map(([id]) => id);
    const done = await this.transact(targets, (existing) => {
      if (!existing) return null;
      const details = changed.get(String(existing["patientId"]));
      return details ? planPatientUpdate(existing, details, this.syncedAt) : null;
    });
    this.count(done);
  }

  private async writeRows(
    rows: ScheduledAppointment[],
    details: Map<string, PatientDetails | null>,
    labels: Map<string, string>,
  ): Promise<void> {
    const byId = new Map(rows.map((row) => [row.appointmentId, row]));
    this.noteStatuses(rows);
    const done = await this.transact([...byId.keys()], (existing, id) => {
      const row = byId.get(id)!;
      const fields = syncFieldsOf(row, {
        practiceId: this.practiceId,
        date: this.request.date,
        patient: details.get(row.patientId!) ?? null,
        providerLabel: row.providerId ? (labels.get(row.providerId) ?? null) : null,
      });
      return planVisit(existing, fields, this.syncedAt);
    });
    this.count(done);
  }

  /** Visits whose appointment left the day: deleted, or kept and flagged (planRemoval). */
  private async removeVisits(ids: string[]): Promise<void> {
    const done = await this.transact(ids, (existing) =>
      existing ? planRemoval(existing, this.syncedAt) : null,
    );
    for (const { id, plan } of done) {
      if (plan.kind === "delete") {
        this.counts.removed++;
        this.onDay.delete(id);
      } else {
        this.counts.kept++;
      }
    }
  }

  /**
   * Plans and writes visits, a chunk per transaction: the transaction reads each visit
   * again, so a flow change made since the run started is planned against, not over.
   * Answers what was done to each visit, once the chunk is committed.
   */
  private async transact(
    ids: string[],
    plan: (existing: DocumentData | undefined, id: string) => VisitPlan | null,
  ): Promise<{ id: string; plan: VisitPlan }[]> {
    const { db, settings } = this.deps;
    const done: { id: string; plan: VisitPlan }[] = [];
    for (let i = 0; i < ids.length; i += settings.visitsPerTransaction) {
      const chunk = ids.slice(i, i + settings.visitsPerTransaction);
      const refs = chunk.map((id) =>
        visitRef(db, this.practiceId, this.request.date, id),
      );
      const planned = await db.runTransaction(async (tx) => {
        const snapshots = await tx.getAll(...refs);
        const out: { id: string; plan: VisitPlan }[] = [];
        for (const [index, snapshot] of snapshots.entries()) {
          const id = chunk[index]!;
          const ref = refs[index]!;
          const next = plan(snapshot.exists ? snapshot.data() : undefined, id);
          if (!next) continue;
          if (next.kind === "create") tx.create(ref, next.data);
          else if (next.kind === "update") tx.update(ref, next.data);
          else if (next.kind === "delete") tx.delete(ref);
          out.push({ id, plan: next });
        }
        return out;
      });
      done.push(...planned);
    }
    return done;
  }

  /** Counts what a transaction did to the visits of listed appointments. */
  private count(done: { id: string; plan: VisitPlan }[]): void {
    for (const { id, plan } of done) {
      if (plan.kind === "create") {
        this.counts.created++;
        this.onDay.add(id);
      } else if (plan.kind === "update") {
        this.counts.updated++;
      } else if (plan.kind === "unchanged") {
        this.counts.unchanged++;
      }
      if (plan.kind !== "delete" && plan.keptLocalStatus) this.counts.keptLocalStatus++;
    }
  }

  /** Tebra status texts the flow map does not know, counted by a loggable key. */
  private noteStatuses(rows: ScheduledAppointment[]): void {
    for (const row of rows) {
      const text = row.confirmationStatus ?? "Unknown";
      if (flowStatusFromTebra(text).mapped) continue;
      const key = statusKey(text);
      this.unmapped.set(key, (this.unmapped.get(key) ?? 0) + 1);
    }
  }

  private logUnmapped(): void {
    for (const [key, count] of this.unmapped) {
      logs.syncStatusUnmapped(this.practiceId, this.request.date, key, count);
    }
  }

  /** The day document the board reads: when it was synced, and how many visits it has. */
  private async writeDay(mode: "full" | "incremental", complete: boolean): Promise<void> {
    const { db, settings } = this.deps;
    const { date, trigger } = this.request;
    await dayRef(db, this.practiceId, date).set(
      {
        practiceId: this.practiceId,
        date,
        timeZone: settings.timeZone,
        appointmentCount: this.onDay.size,
        ...(complete ? { syncedAt: this.syncedAt } : {}),
        lastSync: { at: this.syncedAt, mode, complete, trigger },
      },
      { merge: true },
    );
  }

  private busy(lastRun: RunSummary | null): SyncResult {
    return {
      status: "busy",
      practiceId: this.practiceId,
      date: this.request.date,
      mode: null,
      appointmentCount: lastRun?.appointmentCount ?? 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      removed: 0,
      kept: 0,
      skipped: 0,
      keptLocalStatus: 0,
      patientsFetched: 0,
      patientsFromCache: 0,
      patientsRefreshed: 0,
      tebraCalls: 0,
      syncedAt: lastRun?.at ?? this.syncedAt,
      durationMs: this.deps.now() - this.started,
    };
  }
}

/** Runs one day's sync. */
export function syncDay(deps: SyncDeps, request: SyncRequest): Promise<SyncResult> {
  return new DaySync(deps, request).run();
}
