// The audit triggers on every PHI collection, one instance of the generic core each.
// Firestore delivers each change at least once and retries a failed delivery (retry: true);
// the event id is the function name plus the delivery's id, so a second delivery writes
// nothing new. The auth-context variant gives the writer's principal where Firestore has it.
import type { DocumentData } from "firebase-admin/firestore";
import { onDocumentWrittenWithAuthContext } from "firebase-functions/firestore";
import { REGION } from "../config.ts";
import { auditRecorder } from "./deps.ts";
import { recordDocumentChange, type ChangeAuditSpec } from "./documentChange.ts";

function patientOf(before: DocumentData | undefined, after: DocumentData | undefined) {
  const id: unknown = after?.["patientId"] ?? before?.["patientId"];
  return typeof id === "string" || typeof id === "number" ? [String(id)] : [];
}

const ACCESS_FIELDS = new Set(["role", "active", "practiceId", "disabled"]);

export const SCHEDULE_SPEC: ChangeAuditSpec = {
  functionName: "auditScheduleChanges",
  document: "practices/{practiceId}/schedules/{date}",
  entityType: "schedule",
  entityId: (params) => `${params["practiceId"]}:${params["date"]}`,
  purposeOfUse: "HOPERAT",
};

export const VISIT_SPEC: ChangeAuditSpec = {
  functionName: "auditVisitChanges",
  document: "practices/{practiceId}/schedules/{date}/visits/{appointmentId}",
  entityType: "visit",
  entityId: (params) => params["appointmentId"] ?? "",
  patientIds: patientOf,
  purposeOfUse: "HOPERAT",
};

export const USER_SPEC: ChangeAuditSpec = {
  functionName: "auditUserChanges",
  document: "users/{uid}",
  entityType: "user",
  entityId: (params) => params["uid"] ?? "",
  purposeOfUse: "HSYSADMIN",
  // A change of role, practice or active flag changes who may see PHI.
  isHighSeverity: (fields) => fields.some((field) => ACCESS_FIELDS.has(field)),
};

export const CONFIG_SPEC: ChangeAuditSpec = {
  functionName: "auditConfigChanges",
  document: "config/{docId}",
  entityType: "config",
  entityId: (params) => params["docId"] ?? "",
  purposeOfUse: "HSYSADMIN",
  // Kill switch, lockdown: every runtime switch matters.
  isHighSeverity: () => true,
};

function auditTrigger(spec: ChangeAuditSpec) {
  return onDocumentWrittenWithAuthContext(
    { document: spec.document, region: REGION, retry: true },
    async (event) => {
      const delivery = {
        eventId: event.id,
        params: event.params,
        before: event.data?.before.data(),
        after: event.data?.after.data(),
        authType: event.authType as string | undefined,
        authId: event.authId,
      };
      await recordDocumentChange(auditRecorder(), spec, delivery);
    },
  );
}

export const auditScheduleChanges = auditTrigger(SCHEDULE_SPEC);
export const auditVisitChanges = auditTrigger(VISIT_SPEC);
export const auditUserChanges = auditTrigger(USER_SPEC);
export const auditConfigChanges = auditTrigger(CONFIG_SPEC);
