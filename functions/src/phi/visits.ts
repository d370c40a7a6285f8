// The synced day in Firestore, as the PHI operations use it: the flow fields of each visit
// (what the board has recorded since the sync) are laid over Tebra's data, and a move made
// through a callable is written to the visit so the board sees it at once. Only a day the
// sync has written is touched: a missing visit means "not synced", never "create it".
import {
  FieldValue,
  Timestamp,
  type DocumentData,
  type Firestore,
} from "firebase-admin/firestore";
import { FLOW_STATUSES, STEP_TIMESTAMPS, type FlowStatus } from "../flow/status.ts";
import { dayRef, visitRef } from "../jobs/sync/paths.ts";

/** The flow fields of a visit, times as ISO 8601 UTC, plus what Tebra's rows lack. */
export interface VisitFlow {
  status: FlowStatus | null;
  room: string | null;
  checkedInAt: string | null;
  roomedAt: string | null;
  readyForProviderAt: string | null;
  seenByProviderAt: string | null;
  checkedOutAt: string | null;
  flowUpdatedAt: string | null;
  patientName: string | null;
  patientDob: string | null;
  appointmentReason: string | null;
}

export interface SyncedDay {
  /** When the sync last wrote the day; null when it never did. */
  syncedAt: string | null;
  visits: Map<string, VisitFlow>;
}

/** A time stamp as the rules write it (Timestamp) or as the sync may (ISO text). */
function isoOf(value: unknown): string | null {
  if (value instanceof Timestamp) return value.toDate().toISOString();
  if (typeof value === "string" && value !== "") return value;
  return null;
}

function textOf(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function statusOf(value: unknown): FlowStatus | null {
  return (FLOW_STATUSES as readonly unknown[]).includes(value)
    ? (value as FlowStatus)
    : null;
}

export function visitFlowOf(data: DocumentData): VisitFlow {
  return {
    status: statusOf(data["status"]),
    room: textOf(data["room"]),
    checkedInAt: isoOf(data["checkedInAt"]),
    roomedAt: isoOf(data["roomedAt"]),
    readyForProviderAt: isoOf(data["readyForProviderAt"]),
    seenByProviderAt: isoOf(data["seenByProviderAt"]),
    checkedOutAt: isoOf(data["checkedOutAt"]),
    flowUpdatedAt: isoOf(data["flowUpdatedAt"]),
    patientName: textOf(data["patientName"]),
    patientDob: textOf(data["patientDob"]),
    appointmentReason: textOf(data["appointmentReason"]),
  };
}

/** The day's schedule document and its visits (two reads, whatever the day's size). */
export async function readSyncedDay(
  firestore: Firestore,
  practiceId: string,
  date: string,
): Promise<SyncedDay> {
  const day = dayRef(firestore, practiceId, date);
  const [schedule, visits] = await Promise.all([
    day.get(),
    day.collection("visits").get(),
  ]);
  const flows = new Map<string, VisitFlow>();
  for (const visit of visits.docs) flows.set(visit.id, visitFlowOf(visit.data()));
  return {
    syncedAt: schedule.exists ? isoOf(schedule.get("syncedAt")) : null,
    visits: flows,
  };
}

export async function readVisit(
  firestore: Firestore,
  practiceId: string,
  date: string,
  appointmentId: string,
): Promise<VisitFlow | null> {
  const visit = await visitRef(firestore, practiceId, date, appointmentId).get();
  return visit.exists ? visitFlowOf(visit.data()!) : null;
}

export interface FlowMove {
  status: FlowStatus;
  /** Set with a move to roomed; absent leaves the room as it is. */
  room?: string;
  uid: string;
}

/** Firestore's NOT_FOUND, the answer of `update` on a missing document. */
function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 5;
}

/**
 * Writes the move to the visit, as the rules let the app write it: the status, the step's
 * time stamp, the room, who and when, at the server's time. Tebra's fields are the sync's
 * (jobs/sync/visitPlan.ts): its next run sees a newer local change and keeps it. Answers
 * false when the day is not synced (no visit to update).
 */
export async function recordMove(
  firestore: Firestore,
  visit: { practiceId: string; date: string; appointmentId: string },
  move: FlowMove,
): Promise<boolean> {
  const now = FieldValue.serverTimestamp();
  const update: Record<string, unknown> = {
    status: move.status,
    flowUpdatedBy: move.uid,
    flowUpdatedAt: now,
  };
  const step = STEP_TIMESTAMPS[move.status];
  if (step) update[step] = now;
  if (move.room !== undefined) update["room"] = move.room;
  try {
    await visitRef(firestore, visit.practiceId, visit.date, visit.appointmentId).update(
      update,
    );
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
