// The sealer: for each shard, takes the events not yet sealed and older than a settle
// delay, in a fixed order (by `recorded`, then by id), at most 500 at a time, and writes a
// seal chained to the shard's previous one. The shard's state document holds the chain
// head and the cursor; a transaction on it makes each seal's number unique, so two sealers
// running at once cannot fork a chain (the loser stops and the next run carries on).
// Each seal is then copied to Cloud Logging; copies that failed are re-sent on the next run.
import {
  FieldPath,
  Timestamp,
  type DocumentData,
  type Firestore,
  type QueryDocumentSnapshot,
} from "firebase-admin/firestore";
import * as logs from "../logs.ts";
import type { CloudLoggingClient } from "../platform/cloudLogging.ts";
import { logSeals } from "./auditLog.ts";
import {
  AUDIT_EVENTS,
  AUDIT_SEALS,
  AUDIT_STATE,
  sealDocId,
  stateDocId,
} from "./collections.ts";
import type { SealKeys } from "./keys.ts";
import { GENESIS_HASH, makeSeal, sealFromDocument, sealHash, type Seal } from "./seal.ts";
import { AUDIT_SHARD_COUNT, allShards } from "./shard.ts";

/** Firestore writes and a comfortable seal document size (ids and hashes) both fit. */
export const SEAL_BATCH_SIZE = 500;
/** One query reads up to this many batches; fewer round trips when there is a backlog. */
const READ_AHEAD = 10;
/** Events younger than this wait for the next run (clock skew, commits in flight). */
export const SETTLE_DELAY_MS = 15_000;

export interface SealerDeps {
  db: Firestore;
  keys: SealKeys;
  log: CloudLoggingClient;
  now?: () => Date;
  settleDelayMs?: number;
  batchSize?: number;
  shardCount?: number;
  /** Bounds one run; the next run continues where this one stopped. */
  maxSealsPerShard?: number;
}

/** The chain head and cursor of one shard, in `auditState/shard-NN`. */
export interface ShardState {
  shard: number;
  /** The last seal's number; 0 before the first seal. */
  seq: number;
  headHash: string;
  /** `recorded` and id of the last sealed event. */
  cursorTime: Timestamp | null;
  cursorId: string | null;
  /** The last seal whose copy is in Cloud Logging. */
  loggedSeq: number;
}

export interface SealerResult {
  seals: number;
  events: number;
}

class SealRaceError extends Error {
  override name = "SealRaceError";
}

function genesis(shard: number): ShardState {
  return {
    shard,
    seq: 0,
    headHash: GENESIS_HASH,
    cursorTime: null,
    cursorId: null,
    loggedSeq: 0,
  };
}

function stateOf(shard: number, data: DocumentData | undefined): ShardState {
  return data ? { ...genesis(shard), ...(data as Partial<ShardState>) } : genesis(shard);
}

async function readState(db: Firestore, shard: number): Promise<ShardState> {
  const snapshot = await db.collection(AUDIT_STATE).doc(stateDocId(shard)).get();
  return stateOf(shard, snapshot.data());
}

async function unsealedEvents(
  deps: SealerDeps,
  state: ShardState,
  cutoff: Timestamp,
  limit: number,
): Promise<QueryDocumentSnapshot[]> {
  let query = deps.db
    .collection(AUDIT_EVENTS)
    .where("shard", "==", state.shard)
    .where("recorded", "<=", cutoff)
    .orderBy("recorded")
    .orderBy(FieldPath.documentId());
  if (state.cursorTime && state.cursorId) {
    query = query.startAfter(state.cursorTime, state.cursorId);
  }
  const snapshot = await query.limit(limit).get();
  return snapshot.docs;
}

/** Commits the seal if the shard's head is still where this run found it. */
async function commitSeal(
  deps: SealerDeps,
  state: ShardState,
  seal: Seal,
): Promise<ShardState> {
  const stateRef = deps.db.collection(AUDIT_STATE).doc(stateDocId(state.shard));
  const next: ShardState = {
    ...state,
    seq: seal.seq,
    headHash: sealHash(seal),
    cursorTime: seal.toTime,
    cursorId: seal.eventIds[seal.eventIds.length - 1]!,
  };
  await deps.db.runTransaction(async (tx) => {
    const current = stateOf(state.shard, (await tx.get(stateRef)).data());
    if (current.seq !== state.seq) throw new SealRaceError();
    tx.create(deps.db.collection(AUDIT_SEALS).doc(sealDocId(seal.shard, seal.seq)), seal);
    tx.set(stateRef, { ...next, loggedSeq: current.loggedSeq });
  });
  return next;
}

async function markLogged(deps: SealerDeps, shard: number, seq: number): Promise<void> {
  const stateRef = deps.db.collection(AUDIT_STATE).doc(stateDocId(shard));
  await deps.db.runTransaction(async (tx) => {
    const current = stateOf(shard, (await tx.get(stateRef)).data());
    if (current.loggedSeq < seq) tx.update(stateRef, { loggedSeq: seq });
  });
}

async function copyToLog(
  deps: SealerDeps,
  shard: number,
  seals: readonly Seal[],
): Promise<void> {
  const last = seals[seals.length - 1];
  if (!last) return;
  try {
    await logSeals(deps.log, seals);
  } catch (error) {
    // The seal is committed; the next run finds loggedSeq behind seq and sends it again.
    logs.auditCloudLoggingFailed("seal", error instanceof Error ? error.name : "unknown");
    return;
  }
  await markLogged(deps, shard, last.seq);
}

/** Re-sends the copies a previous run could not write. */
async function resendUnlogged(deps: SealerDeps, state: ShardState): Promise<void> {
  if (state.loggedSeq >= state.seq) return;
  const refs = [];
  for (let seq = state.loggedSeq + 1; seq <= state.seq; seq++) {
    refs.push(deps.db.collection(AUDIT_SEALS).doc(sealDocId(state.shard, seq)));
  }
  const snapshots = await deps.db.getAll(...refs);
  const seals = snapshots.filter((s) => s.exists).map((s) => sealFromDocument(s.data()!));
  await copyToLog(deps, state.shard, seals);
}

function toEvents(docs: readonly QueryDocumentSnapshot[]) {
  return docs.map((doc) => ({ id: doc.id, data: doc.data() }));
}

export async function sealShard(deps: SealerDeps, shard: number): Promise<SealerResult> {
  const now = deps.now ?? (() => new Date());
  const batchSize = deps.batchSize ?? SEAL_BATCH_SIZE;
  const maxSeals = deps.maxSealsPerShard ?? 100;
  let state = await readState(deps.db, shard);
  await resendUnlogged(deps, state);

  const result: SealerResult = { seals: 0, events: 0 };
  const key = await deps.keys.current();
  for (;;) {
    const cutoff = Timestamp.fromMillis(
      now().getTime() - (deps.settleDelayMs ?? SETTLE_DELAY_MS),
    );
    const limit = batchSize * Math.min(READ_AHEAD, maxSeals - result.seals);
    if (limit <= 0) break;
    const docs = await unsealedEvents(deps, state, cutoff, limit);
    if (docs.length === 0) break;

    // Consecutive batches of one read become consecutive seals of the chain.
    const sealed: Seal[] = [];
    for (let i = 0; i < docs.length; i += batchSize) {
      const batch = docs.slice(i, i + batchSize);
      const seal = makeSeal({
        shard,
        seq: state.seq + 1,
        prevSealHash: state.headHash,
        events: toEvents(batch),
        key,
        sealedAt: Timestamp.fromDate(now()),
      });
      try {
        state = await commitSeal(deps, state, seal);
      } catch (error) {
        if (!(error instanceof SealRaceError)) throw error;
        logs.auditSealRaced(shard, seal.seq);
        await copyToLog(deps, shard, sealed);
        return result;
      }
      logs.auditSealed(shard, seal.seq, batch.length);
      sealed.push(seal);
      result.seals += 1;
      result.events += batch.length;
    }
    await copyToLog(deps, shard, sealed);
    if (docs.length < limit) break;
  }
  return result;
}

/** Seals every shard, a few at a time; one shard's failure does not stop the others. */
export async function sealAll(deps: SealerDeps): Promise<SealerResult> {
  const started = Date.now();
  const shards = allShards(deps.shardCount ?? AUDIT_SHARD_COUNT);
  const total: SealerResult = { seals: 0, events: 0 };
  const failures: unknown[] = [];
  const parallel = 4;
  for (let i = 0; i < shards.length; i += parallel) {
    const results = await Promise.allSettled(
      shards.slice(i, i + parallel).map((shard) => sealShard(deps, shard)),
    );
    for (const outcome of results) {
      if (outcome.status === "fulfilled") {
        total.seals += outcome.value.seals;
        total.events += outcome.value.events;
      } else {
        failures.push(outcome.reason);
      }
    }
  }
  logs.auditSealerRun(total.seals, total.events, Date.now() - started);
  // Rethrown so that the scheduler records a failed run; the sealed shards stay sealed.
  if (failures.length > 0) throw failures[0];
  return total;
}
