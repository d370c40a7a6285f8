// Trigger on `users/{uid}`: records who changed a user's profile and which fields. Triggers
// are delivered at least once, so the event id is derived from the trigger's own event id
// and a second delivery finds the document already there and writes nothing.
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { onDocumentWritten } from "firebase-functions/firestore";
import { REGION } from "../config.ts";
import * as logs from "../logs.ts";
import { db } from "../platform/firebase.ts";
import { changedFields, changeKind } from "./changes.ts";

const FUNCTION_NAME = "auditUserChanges";

interface ProfileChange {
  eventId: string;
  uid: string;
  before: Record<string, unknown> | undefined;
  after: Record<string, unknown> | undefined;
}

/** Writes the audit event once; returns false when a prior delivery already wrote it. */
export async function recordProfileChange(
  firestore: Firestore,
  change: ProfileChange,
): Promise<boolean> {
  const id = `${FUNCTION_NAME}-${change.eventId}`;
  const action = changeKind(change.before, change.after);
  try {
    await firestore
      .collection("auditEvents")
      .doc(id)
      .create({
        action,
        entity: { type: "user", id: change.uid },
        fields: changedFields(change.before, change.after),
        source: { function: FUNCTION_NAME, eventId: change.eventId },
        recorded: FieldValue.serverTimestamp(),
      });
  } catch (error) {
    if ((error as { code?: number }).code === 6 /* ALREADY_EXISTS */) {
      logs.auditEventDuplicate(id);
      return false;
    }
    throw error;
  }
  logs.auditEventWritten(id, action, "user");
  return true;
}

export const auditUserChanges = onDocumentWritten(
  { document: "users/{uid}", region: REGION, retry: true },
  async (event) => {
    await recordProfileChange(db(), {
      eventId: event.id,
      uid: event.params.uid,
      before: event.data?.before.data(),
      after: event.data?.after.data(),
    });
  },
);
