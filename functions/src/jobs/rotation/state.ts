// What rotation remembers about a secret, in `credentialRotation/{secret}` (no client reads
// it; it holds version numbers and times, never a value): the version in use, the versions
// on their way out and until when, versions Tebra refused, which age notices were given,
// and a lease so that the schedule and an admin never rotate the same secret at once.
import type { DocumentReference, Firestore } from "firebase-admin/firestore";

export const CREDENTIAL_ROTATION = "credentialRotation";

/** A version replaced by a newer one, kept enabled until `until` (ISO). */
export interface Retiring {
  version: string;
  until: string;
  /** Field keys only: set once no data is left under the version. */
  reencrypted?: boolean;
}

export interface RotationState {
  secret: string;
  /** The version "current" points at, as of the last run. */
  currentVersion: string | null;
  /** When the current version became current (ISO). */
  promotedAt: string | null;
  retiring: Retiring[];
  /** Tebra credentials: the CustomerId the current credential belongs to. */
  customerId: string | null;
  /** Pending versions Tebra refused, and why (not tried again unless asked). */
  refused: Record<string, { at: string; reason: string }>;
  /** The version the age warning / alert was last given for. */
  ageWarnedVersion: string | null;
  ageAlertedVersion: string | null;
  lastRun: { at: string; status: string; trigger: string } | null;
}

interface StoredState extends RotationState {
  lease?: { runId: string; until: number } | null;
}

export function emptyState(secret: string): RotationState {
  return {
    secret,
    currentVersion: null,
    promotedAt: null,
    retiring: [],
    customerId: null,
    refused: {},
    ageWarnedVersion: null,
    ageAlertedVersion: null,
    lastRun: null,
  };
}

export function stateRef(db: Firestore, secret: string): DocumentReference {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(secret)) throw new Error("not a secret id");
  return db.collection(CREDENTIAL_ROTATION).doc(secret);
}

function stateOf(secret: string, stored: StoredState | undefined): RotationState {
  const out: RotationState = { ...emptyState(secret), ...stored, secret };
  delete (out as StoredState).lease;
  return out;
}

/** The state, with the lease taken; null when another live run holds it. */
export async function takeState(
  db: Firestore,
  secret: string,
  runId: string,
  now: number,
  leaseMs: number,
): Promise<RotationState | null> {
  const ref = stateRef(db, secret);
  return db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    const stored = snapshot.data() as StoredState | undefined;
    const lease = stored?.lease;
    if (lease && lease.runId !== runId && lease.until > now) return null;
    tx.set(ref, { lease: { runId, until: now + leaseMs } }, { merge: true });
    return stateOf(secret, stored);
  });
}

/** Saves the state and gives the lease back (unless another run has taken it over). */
export async function saveState(
  db: Firestore,
  state: RotationState,
  runId: string,
): Promise<void> {
  const ref = stateRef(db, state.secret);
  await db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    const lease = (snapshot.data() as StoredState | undefined)?.lease;
    if (lease && lease.runId !== runId) return;
    tx.set(ref, { ...state, lease: null });
  });
}

export async function readRotationState(
  db: Firestore,
  secret: string,
): Promise<RotationState> {
  const snapshot = await stateRef(db, secret).get();
  return stateOf(secret, snapshot.data() as StoredState | undefined);
}
