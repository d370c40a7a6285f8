// The compliance report for a period of clinic days: totals by action, outcome, entity
// type and purpose of use, access volume per day, the most active users, the security
// alerts raised, and (for the daily review) the verifier's verdict. Audit data only. The
// events are read once, in order, a page at a time; the CSV rows are collected in the same pass.
import { DateTime } from "luxon";
import {
  Timestamp,
  type Firestore,
  type QueryDocumentSnapshot,
} from "firebase-admin/firestore";
import { AUDIT_EVENTS, SECURITY_ALERTS } from "./collections.ts";
import type { Finding } from "./findings.ts";
import { toView, type AuditEventView } from "./view.ts";

/** More rows than this are left out of the CSV (the JSON totals still count them). */
export const MAX_CSV_ROWS = 50_000;

export interface ReportPeriod {
  /** First and last clinic day, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  timeZone: string;
}

export interface DayVolume {
  date: string;
  events: number;
  reads: number;
  changes: number;
  denied: number;
  failed: number;
}

export interface ReportAlert {
  id: string;
  rule: string;
  severity: string;
  createdAt: string;
  subjectUid: string | null;
  acknowledged: boolean;
}

export interface VerificationSummary {
  ok: boolean;
  checkedEvents: number;
  checkedSeals: number;
  findings: number;
  byKind: Record<string, number>;
  /** The first findings, each naming its event or seal. */
  sample: Finding[];
}

export interface ComplianceReport {
  period: ReportPeriod & { start: string; end: string };
  generatedAt: string;
  totals: {
    events: number;
    byAction: Record<string, number>;
    byOutcome: Record<string, number>;
    byEntityType: Record<string, number>;
    byPurposeOfUse: Record<string, number>;
    distinctUsers: number;
    distinctPatients: number;
    breakGlass: number;
    highSeverity: number;
  };
  perDay: DayVolume[];
  topUsers: Array<{ uid: string; events: number; denied: number }>;
  alerts: ReportAlert[];
  verification?: VerificationSummary;
}

export interface ReportResult {
  report: ComplianceReport;
  rows: AuditEventView[];
  /** True when the period held more events than MAX_CSV_ROWS. */
  truncated: boolean;
}

export function periodBounds(period: ReportPeriod): { start: Date; end: Date } {
  const start = DateTime.fromISO(period.from, { zone: period.timeZone }).startOf("day");
  const end = DateTime.fromISO(period.to, { zone: period.timeZone })
    .startOf("day")
    .plus({ days: 1 });
  if (!start.isValid || !end.isValid || end <= start) {
    throw new RangeError("invalid report period");
  }
  return { start: start.toJSDate(), end: end.toJSDate() };
}

function daysOf(period: ReportPeriod): string[] {
  const days: string[] = [];
  let day = DateTime.fromISO(period.from, { zone: period.timeZone });
  const last = DateTime.fromISO(period.to, { zone: period.timeZone });
  while (day <= last) {
    days.push(day.toISODate()!);
    day = day.plus({ days: 1 });
  }
  return days;
}

function bump(counts: Record<string, number>, key: string | undefined | null): void {
  const name = key ?? "(none)";
  counts[name] = (counts[name] ?? 0) + 1;
}

function iso(value: unknown): string {
  return value instanceof Timestamp ? value.toDate().toISOString() : "";
}

async function alertsOf(db: Firestore, start: Date, end: Date): Promise<ReportAlert[]> {
  const snapshot = await db
    .collection(SECURITY_ALERTS)
    .where("createdAt", ">=", Timestamp.fromDate(start))
    .where("createdAt", "<", Timestamp.fromDate(end))
    .orderBy("createdAt")
    .get();
  return snapshot.docs.map((doc) => {
    const data = doc.data();
    return {
      id: doc.id,
      rule: String(data["rule"] ?? ""),
      severity: String(data["severity"] ?? ""),
      createdAt: iso(data["createdAt"]),
      subjectUid: typeof data["subjectUid"] === "string" ? data["subjectUid"] : null,
      acknowledged: data["acknowledgedAt"] != null,
    };
  });
}

/** The period's events in time order, a page at a time. */
async function* eventsOf(
  db: Firestore,
  start: Date,
  end: Date,
): AsyncGenerator<QueryDocumentSnapshot> {
  const base = db
    .collection(AUDIT_EVENTS)
    .where("recorded", ">=", Timestamp.fromDate(start))
    .where("recorded", "<", Timestamp.fromDate(end))
    .orderBy("recorded");
  let last: QueryDocumentSnapshot | undefined;
  for (;;) {
    const page = await (last ? base.startAfter(last) : base).limit(PAGE).get();
    yield* page.docs;
    if (page.docs.length < PAGE) return;
    last = page.docs[page.docs.length - 1];
  }
}

const PAGE = 1000;

export async function buildReport(
  db: Firestore,
  period: ReportPeriod,
  options: { now?: Date; collectRows?: boolean } = {},
): Promise<ReportResult> {
  const { start, end } = periodBounds(period);
  const perDay = new Map<string, DayVolume>(
    daysOf(period).map((date) => [
      date,
      { date, events: 0, reads: 0, changes: 0, denied: 0, failed: 0 },
    ]),
  );
  const totals: ComplianceReport["totals"] = {
    events: 0,
    byAction: {},
    byOutcome: {},
    byEntityType: {},
    byPurposeOfUse: {},
    distinctUsers: 0,
    distinctPatients: 0,
    breakGlass: 0,
    highSeverity: 0,
  };
  const users = new Map<string, { events: number; denied: number }>();
  const patients = new Set<string>();
  const rows: AuditEventView[] = [];
  let truncated = false;

  for await (const doc of eventsOf(db, start, end)) {
    const event = toView(doc);
    totals.events += 1;
    bump(totals.byAction, event.action);
    bump(totals.byOutcome, event.outcome);
    bump(totals.byEntityType, event.entity?.type);
    bump(totals.byPurposeOfUse, event.purposeOfUse);
    if (event.agent?.breakGlass) totals.breakGlass += 1;
    if (event.severity === "high") totals.highSeverity += 1;
    for (const id of event.patientIds ?? []) patients.add(id);
    if (event.agent?.uid) {
      const user = users.get(event.agent.uid) ?? { events: 0, denied: 0 };
      user.events += 1;
      if (event.outcome === "denied") user.denied += 1;
      users.set(event.agent.uid, user);
    }
    const date = DateTime.fromISO(event.recorded, { zone: period.timeZone }).toISODate();
    const day = date ? perDay.get(date) : undefined;
    if (day) {
      day.events += 1;
      if (event.action === "read") day.reads += 1;
      if (["create", "update", "delete"].includes(event.action)) day.changes += 1;
      if (event.outcome === "denied") day.denied += 1;
      if (event.outcome === "failed") day.failed += 1;
    }
    if (options.collectRows) {
      if (rows.length < MAX_CSV_ROWS) rows.push(event);
      else truncated = true;
    }
  }
  totals.distinctUsers = users.size;
  totals.distinctPatients = patients.size;

  const topUsers = [...users.entries()]
    .map(([uid, counts]) => ({ uid, ...counts }))
    .sort((a, b) => b.events - a.events || a.uid.localeCompare(b.uid))
    .slice(0, 10);

  const report: ComplianceReport = {
    period: { ...period, start: start.toISOString(), end: end.toISOString() },
    generatedAt: (options.now ?? new Date()).toISOString(),
    totals,
    perDay: [...perDay.values()],
    topUsers,
    alerts: await alertsOf(db, start, end),
  };
  return { report, rows, truncated };
}

export function summarizeVerification(result: {
  ok: boolean;
  checkedEvents: number;
  checkedSeals: number;
  findings: Finding[];
}): VerificationSummary {
  const byKind: Record<string, number> = {};
  for (const f of result.findings) bump(byKind, f.kind);
  return {
    ok: result.ok,
    checkedEvents: result.checkedEvents,
    checkedSeals: result.checkedSeals,
    findings: result.findings.length,
    byKind,
    sample: result.findings.slice(0, 50),
  };
}
