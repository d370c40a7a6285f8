// Audit events as auditors receive them: the stored event with its time as ISO 8601 UTC.
// Audit data only: ids, codes and field names, never PHI.
import { Timestamp, type DocumentSnapshot } from "firebase-admin/firestore";
import type { NewAuditEvent } from "./event.ts";

export interface AuditEventView extends NewAuditEvent {
  id: string;
  recorded: string;
  shard: number;
}

export function toView(doc: DocumentSnapshot): AuditEventView {
  const data: Record<string, unknown> = doc.data() ?? {};
  const recorded = data["recorded"];
  return {
    ...(data as unknown as NewAuditEvent),
    id: doc.id,
    recorded: recorded instanceof Timestamp ? recorded.toDate().toISOString() : "",
    shard: typeof data["shard"] === "number" ? data["shard"] : -1,
  };
}
