// The day's sync state (`…/schedules/{date}/sync/state`): how far Tebra's changes have been
// taken in, and a lease so that two runs of the same day (the schedule and a member of
// staff, or two instances) never work at once. The cursors move only when a run completes;
// a run that fails or runs out of time leaves them where they were, so the next run asks
// Tebra for the same changes again and finds the part already written unchanged.
import type { DocumentReference, Firestore } from "firebase-admin/firestore";

export interface SyncCursor {
  /** Tebra changes up to this instant (ISO) are in the visits. */
  appointmentsCheckedAt: string | null;
  /** When a complete listing of the day (which also finds removals) last completed. */
  lastFullListingAt: string | null;
}

export interface RunSummary {
  runId: string;
  trigger: string;
  mode: "full" | "incremental";
  complete: boolean;
  at: string;
  appointmentCount: number;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  kept: number;
  tebraCalls: number;
}

interface StoredState extends SyncCursor {
  lease?: { runId: string; until: number } | null;
  lastRun?: RunSummary | null;
}

export type LeaseResult =
  | { acquired: true; cursor: SyncCursor; lastRun: RunSummary | null }
  | { acquired: false; lastRun: RunSummary | null };

function cursorOf(state: StoredState | undefined): SyncCursor {
  return {
    appointmentsCheckedAt: state?.appointmentsCheckedAt ?? null,
    lastFullListingAt: state?.lastFullListingAt ?? null,
  };
}

/** The stored state without taking the lease (the on-demand path's "too soon" check). */
export async function readState(
  ref: DocumentReference,
): Promise<{ cursor: SyncCursor; lastRun: RunSummary | null }> {
  const snapshot = await ref.get();
  const state = snapshot.data() as StoredState | undefined;
  return { cursor: cursorOf(state), lastRun: state?.lastRun ?? null };
}

/** Takes the day's lease unless another live run holds it. */
export async function acquireLease(
  db: Firestore,
  ref: DocumentReference,
  runId: string,
  now: number,
  leaseMs: number,
): Promise<LeaseResult> {
  return db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    const state = snapshot.data() as StoredState | undefined;
    const lease = state?.lease;
    if (lease && lease.runId !== runId && lease.until > now) {
      return { acquired: false, lastRun: state?.lastRun ?? null };
    }
    tx.set(ref, { lease: { runId, until: now + leaseMs } }, { merge: true });
    return { acquired: true, cursor: cursorOf(state), lastRun: state?.lastRun ?? null };
  });
}

/**
 * Ends the run: moves the cursors it earned and drops the lease. If the lease has passed to
 * another run meanwhile (this one outlived it), only the lease is left alone and nothing
 * else is written: the other run's cursors stand.
 */
export async function finishRun(
  db: Firestore,
  ref: DocumentReference,
  runId: string,
  cursor: Partial<SyncCursor>,
  summary: RunSummary | null,
): Promise<boolean> {
  return db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    const state = snapshot.data() as StoredState | undefined;
    if (state?.lease && state.lease.runId !== runId) return false;
    tx.set(
      ref,
      { ...cursor, ...(summary ? { lastRun: summary } : {}), lease: null },
      { merge: true },
    );
    return true;
  });
}

/**
 * The practice's patient cursor (`tebraCache/patients`): every cached patient Tebra changed
 * before this instant has been replaced. Windows are asked for back to back from it, so an
 * entry fetched after the cursor's first value has missed no change.
 */
export async function readPatientCursor(ref: DocumentReference): Promise<string | null> {
  const snapshot = await ref.get();
  const value: unknown = snapshot.get("checkedAt");
  return typeof value === "string" ? value : null;
}

/** Moves the patient cursor forward (never back: two days may sync at once). */
export async function advancePatientCursor(
  db: Firestore,
  ref: DocumentReference,
  checkedAt: string,
): Promise<void> {
  await db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    const current: unknown = snapshot.get("checkedAt");
    if (typeof current === "string" && Date.parse(current) >= Date.parse(checkedAt))
      return;
    tx.set(ref, { checkedAt }, { merge: true });
  });
}
