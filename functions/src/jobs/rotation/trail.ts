// Every rotation step leaves an audit event (entity type "credential", the entity a secret
// version such as "tebra-credentials:4", the fields the step changed by name: never a
// value), and the steps that need a person raise a security alert: a pending Tebra
// credential refused, a credential or key past the alert age.
import type { Firestore } from "firebase-admin/firestore";
import type {
  AuditAction,
  AuditAgent,
  AuditOutcome,
  AuditRecorder,
} from "../../audit/event.ts";
import { upsertAlerts, type SecurityAlertDraft } from "../../incident/securityAlerts.ts";

export const ROTATION_FUNCTION = "credentialRotation";

export const ALERT_RULES = {
  refused: "credential-refused",
  age: "credential-age",
  missing: "credential-missing",
} as const;

export interface RotationTrail {
  recorder: AuditRecorder;
  /** Stores a security alert (deduplicated) and answers its id. */
  alert: (draft: SecurityAlertDraft) => Promise<string>;
  /** The system for the schedule, the admin for the callable. */
  agent: AuditAgent;
  /** The function and request the events name as their source. */
  source: { function: string; requestId: string };
  now: () => number;
}

export interface StepEvent {
  action: AuditAction;
  secret: string;
  version: string | null;
  /** What the step changed, by name ("alias.current", "state", "value"). */
  fields: string[];
  outcome?: AuditOutcome;
  /** A code for a failure ("refused-credentials", "other-customer"). */
  reason?: string;
  severity?: "normal" | "high";
}

/** Records one step; resolves with the event id. */
export function recordStep(trail: RotationTrail, step: StepEvent): Promise<string> {
  return trail.recorder.record({
    action: step.action,
    outcome: step.outcome ?? "success",
    ...(step.reason ? { outcomeReason: step.reason } : {}),
    agent: trail.agent,
    entity: {
      type: "credential",
      id: step.version ? `${step.secret}:${step.version}` : step.secret,
      fields: step.fields,
    },
    patientIds: [],
    purposeOfUse: "HSYSADMIN",
    source: trail.source,
    severity: step.severity ?? "high",
  });
}

/** A security alert about a secret version, once per rule and version (re-runs update it). */
export async function raiseAlert(
  trail: RotationTrail,
  rule: string,
  secret: string,
  version: string | null,
  eventId: string,
  reasonCode?: string,
): Promise<string> {
  const at = new Date(trail.now());
  return trail.alert({
    rule,
    severity: "high",
    subjectUid: null,
    bucket: `${secret}:${version ?? "none"}`,
    window: { from: at, to: at },
    count: 1,
    eventIds: [eventId],
    raisedBy: ROTATION_FUNCTION,
    ...(reasonCode ? { reasonCode } : {}),
  });
}

/** Alerts in `securityAlerts`, as the anomaly scan and the lockdown store them. */
export function firestoreAlerts(db: Firestore): RotationTrail["alert"] {
  return async (draft) => {
    const [result] = await upsertAlerts(db, [draft]);
    return result!.id;
  };
}
