// The audit event for a change to a PHI document, from one trigger delivery. Written once
// for every collection (triggers.ts instantiates it): which record, which fields changed
// (names only), and who made the change, as far as the delivery can tell.
//
// Who: Firestore's auth-context events carry the principal. An end user of the web app
// ("app_user") is named by uid. When the writer was the backend itself (a service account,
// e.g. a flow callable acting for a user) the `flowUpdatedBy` field, which the rules bind
// to the writer's uid, names the user. The Firestore emulator sends a fixed placeholder
// principal, so there only `flowUpdatedBy` names anyone (docs/audit.md).
import type { DocumentData } from "firebase-admin/firestore";
import { sha256Hex } from "./canonical.ts";
import { changedFields, changeKind } from "./changes.ts";
import type {
  AuditAgent,
  AuditRecorder,
  EntityType,
  NewAuditEvent,
  PurposeOfUse,
} from "./event.ts";
import { FIELD_NAME, IDENTIFIER, MAX_FIELDS } from "./schema.ts";

/** One delivery of a document-written event, as the trigger received it. */
export interface DocumentDelivery {
  eventId: string;
  params: Record<string, string>;
  before: DocumentData | undefined;
  after: DocumentData | undefined;
  /** The auth context (absent on triggers without it). */
  authType?: string;
  authId?: string;
}

export interface ChangeAuditSpec {
  /** The trigger's exported name: the first half of every event id it writes. */
  functionName: string;
  /** The document path pattern, e.g. "users/{uid}". */
  document: string;
  entityType: EntityType;
  entityId: (params: Record<string, string>) => string;
  patientIds?: (
    before: DocumentData | undefined,
    after: DocumentData | undefined,
  ) => string[];
  purposeOfUse: PurposeOfUse;
  /** Which changes matter enough to go to Cloud Logging at once. */
  isHighSeverity?: (fields: readonly string[]) => boolean;
}

/** An id as it may appear in the trail; anything else is replaced by a hash of it. */
export function safeId(value: unknown): string | null {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== "string" || value === "") return null;
  return IDENTIFIER.test(value) ? value : `h:${sha256Hex(value).slice(0, 32)}`;
}

/** A field name as the trail stores it; odd names are hashed (the name could be data). */
export function safeFieldName(name: string): string {
  return FIELD_NAME.test(name) ? name : `h:${sha256Hex(name).slice(0, 32)}`;
}

/** The deterministic id: the same delivery always maps to the same event. */
export function auditEventId(functionName: string, eventId: string): string {
  return `${functionName}-${safeId(eventId) ?? "no-event-id"}`;
}

const SERVICE_PRINCIPALS = new Set(["service_account", "api_key"]);

export function agentOf(
  delivery: DocumentDelivery,
  fields: readonly string[],
): AuditAgent {
  const authUid = delivery.authType === "app_user" ? safeId(delivery.authId) : null;
  if (authUid) {
    return {
      uid: authUid,
      role: null,
      kind: "user",
      breakGlass: false,
      identifiedBy: "auth-context",
    };
  }
  // A flow write sets flowUpdatedAt to the request time, so it always changes; the sync
  // job's writes leave both fields as the last flow write left them.
  const flowWrite = fields.includes("flowUpdatedAt") || fields.includes("flowUpdatedBy");
  const flowUser = flowWrite ? safeId(delivery.after?.["flowUpdatedBy"]) : null;
  if (flowUser) {
    return {
      uid: flowUser,
      role: null,
      kind: "user",
      breakGlass: false,
      identifiedBy: "flowUpdatedBy",
    };
  }
  const kind =
    delivery.authType === "unauthenticated"
      ? "user"
      : SERVICE_PRINCIPALS.has(delivery.authType ?? "")
        ? "service"
        : "system";
  return { uid: null, role: null, kind, breakGlass: false };
}

export function changeEvent(
  spec: ChangeAuditSpec,
  delivery: DocumentDelivery,
): NewAuditEvent {
  const { before, after } = delivery;
  const fields = changedFields(before, after).map(safeFieldName).slice(0, MAX_FIELDS);
  const patientIds = (spec.patientIds?.(before, after) ?? [])
    .map(safeId)
    .filter((id): id is string => id !== null);
  return {
    action: changeKind(before, after),
    outcome: "success",
    agent: agentOf(delivery, fields),
    entity: {
      type: spec.entityType,
      id: safeId(spec.entityId(delivery.params)) ?? "unknown",
      fields,
    },
    patientIds: [...new Set(patientIds)],
    purposeOfUse: spec.purposeOfUse,
    source: {
      function: spec.functionName,
      requestId: safeId(delivery.eventId) ?? "none",
    },
    severity: spec.isHighSeverity?.(fields) ? "high" : "normal",
  };
}

/** Records the change once; a second delivery of the same event writes nothing. */
export function recordDocumentChange(
  recorder: AuditRecorder,
  spec: ChangeAuditSpec,
  delivery: DocumentDelivery,
): Promise<string> {
  return recorder.record(changeEvent(spec, delivery), {
    id: auditEventId(spec.functionName, delivery.eventId),
  });
}
