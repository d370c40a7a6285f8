// The retention core: removes operational data past its age, one target at a time, and
// records one audit event per target and run (counts only). Every path passes the guard
// (guard.ts) just before it is deleted, so no plan, however written, reaches audit data.
//
// Daily schedules go with everything under them (`recursiveDelete`): a plain delete of
// `schedules/{date}` would leave its `visits` behind, still readable by path. The schedule
// documents are found with `listDocuments`, which also lists a day whose own document is
// already gone but whose visits remain (what an older purge left), so those go too.
import type { BulkWriter, DocumentReference, Firestore } from "firebase-admin/firestore";
import { FieldPath, Timestamp } from "firebase-admin/firestore";
import { DateTime } from "luxon";
import type { AuditRecorder, EntityType } from "../../audit/event.ts";
import { RATE_LIMITS } from "../../limits/limiter.ts";
import * as logs from "../../logs.ts";
import { THROTTLE_COLLECTION } from "../../tebra/throttle.ts";
import { ANOMALY_BASELINES } from "../anomaly/userState.ts";
import { ProtectedCollectionError } from "../../audit/retention.ts";
import { assertRetentionMayDelete } from "./guard.ts";
import type { RetentionSettings } from "./settings.ts";

export const RETENTION_FUNCTION = "purgeExpiredData";

const DATE_ID = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
const PAGE = 500;

export type RetentionTarget =
  "schedules" | "rateLimits" | "tebraThrottle" | "anomalyBaselines";

export interface TargetResult {
  target: RetentionTarget;
  /** Documents deleted, subcollections included. */
  documents: number;
  /** What was older than this went: a clinic date, or an ISO time. */
  cutoff: string;
  outcome: "success" | "failed";
  errorName?: string;
  auditEventId?: string;
}

/** Raised when some deletes failed after the BulkWriter's own retries. */
export class PurgeIncompleteError extends Error {
  override name = "PurgeIncompleteError";
}

/** Counts the deletes a BulkWriter completes, and those that fail. */
export class CountingWriter {
  readonly writer: BulkWriter;
  private done = 0;
  private failed = 0;

  constructor(db: Firestore) {
    this.writer = db.bulkWriter();
    this.writer.onWriteResult(() => {
      this.done += 1;
    });
  }

  get count(): number {
    return this.done;
  }

  delete(ref: DocumentReference): void {
    assertRetentionMayDelete(ref.path);
    this.writer.delete(ref).catch(() => {
      this.failed += 1;
    });
  }

  /** Waits for every delete so far; throws when any failed. */
  async settle(): Promise<void> {
    await this.writer.flush();
    if (this.failed > 0) throw new PurgeIncompleteError(`${this.failed} deletes failed`);
  }
}

/** Schedules of clinic dates before `cutoffDate`, with their visits, in every practice. */
export async function purgeSchedules(
  db: Firestore,
  cutoffDate: string,
  counter: CountingWriter,
): Promise<number> {
  const before = counter.count;
  for (const practice of await db.collection("practices").listDocuments()) {
    const days = await practice.collection("schedules").listDocuments();
    for (const day of days) {
      if (!DATE_ID.test(day.id) || day.id >= cutoffDate) continue;
      assertRetentionMayDelete(day.path);
      await db.recursiveDelete(day, counter.writer);
    }
  }
  await counter.settle();
  return counter.count - before;
}

/** Documents whose timestamp `field` is before `cutoff`, page by page. */
export async function purgeByTimestamp(
  db: Firestore,
  collection: string,
  field: string,
  cutoff: Timestamp,
  counter: CountingWriter,
): Promise<number> {
  assertRetentionMayDelete(collection);
  const before = counter.count;
  for (;;) {
    const page = await db
      .collection(collection)
      .where(field, "<", cutoff)
      .select()
      .limit(PAGE)
      .get();
    for (const doc of page.docs) counter.delete(doc.ref);
    await counter.settle();
    if (page.size < PAGE) break;
  }
  return counter.count - before;
}

/** Documents not written since `cutoff` (their update time), page by page. */
export async function purgeIdle(
  db: Firestore,
  collection: string,
  cutoff: Timestamp,
  counter: CountingWriter,
): Promise<number> {
  assertRetentionMayDelete(collection);
  const before = counter.count;
  let last: string | null = null;
  for (;;) {
    let query = db
      .collection(collection)
      .orderBy(FieldPath.documentId())
      .select()
      .limit(PAGE);
    if (last !== null) query = query.startAfter(last);
    const page = await query.get();
    for (const doc of page.docs) {
      if (doc.updateTime.toMillis() < cutoff.toMillis()) counter.delete(doc.ref);
    }
    await counter.settle();
    if (page.size < PAGE) break;
    last = page.docs[page.docs.length - 1]!.id;
  }
  return counter.count - before;
}

export interface RetentionDeps {
  db: Firestore;
  recorder: AuditRecorder;
  settings: RetentionSettings;
  now: Date;
  /** Names the run in audit event ids: a retried run records a success only once. */
  runId: string;
}

interface Step {
  target: RetentionTarget;
  entityType: EntityType;
  cutoff: string;
  run: (counter: CountingWriter) => Promise<number>;
}

function steps(deps: RetentionDeps): Step[] {
  const { db, settings, now } = deps;
  const before = (days: number) => Timestamp.fromMillis(now.getTime() - days * DAY_MS);
  const scheduleCutoff = DateTime.fromJSDate(now, { zone: settings.practiceTimeZone })
    .minus({ days: settings.scheduleDays })
    .toISODate()!;
  const rateLimitCutoff = before(settings.rateLimitDays);
  const throttleCutoff = before(settings.throttleDays);
  const baselineCutoff = before(settings.anomalyBaselineDays);
  return [
    {
      target: "schedules",
      entityType: "schedule",
      cutoff: scheduleCutoff,
      run: (c) => purgeSchedules(db, scheduleCutoff, c),
    },
    {
      target: "rateLimits",
      entityType: "config",
      cutoff: rateLimitCutoff.toDate().toISOString(),
      run: (c) => purgeByTimestamp(db, RATE_LIMITS, "expiresAt", rateLimitCutoff, c),
    },
    {
      target: "tebraThrottle",
      entityType: "config",
      cutoff: throttleCutoff.toDate().toISOString(),
      run: (c) => purgeIdle(db, THROTTLE_COLLECTION, throttleCutoff, c),
    },
    {
      target: "anomalyBaselines",
      entityType: "config",
      cutoff: baselineCutoff.toDate().toISOString(),
      run: (c) => purgeIdle(db, ANOMALY_BASELINES, baselineCutoff, c),
    },
  ];
}

/** Runs every target; one that fails does not stop the others. */
export async function runRetention(deps: RetentionDeps): Promise<TargetResult[]> {
  const results: TargetResult[] = [];
  for (const step of steps(deps)) {
    const counter = new CountingWriter(deps.db);
    const result: TargetResult = {
      target: step.target,
      documents: 0,
      cutoff: step.cutoff,
      outcome: "success",
    };
    try {
      await step.run(counter);
      await counter.writer.close();
      result.documents = counter.count;
      logs.retentionPurged(step.target, result.documents, step.cutoff);
    } catch (error) {
      await counter.writer.close().catch(() => undefined);
      result.outcome = "failed";
      result.errorName = error instanceof Error ? error.name : typeof error;
      result.documents = counter.count;
      if (error instanceof ProtectedCollectionError) {
        logs.retentionRefused(step.target, error.collection);
      } else {
        logs.retentionFailed(step.target, result.errorName);
      }
    }
    result.auditEventId = await recordPurge(deps, step, result);
    results.push(result);
  }
  return results;
}

/** One event per target and run: what kind of data, older than what, how many went. */
function recordPurge(
  deps: RetentionDeps,
  step: Step,
  result: TargetResult,
): Promise<string> {
  return deps.recorder.record(
    {
      action: "delete",
      outcome: result.outcome,
      outcomeReason:
        result.outcome === "success"
          ? `deleted=${result.documents}`
          : `${result.errorName ?? "error"}:deleted=${result.documents}`,
      agent: { uid: null, role: null, kind: "system", breakGlass: false },
      entity: { type: step.entityType, id: `${step.target}:before=${step.cutoff}` },
      patientIds: [],
      purposeOfUse: "HSYSADMIN",
      source: { function: RETENTION_FUNCTION, requestId: deps.runId },
      severity: result.outcome === "success" ? "normal" : "high",
    },
    // A retry of the same night records a success once, and a failure beside it.
    { id: `${RETENTION_FUNCTION}-${deps.runId}-${step.target}-${result.outcome}` },
  );
}
