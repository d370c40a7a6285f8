// Security alerts in `securityAlerts/{alertId}`: what the anomaly scan and the lockdown
// raise for an admin to review and acknowledge. An alert's id is derived from what it is
// about (rule, subject, time bucket), so a re-run or the next scan of the same incident
// updates one alert instead of adding another. Alerts hold ids and counts, never PHI, and
// nothing here deletes them: they are security documentation kept with the audit trail.
import { createHash } from "node:crypto";
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { SECURITY_ALERTS } from "../audit/collections.ts";
import * as logs from "../logs.ts";

/** The most event ids an alert keeps as its sample. */
export const ALERT_EVENT_SAMPLE = 20;

export type SecurityAlertSeverity = "medium" | "high";

export interface SecurityAlertDraft {
  rule: string;
  severity: SecurityAlertSeverity;
  subjectUid: string | null;
  /** What the alert is about within the rule: a time bucket, a clinic date, an event id. */
  bucket: string;
  window: { from: Date; to: Date };
  count: number;
  eventIds: readonly string[];
  /** The function that raised it. */
  raisedBy: string;
  /** A code saying why, when the raiser has one (a lockdown's reason). */
  reasonCode?: string;
}

/** The stored shape (timestamps as Firestore returns them). */
export interface SecurityAlert {
  rule: string;
  severity: SecurityAlertSeverity;
  subjectUid: string | null;
  bucket: string;
  window: { from: unknown; to: unknown };
  count: number;
  eventIds: string[];
  raisedBy: string;
  createdAt: unknown;
  updatedAt: unknown;
  acknowledgedAt: unknown;
  acknowledgedBy: string | null;
}

/** The deterministic id: rule, then a hash of subject and bucket (uids may hold any text). */
export function alertId(rule: string, subjectUid: string | null, bucket: string): string {
  const digest = createHash("sha256")
    .update(`${rule}\u0000${subjectUid ?? ""}\u0000${bucket}`, "utf8")
    .digest("hex");
  return `${rule}-${digest.slice(0, 24)}`;
}

function millis(value: unknown): number | null {
  const timestamp = value as { toMillis?: () => number } | null;
  return typeof timestamp?.toMillis === "function" ? timestamp.toMillis() : null;
}

/** Two drafts about the same alert, as one: widest window, largest count, joint sample. */
export function mergeDrafts(
  a: SecurityAlertDraft,
  b: SecurityAlertDraft,
): SecurityAlertDraft {
  return {
    ...a,
    window: {
      from: a.window.from <= b.window.from ? a.window.from : b.window.from,
      to: a.window.to >= b.window.to ? a.window.to : b.window.to,
    },
    count: Math.max(a.count, b.count),
    eventIds: [...new Set([...a.eventIds, ...b.eventIds])].slice(0, ALERT_EVENT_SAMPLE),
  };
}

export interface UpsertResult {
  id: string;
  created: boolean;
}

/**
 * Creates each alert, or widens the stored one. Counts are totals for the bucket, so
 * writing the same draft twice (a re-run) changes nothing. Acknowledgement stays as it was.
 * Logs `security.alert_raised` once per new alert, after it is stored.
 */
export async function upsertAlerts(
  db: Firestore,
  drafts: readonly SecurityAlertDraft[],
): Promise<UpsertResult[]> {
  const results: UpsertResult[] = [];
  // A transaction holds a bounded number of documents.
  for (let i = 0; i < drafts.length; i += 100) {
    const chunk = drafts.slice(i, i + 100);
    const written = await db.runTransaction(async (tx) => {
      const refs = chunk.map((d) =>
        db.collection(SECURITY_ALERTS).doc(alertId(d.rule, d.subjectUid, d.bucket)),
      );
      const snapshots = await tx.getAll(...refs);
      return snapshots.map((snapshot, index) => {
        const draft = chunk[index]!;
        const ref = refs[index]!;
        if (!snapshot.exists) {
          tx.create(ref, {
            rule: draft.rule,
            severity: draft.severity,
            subjectUid: draft.subjectUid,
            bucket: draft.bucket,
            window: draft.window,
            count: draft.count,
            eventIds: draft.eventIds.slice(0, ALERT_EVENT_SAMPLE),
            raisedBy: draft.raisedBy,
            ...(draft.reasonCode ? { reasonCode: draft.reasonCode } : {}),
            createdAt: FieldValue.serverTimestamp(),
            updatedAt: FieldValue.serverTimestamp(),
            acknowledgedAt: null,
            acknowledgedBy: null,
          });
          return { id: ref.id, created: true, draft };
        }
        const stored = snapshot.data() as SecurityAlert;
        const from = millis(stored.window?.from);
        const to = millis(stored.window?.to);
        const merged = mergeDrafts(
          {
            ...draft,
            window: {
              from: from === null ? draft.window.from : new Date(from),
              to: to === null ? draft.window.to : new Date(to),
            },
            count: typeof stored.count === "number" ? stored.count : 0,
            eventIds: Array.isArray(stored.eventIds) ? stored.eventIds : [],
          },
          draft,
        );
        const unchanged =
          merged.count === stored.count &&
          merged.window.from.getTime() === from &&
          merged.window.to.getTime() === to &&
          merged.eventIds.length === (stored.eventIds?.length ?? -1);
        if (unchanged) return { id: ref.id, created: false, draft };
        tx.update(ref, {
          window: merged.window,
          count: merged.count,
          eventIds: merged.eventIds,
          updatedAt: FieldValue.serverTimestamp(),
        });
        return { id: ref.id, created: false, draft };
      });
    });
    for (const { id, created, draft } of written) {
      if (created) {
        logs.securityAlertRaised({
          alertId: id,
          rule: draft.rule,
          alertSeverity: draft.severity,
          subjectUid: draft.subjectUid,
          count: draft.count,
        });
      }
      results.push({ id, created });
    }
  }
  return results;
}
