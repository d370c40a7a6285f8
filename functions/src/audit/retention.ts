// HIPAA asks for audit records to be kept at least six years (45 CFR 164.316(b)(2)). This
// backend keeps them for good: no job deletes them. A retention job asks this guard before
// it purges anything, and the guard refuses every path inside the audit trail.
import {
  AUDIT_EVENTS,
  AUDIT_SEALS,
  AUDIT_STATE,
  COMPLIANCE_REPORTS,
  SECURITY_ALERTS,
} from "./collections.ts";

/** Collections that no retention job, export-and-delete or cleanup may touch. */
export const PROTECTED_COLLECTIONS: readonly string[] = Object.freeze([
  AUDIT_EVENTS,
  AUDIT_SEALS,
  AUDIT_STATE,
  COMPLIANCE_REPORTS,
  // Security incidents are documentation HIPAA asks to keep for six years as well.
  SECURITY_ALERTS,
]);

/** The minimum number of years audit data is kept (the trail keeps it longer). */
export const AUDIT_RETENTION_MIN_YEARS = 6;

export class ProtectedCollectionError extends Error {
  override name = "ProtectedCollectionError";
  readonly collection: string;

  constructor(collection: string) {
    super(`retention may not touch ${collection}: audit data is kept`);
    this.collection = collection;
  }
}

/** The protected collection a path lies in (any collection segment), or null. */
export function protectedCollectionOf(path: string): string | null {
  const segments = path.replace(/^\/+|\/+$/g, "").split("/");
  // Collection names sit at even positions: col/doc/col/doc…
  const found = segments.find(
    (segment, i) => i % 2 === 0 && PROTECTED_COLLECTIONS.includes(segment),
  );
  return found ?? null;
}

export function mayPurge(path: string): boolean {
  return protectedCollectionOf(path) === null;
}

/** Throws before a retention job deletes anything under a protected collection. */
export function assertMayPurge(path: string): void {
  const collection = protectedCollectionOf(path);
  if (collection) throw new ProtectedCollectionError(collection);
}
