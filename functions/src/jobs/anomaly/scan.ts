// The anomaly scan: reads the audit events committed since its cursor, in commit order and
// in pages, applies the rules per user, and raises security alerts. Its memory is one state
// per user (userState.ts), never the events: each page is folded in and let go.
//
// Each page ends with three writes, in this order, so that an interrupted run loses
// nothing and counts nothing twice: the page's alerts (idempotent upserts of bucket
// totals), the users' states (each marked with the last event it holds), then the cursor.
// A re-run reads the page again and skips, per user, what that user's state already holds.
// A lease on the cursor document keeps two runs from scanning at once.
import { createHash } from "node:crypto";
import {
  FieldPath,
  FieldValue,
  Timestamp,
  type Firestore,
  type QuerySnapshot,
} from "firebase-admin/firestore";
import { AUDIT_EVENTS, AUDIT_STATE } from "../../audit/collections.ts";
import {
  mergeDrafts,
  alertId,
  upsertAlerts,
  type SecurityAlertDraft,
} from "../../incident/securityAlerts.ts";
import { ClinicClock } from "./clinicHours.ts";
import { ProfileCache } from "./profiles.ts";
import { AnomalyRules, RULE_SEVERITY, type Finding } from "./rules.ts";
import { readScanEvent, type ScanEvent } from "./scanEvent.ts";
import type { AnomalySettings } from "./settings.ts";
import {
  ANOMALY_BASELINES,
  isAfter,
  readUserState,
  type Position,
  type UserState,
} from "./userState.ts";

export const SCAN_FUNCTION = "anomalyScan";
/** The scan's cursor and lease; audit state, so no retention job touches it. */
export const SCAN_STATE_PATH = `${AUDIT_STATE}/anomalyScan`;
/** Subject of denials by callers who were not signed in. */
export const ANONYMOUS_SUBJECT = "_anonymous";

export interface ScanOptions {
  db: Firestore;
  settings: AnomalySettings;
  /** Milliseconds since the epoch; injected so tests control time. */
  now?: () => number;
  pageSize?: number;
  /**
   * Events younger than this are left for the next run: the scan's clock and Firestore's
   * commit times may differ by a little.
   */
  lagMs?: number;
  /** No new page is started after this long; the next run continues. */
  budgetMs?: number;
  runId?: string;
}

export interface ScanResult {
  status: "completed" | "busy";
  eventsScanned: number;
  /** Events an interrupted run had already folded in. */
  eventsSkipped: number;
  users: number;
  findings: number;
  alertsRaised: number;
  caughtUp: boolean;
  cursor: Position | null;
}

interface ScanState {
  through?: Position | null;
  lease?: { runId: string; until: Timestamp } | null;
}

const SELECTED_FIELDS = ["recorded", "agent", "outcome", "patientIds", "entity.id"];

function timestampOf(micros: number): Timestamp {
  const seconds = Math.floor(micros / 1_000_000);
  return new Timestamp(seconds, (micros - seconds * 1_000_000) * 1000);
}

/** Whose state an event belongs to; null for the system's own events. */
export function subjectOf(event: ScanEvent): string | null {
  if (event.kind === "system") return null;
  if (event.uid) return event.uid;
  return event.outcome === "denied" ? ANONYMOUS_SUBJECT : null;
}

/** The state document's id: the uid when it is a safe id, else a hash of it. */
export function baselineDocId(subject: string): string {
  if (/^[A-Za-z0-9_-]{1,128}$/.test(subject)) return subject;
  return `h-${createHash("sha256").update(subject, "utf8").digest("hex").slice(0, 40)}`;
}

function draftOf(finding: Finding): SecurityAlertDraft {
  return {
    rule: finding.rule,
    severity: RULE_SEVERITY[finding.rule],
    subjectUid: finding.subjectUid,
    bucket: finding.bucket,
    window: { from: new Date(finding.fromMs), to: new Date(finding.toMs) },
    count: finding.count,
    eventIds: finding.eventIds,
    raisedBy: SCAN_FUNCTION,
  };
}

/** Takes the lease unless another run holds it; answers the stored cursor. */
async function acquire(
  db: Firestore,
  runId: string,
  nowMs: number,
  leaseMs: number,
): Promise<{ cursor: Position | null } | null> {
  const ref = db.doc(SCAN_STATE_PATH);
  return db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    const state = (snapshot.data() ?? {}) as ScanState;
    const lease = state.lease;
    if (lease && lease.runId !== runId && lease.until.toMillis() > nowMs) return null;
    tx.set(
      ref,
      { lease: { runId, until: Timestamp.fromMillis(nowMs + leaseMs) } },
      { merge: true },
    );
    return { cursor: state.through ?? null };
  });
}

/** Gives the lease back, unless it expired and another run took it meanwhile. */
async function release(db: Firestore, runId: string): Promise<void> {
  const ref = db.doc(SCAN_STATE_PATH);
  await db.runTransaction(async (tx) => {
    const state = ((await tx.get(ref)).data() ?? {}) as ScanState;
    if (state.lease?.runId === runId) tx.update(ref, { lease: null });
  });
}

export async function runAnomalyScan(options: ScanOptions): Promise<ScanResult> {
  const { db, settings } = options;
  const now = options.now ?? Date.now;
  const pageSize = options.pageSize ?? 1000;
  const lagMs = options.lagMs ?? 60_000;
  const budgetMs = options.budgetMs ?? 180_000;
  const runId = options.runId ?? `${now()}-${Math.random().toString(36).slice(2)}`;
  const started = now();

  const result: ScanResult = {
    status: "completed",
    eventsScanned: 0,
    eventsSkipped: 0,
    users: 0,
    findings: 0,
    alertsRaised: 0,
    caughtUp: false,
    cursor: null,
  };
  const acquired = await acquire(db, runId, started, budgetMs + 120_000);
  if (!acquired) return { ...result, status: "busy" };
  let cursor = acquired.cursor;
  result.cursor = cursor;

  const states = new Map<string, UserState>();
  const profiles = new ProfileCache(db);
  const rules = new AnomalyRules(
    settings,
    new ClinicClock(settings.clinicHours),
    profiles.inactiveAt,
  );
  const upper = Timestamp.fromMillis(started - lagMs);

  try {
    for (;;) {
      if (result.eventsScanned >= settings.maxEventsPerRun) break;
      if (now() - started > budgetMs) break;

      const page = await pageAfter(db, cursor, upper, pageSize);
      if (page.empty) {
        result.caughtUp = true;
        break;
      }

      const events = page.docs
        .map((doc) => readScanEvent(doc.id, doc.data()))
        .filter((event): event is ScanEvent => event !== null);
      const subjects = subjectsOf(events);
      await loadStates(db, states, subjects);
      await profiles.load([...subjects].filter((s) => s !== ANONYMOUS_SUBJECT));

      const folded = foldPage(events, states, rules, result);
      const last = events[events.length - 1];
      if (last) cursor = { micros: last.recordedMicros, id: last.id };
      await commitPage(db, folded, states, cursor, result);
      result.cursor = cursor;
      if (page.size < pageSize) {
        result.caughtUp = true;
        break;
      }
    }
  } finally {
    await release(db, runId);
  }
  result.users = states.size;
  return result;
}

/** The next page of events in commit order, after `cursor` and up to `upper`. */
function pageAfter(
  db: Firestore,
  cursor: Position | null,
  upper: Timestamp,
  pageSize: number,
): Promise<QuerySnapshot> {
  let query = db
    .collection(AUDIT_EVENTS)
    .where("recorded", "<=", upper)
    .orderBy("recorded")
    .orderBy(FieldPath.documentId())
    .select(...SELECTED_FIELDS)
    .limit(pageSize);
  if (cursor) query = query.startAfter(timestampOf(cursor.micros), cursor.id);
  return query.get();
}

function subjectsOf(events: readonly ScanEvent[]): Set<string> {
  const subjects = new Set<string>();
  for (const event of events) {
    const subject = subjectOf(event);
    if (subject) subjects.add(subject);
  }
  return subjects;
}

interface FoldedPage {
  drafts: Map<string, SecurityAlertDraft>;
  /** Subjects whose state the page changed. */
  touched: Set<string>;
}

/** Applies the rules to a page of events, in order; no I/O. */
function foldPage(
  events: readonly ScanEvent[],
  states: Map<string, UserState>,
  rules: AnomalyRules,
  result: ScanResult,
): FoldedPage {
  const folded: FoldedPage = { drafts: new Map(), touched: new Set() };
  const report = (finding: Finding) => {
    result.findings += 1;
    const draft = draftOf(finding);
    const id = alertId(draft.rule, draft.subjectUid, draft.bucket);
    const seen = folded.drafts.get(id);
    folded.drafts.set(id, seen ? mergeDrafts(seen, draft) : draft);
  };
  for (const event of events) {
    result.eventsScanned += 1;
    const subject = subjectOf(event);
    if (!subject) continue;
    const state = states.get(subject)!;
    const position = { micros: event.recordedMicros, id: event.id };
    // Already folded in by a run that stopped before it moved the cursor.
    if (state.through && !isAfter(position, state.through)) {
      result.eventsSkipped += 1;
      continue;
    }
    rules.observe(state, event, report);
    folded.touched.add(subject);
  }
  return folded;
}

/** The page's three writes, in the order that makes a re-run safe (see the header). */
async function commitPage(
  db: Firestore,
  folded: FoldedPage,
  states: Map<string, UserState>,
  cursor: Position | null,
  result: ScanResult,
): Promise<void> {
  const upserted = await upsertAlerts(db, [...folded.drafts.values()]);
  result.alertsRaised += upserted.filter((u) => u.created).length;
  await saveStates(db, states, folded.touched);
  await db.doc(SCAN_STATE_PATH).set(
    {
      through: cursor,
      throughRecorded: cursor ? timestampOf(cursor.micros) : null,
      updatedAt: FieldValue.serverTimestamp(),
    },
    { merge: true },
  );
}

async function loadStates(
  db: Firestore,
  states: Map<string, UserState>,
  subjects: Set<string>,
): Promise<void> {
  const missing = [...subjects].filter((subject) => !states.has(subject));
  if (missing.length === 0) return;
  const refs = missing.map((s) => db.collection(ANOMALY_BASELINES).doc(baselineDocId(s)));
  const snapshots = await db.getAll(...refs);
  snapshots.forEach((snapshot, index) => {
    const subject = missing[index]!;
    const uid = subject === ANONYMOUS_SUBJECT ? null : subject;
    states.set(subject, readUserState(uid, snapshot.data()));
  });
}

async function saveStates(
  db: Firestore,
  states: Map<string, UserState>,
  touched: Set<string>,
): Promise<void> {
  const subjects = [...touched];
  for (let i = 0; i < subjects.length; i += 400) {
    const batch = db.batch();
    for (const subject of subjects.slice(i, i + 400)) {
      const ref = db.collection(ANOMALY_BASELINES).doc(baselineDocId(subject));
      batch.set(ref, {
        ...states.get(subject)!,
        updatedAt: FieldValue.serverTimestamp(),
      });
    }
    await batch.commit();
  }
}
