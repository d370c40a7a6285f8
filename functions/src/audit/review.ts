// The daily review: verifies the trail over the previous clinic day, builds that day's
// compliance report with the verdict in it, and stores it in `complianceReports`. The
// report's id is the date, so a retried run stores nothing twice. A trail that fails to
// verify raises a security alert naming the events concerned.
import { DateTime } from "luxon";
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { upsertAlerts } from "../incident/securityAlerts.ts";
import * as logs from "../logs.ts";
import { COMPLIANCE_REPORTS } from "./collections.ts";
import type { AuditRecorder } from "./event.ts";
import {
  buildReport,
  periodBounds,
  summarizeVerification,
  type ComplianceReport,
} from "./report.ts";
import { reportHtml } from "./reportFormats.ts";
import { verifyAuditTrail, type VerifyDeps } from "./verifier.ts";

export const DAILY_REVIEW_FUNCTION = "auditDailyReview";
export const INTEGRITY_RULE = "audit-integrity";

export interface ReviewDeps extends VerifyDeps {
  recorder: AuditRecorder;
  timeZone: string;
}

export interface ReviewResult {
  reportId: string;
  stored: boolean;
  report: ComplianceReport;
}

/** The clinic day before `now` in the practice's zone. */
export function previousClinicDay(now: Date, timeZone: string): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).minus({ days: 1 }).toISODate()!;
}

export function dailyReportId(date: string): string {
  return `daily-${date}`;
}

export async function dailyReview(
  deps: ReviewDeps,
  options: { date?: string; requestId: string },
): Promise<ReviewResult> {
  const now = (deps.now ?? (() => new Date()))();
  const date = options.date ?? previousClinicDay(now, deps.timeZone);
  const period = { from: date, to: date, timeZone: deps.timeZone };
  const { start, end } = periodBounds(period);

  const verification = await verifyAuditTrail(deps, { from: start, to: end });
  const { report } = await buildReport(deps.db, period, { now });
  report.verification = summarizeVerification(verification);

  const reportId = dailyReportId(date);
  const stored = await storeOnce(deps.db, reportId, report);
  if (!verification.ok)
    await raiseIntegrityAlert(deps.db, date, start, end, verification);

  await deps.recorder.record({
    action: "execute",
    outcome: "success",
    agent: { uid: null, role: null, kind: "system", breakGlass: false },
    entity: { type: "report", id: reportId },
    patientIds: [],
    purposeOfUse: "HCOMPL",
    source: { function: DAILY_REVIEW_FUNCTION, requestId: options.requestId },
    severity: verification.ok ? "normal" : "high",
  });
  return { reportId, stored, report };
}

async function storeOnce(
  db: Firestore,
  reportId: string,
  report: ComplianceReport,
): Promise<boolean> {
  try {
    await db
      .collection(COMPLIANCE_REPORTS)
      .doc(reportId)
      .create({
        kind: "daily",
        date: report.period.from,
        timeZone: report.period.timeZone,
        createdAt: FieldValue.serverTimestamp(),
        verified: report.verification?.ok ?? null,
        totalEvents: report.totals.events,
        report,
        html: reportHtml(report),
      });
  } catch (error) {
    if ((error as { code?: unknown }).code === 6 /* ALREADY_EXISTS */) return false;
    throw error;
  }
  logs.auditReportStored(reportId, report.totals.events);
  return true;
}

async function raiseIntegrityAlert(
  db: Firestore,
  date: string,
  from: Date,
  to: Date,
  verification: Awaited<ReturnType<typeof verifyAuditTrail>>,
): Promise<void> {
  const eventIds = verification.findings
    .map((f) => f.eventId)
    .filter((id): id is string => id !== null);
  await upsertAlerts(db, [
    {
      rule: INTEGRITY_RULE,
      severity: "high",
      subjectUid: null,
      bucket: date,
      window: { from, to },
      count: verification.findings.length,
      eventIds,
      raisedBy: DAILY_REVIEW_FUNCTION,
    },
  ]);
}
