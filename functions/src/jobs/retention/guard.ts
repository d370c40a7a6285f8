// What retention may never delete. The audit trail's own collections (auditEvents,
// auditSeals, auditState, complianceReports, securityAlerts) come from the trail's guard,
// audit/retention.ts. Retention keeps a few more, for reasons of its own:
//   - breakGlass: each grant is the evidence of an emergency access (who, which patient,
//     why, until when). It is kept as long as the audit events that point at it, so that
//     an auditor reviewing a break-glass event years later can read the grant behind it;
//     an expired grant is inert (every use compares `expiresAt` with the time).
//   - users and config: live state, not data that ages.
// Every path is checked here just before it is deleted, whatever plan asked for it.
import {
  PROTECTED_COLLECTIONS,
  ProtectedCollectionError,
} from "../../audit/retention.ts";
import { BREAK_GLASS } from "../../identity/patientAccess.ts";

export const NEVER_PURGED: readonly string[] = Object.freeze([
  ...PROTECTED_COLLECTIONS,
  BREAK_GLASS,
  "users",
  "config",
]);

/** The never-purged collection a path lies in (any collection segment), or null. */
export function neverPurgedCollectionOf(path: string): string | null {
  const segments = path.replace(/^\/+|\/+$/g, "").split("/");
  const found = segments.find(
    (segment, i) => i % 2 === 0 && NEVER_PURGED.includes(segment),
  );
  return found ?? null;
}

/** Throws before anything under a never-purged collection is deleted. */
export function assertRetentionMayDelete(path: string): void {
  const collection = neverPurgedCollectionOf(path);
  if (collection) throw new ProtectedCollectionError(collection);
}
