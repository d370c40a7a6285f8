// The verifier: proves that the events of a period are the ones that were sealed. For
// each shard it loads the seals covering the period, checks each seal's HMAC, Merkle root
// and link to the previous seal, anchors the chain on the copies in Cloud Logging (the
// last seal of the period and the shard's newest seal must match their copies, and no copy
// may exist beyond the newest seal), then walks the shard's events in the sealer's order
// beside the seals' lists: an event whose leaf differs was edited, a listed event that is
// gone was deleted, an event no seal lists was inserted. Memory is bounded by a page of
// events (and one seal's list) per shard, whatever the period's size.
import { timingSafeEqual } from "node:crypto";
import {
  FieldPath,
  Timestamp,
  type DocumentData,
  type Firestore,
  type QueryDocumentSnapshot,
} from "firebase-admin/firestore";
import * as logs from "../logs.ts";
import type { CloudLoggingClient } from "../platform/cloudLogging.ts";
import { readLoggedSeals, sealKey, type LoggedSeal } from "./auditLog.ts";
import { AUDIT_EVENTS, AUDIT_SEALS, sealDocId } from "./collections.ts";
import { consolidate, finding, type Finding } from "./findings.ts";
import type { SealKeys } from "./keys.ts";
import { merkleRoot } from "./merkle.ts";
import {
  eventLeafHash,
  GENESIS_HASH,
  sealFromDocument,
  sealHash,
  sealHmac,
  type Seal,
} from "./seal.ts";
import { AUDIT_SHARD_COUNT, allShards } from "./shard.ts";

/** Seals and events not yet in Cloud Logging or sealed within this time are not findings. */
export const VERIFY_GRACE_MS = 10 * 60_000;
/** Events read per query of the walk: few round trips, a bounded page in memory. */
const PAGE = 5000;
const PARALLEL_SHARDS = 4;

export interface VerifyDeps {
  db: Firestore;
  keys: SealKeys;
  log: CloudLoggingClient;
  shardCount?: number;
  now?: () => Date;
  graceMs?: number;
}

export interface VerifyPeriod {
  from: Date;
  to: Date;
}

export interface VerificationResult {
  ok: boolean;
  from: string;
  to: string;
  checkedSeals: number;
  checkedEvents: number;
  findings: Finding[];
  durationMs: number;
}

interface Boundary {
  time: Timestamp;
  id: string;
}

interface LoadedSeal {
  docId: string;
  stored: Seal;
  /** HMAC over the body: true, false, or null when the key version is unavailable. */
  hmacOk: boolean | null;
  rootOk: boolean;
  /** The list events are checked against: the stored seal, or its copy if it was altered. */
  reference: Seal;
}

interface ShardWork {
  shard: number;
  seals: LoadedSeal[];
  previous: Seal | null;
  head: Seal | null;
}

interface Context {
  deps: VerifyDeps;
  period: VerifyPeriod;
  findings: Finding[];
  /** Listed events not met in the walk: looked up by id at the end. */
  unmet: Array<{ seal: Seal; index: number }>;
  checkedEvents: number;
  now: Date;
  graceMs: number;
}

function compareKey(a: Boundary, b: Boundary): number {
  return (
    a.time.seconds - b.time.seconds ||
    a.time.nanoseconds - b.time.nanoseconds ||
    Buffer.compare(Buffer.from(a.id), Buffer.from(b.id))
  );
}

function boundaryOf(seal: Seal): Boundary {
  return { time: seal.toTime, id: seal.eventIds[seal.eventIds.length - 1] ?? "" };
}

function equalHex(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

function olderThanGrace(ctx: Context, time: Timestamp): boolean {
  return time.toMillis() < ctx.now.getTime() - ctx.graceMs;
}

// ---- Loading ------------------------------------------------------------------------

async function hmacOk(keys: SealKeys, seal: Seal): Promise<boolean | null> {
  const key = await keys.version(String(seal.keyVersion));
  if (key === null) return null;
  try {
    return equalHex(sealHmac(key, seal), String(seal.hmac));
  } catch {
    return false;
  }
}

function rootOk(seal: Seal): boolean {
  try {
    return (
      Array.isArray(seal.leafHashes) &&
      seal.leafHashes.length === seal.eventIds.length &&
      merkleRoot(seal.leafHashes) === seal.merkleRoot
    );
  } catch {
    return false;
  }
}

async function loadSeal(keys: SealKeys, doc: QueryDocumentSnapshot): Promise<LoadedSeal> {
  const stored = sealFromDocument(doc.data());
  return {
    docId: doc.id,
    stored,
    hmacOk: await hmacOk(keys, stored),
    rootOk: rootOk(stored),
    reference: stored,
  };
}

/** The shard's seals from the first ending at or after `from` to the first ending at or after `to`. */
async function sealsOfPeriod(ctx: Context, shard: number): Promise<LoadedSeal[]> {
  const { db, keys } = ctx.deps;
  const base = db
    .collection(AUDIT_SEALS)
    .where("shard", "==", shard)
    .where("toTime", ">=", Timestamp.fromDate(ctx.period.from))
    .orderBy("toTime")
    .orderBy(FieldPath.documentId());
  const out: LoadedSeal[] = [];
  let last: QueryDocumentSnapshot | undefined;
  for (;;) {
    const page = await (last ? base.startAfter(last) : base).limit(100).get();
    for (const doc of page.docs) {
      const loaded = await loadSeal(keys, doc);
      out.push(loaded);
      if (loaded.stored.toTime.toMillis() >= ctx.period.to.getTime()) {
        return out.sort((a, b) => a.stored.seq - b.stored.seq);
      }
    }
    if (page.docs.length < 100) break;
    last = page.docs[page.docs.length - 1];
  }
  return out.sort((a, b) => a.stored.seq - b.stored.seq);
}

async function sealAt(db: Firestore, shard: number, seq: number): Promise<Seal | null> {
  if (seq < 1) return null;
  const snapshot = await db.collection(AUDIT_SEALS).doc(sealDocId(shard, seq)).get();
  return snapshot.exists ? sealFromDocument(snapshot.data()!) : null;
}

async function headOf(db: Firestore, shard: number): Promise<Seal | null> {
  const snapshot = await db
    .collection(AUDIT_SEALS)
    .where("shard", "==", shard)
    .orderBy("seq", "desc")
    .limit(1)
    .get();
  const doc = snapshot.docs[0];
  return doc ? sealFromDocument(doc.data()) : null;
}

async function loadShard(ctx: Context, shard: number): Promise<ShardWork> {
  const seals = await sealsOfPeriod(ctx, shard);
  const first = seals[0];
  const [previous, head] = await Promise.all([
    first ? sealAt(ctx.deps.db, shard, first.stored.seq - 1) : Promise.resolve(null),
    headOf(ctx.deps.db, shard),
  ]);
  return { shard, seals, previous, head };
}

// ---- Checks on the seals -------------------------------------------------------------

function gapsOf(work: ShardWork): number[] {
  const missing: number[] = [];
  const seqs = work.seals.map((s) => s.stored.seq);
  const first = seqs[0];
  if (first !== undefined && first > 1 && !work.previous) missing.push(first - 1);
  for (let i = 1; i < seqs.length; i++) {
    for (let seq = seqs[i - 1]! + 1; seq < seqs[i]!; seq++) missing.push(seq);
  }
  return missing;
}

/** The (shard, seq) pairs whose Cloud Logging copies the checks need. */
function anchorsOf(work: ShardWork): Array<{ shard: number; seq: number }> {
  const seqs = new Set<number>();
  const last = work.seals[work.seals.length - 1];
  if (last) seqs.add(last.stored.seq);
  for (const loaded of work.seals) {
    if (!loaded.hmacOk || !loaded.rootOk) seqs.add(loaded.stored.seq);
  }
  for (const seq of gapsOf(work)) seqs.add(seq);
  // The newest seal must match its copy, and no copy may exist beyond it.
  const headSeq = work.head?.seq ?? 0;
  if (work.head) seqs.add(headSeq);
  seqs.add(headSeq + 1);
  return [...seqs].map((seq) => ({ shard: work.shard, seq }));
}

/**
 * The copy, when its own HMAC holds (a forged log entry is reported, not believed), or
 * null when there is none or its key cannot be read.
 */
async function copyIfAuthentic(
  ctx: Context,
  logged: LoggedSeal | undefined,
): Promise<Seal | null> {
  if (!logged) return null;
  const key = await ctx.deps.keys.version(logged.seal.keyVersion);
  if (key === null) return null;
  const ok =
    equalHex(sealHmac(key, logged.seal), logged.seal.hmac) &&
    sealHash(logged.seal) === logged.sealHash;
  if (ok) return logged.seal;
  const where = { shard: logged.seal.shard, seq: logged.seal.seq };
  ctx.findings.push(finding("seal-tampered", "log-copy-invalid", where));
  return null;
}

/** Names what differs between a stored seal and its copy: fields, and events by index. */
function diffFromCopy(ctx: Context, stored: Seal, copy: Seal): void {
  const where = { shard: stored.shard, seq: stored.seq };
  const scalars = [
    "algorithm",
    "shard",
    "seq",
    "prevSealHash",
    "merkleRoot",
    "keyVersion",
    "hmac",
  ] as const;
  for (const field of scalars) {
    if (String(stored[field]) !== String(copy[field])) {
      ctx.findings.push(finding("seal-tampered", `log-copy:${field}`, where));
    }
  }
  for (const field of ["fromTime", "toTime", "sealedAt"] as const) {
    if (!stored[field]?.isEqual?.(copy[field])) {
      ctx.findings.push(finding("seal-tampered", `log-copy:${field}`, where));
    }
  }
  const length = Math.max(stored.eventIds.length, copy.eventIds.length);
  for (let i = 0; i < length; i++) {
    const idChanged = stored.eventIds[i] !== copy.eventIds[i];
    const leafChanged = stored.leafHashes[i] !== copy.leafHashes[i];
    if (!idChanged && !leafChanged) continue;
    const detail = idChanged ? "log-copy:eventIds" : "log-copy:leafHashes";
    for (const eventId of new Set([copy.eventIds[i], stored.eventIds[i]])) {
      if (eventId)
        ctx.findings.push(finding("seal-tampered", detail, { ...where, eventId }));
    }
  }
}

async function checkSeals(
  ctx: Context,
  work: ShardWork,
  copies: Map<string, LoggedSeal>,
): Promise<void> {
  const { shard } = work;

  for (const [i, loaded] of work.seals.entries()) {
    const seal = loaded.stored;
    const where = { shard, seq: seal.seq };
    if (loaded.docId !== sealDocId(shard, seal.seq)) {
      ctx.findings.push(finding("seal-tampered", "doc-id", where));
    }
    if (loaded.hmacOk === null)
      ctx.findings.push(finding("key-unavailable", "key", where));
    if (loaded.hmacOk === false)
      ctx.findings.push(finding("seal-tampered", "hmac", where));
    if (!loaded.rootOk) ctx.findings.push(finding("seal-tampered", "merkle-root", where));

    const before = i > 0 ? work.seals[i - 1]!.stored : work.previous;
    const expected =
      before && before.seq === seal.seq - 1
        ? sealHash(before)
        : seal.seq === 1
          ? GENESIS_HASH
          : null;
    if (expected !== null && expected !== seal.prevSealHash) {
      // This seal names its predecessor by hash: the predecessor is not that seal any more.
      ctx.findings.push(finding("seal-tampered", "chain", { shard, seq: seal.seq - 1 }));
    }

    const logged = copies.get(sealKey(shard, seal.seq));
    const copy = await copyIfAuthentic(ctx, logged);
    const altered = !loaded.hmacOk || !loaded.rootOk;
    const isLast = i === work.seals.length - 1;
    if (copy && sealHash(copy) !== sealHash(seal)) {
      diffFromCopy(ctx, seal, copy);
      loaded.reference = copy;
    } else if (!logged && isLast && !altered && olderThanGrace(ctx, seal.sealedAt)) {
      ctx.findings.push(finding("seal-unlogged", "no-log-copy", where));
    }
  }

  for (const seq of gapsOf(work)) {
    const copy = await missingSealCopy(ctx, copies.get(sealKey(shard, seq)));
    ctx.findings.push(finding("seal-missing", "seq-gap", { shard, seq }));
    if (copy) nameMissingSealEvents(ctx, copy, "seq-gap");
  }

  await checkHead(ctx, work, copies);
}

/** The newest seal must match its copy; a copy beyond it means seals were cut off. */
async function checkHead(
  ctx: Context,
  work: ShardWork,
  copies: Map<string, LoggedSeal>,
): Promise<void> {
  const { shard, head } = work;
  const inPeriod = head && work.seals.some((s) => s.stored.seq === head.seq);
  if (head && !inPeriod) {
    const logged = copies.get(sealKey(shard, head.seq));
    const copy = await copyIfAuthentic(ctx, logged);
    if (copy && sealHash(copy) !== sealHash(head)) diffFromCopy(ctx, head, copy);
    if (!logged && olderThanGrace(ctx, head.sealedAt)) {
      ctx.findings.push(
        finding("seal-unlogged", "no-log-copy", { shard, seq: head.seq }),
      );
    }
  }
  const beyond = await missingSealCopy(
    ctx,
    copies.get(sealKey(shard, (head?.seq ?? 0) + 1)),
  );
  if (beyond) {
    ctx.findings.push(finding("seal-missing", "truncated", { shard, seq: beyond.seq }));
    nameMissingSealEvents(ctx, beyond, "truncated");
  }
}

/**
 * The copy of a seal missing from Firestore, if it can be believed: authentic, or signed
 * with a key version that cannot be read (its existence is evidence enough). A copy whose
 * HMAC fails is reported as invalid and not believed.
 */
async function missingSealCopy(
  ctx: Context,
  logged: LoggedSeal | undefined,
): Promise<Seal | null> {
  if (!logged) return null;
  if (await copyIfAuthentic(ctx, logged)) return logged.seal;
  const keyReadable = (await ctx.deps.keys.version(logged.seal.keyVersion)) !== null;
  return keyReadable ? null : logged.seal;
}

/** Names each event a missing seal listed, and looks each up (deleted or not). */
function nameMissingSealEvents(ctx: Context, copy: Seal, detail: string): void {
  copy.eventIds.forEach((eventId, index) => {
    ctx.findings.push(
      finding("seal-missing", detail, { shard: copy.shard, seq: copy.seq, eventId }),
    );
    ctx.unmet.push({ seal: copy, index });
  });
}

// ---- The walk over the events -------------------------------------------------------

async function* eventsBetween(
  db: Firestore,
  shard: number,
  after: Boundary | null,
  startAt: Timestamp | null,
  until: Boundary,
): AsyncGenerator<QueryDocumentSnapshot> {
  const base = db
    .collection(AUDIT_EVENTS)
    .where("shard", "==", shard)
    .orderBy("recorded")
    .orderBy(FieldPath.documentId());
  let cursor = after;
  for (;;) {
    let query = base;
    if (cursor) query = query.startAfter(cursor.time, cursor.id);
    else if (startAt) query = query.startAt(startAt);
    const page = await query.endAt(until.time, until.id).limit(PAGE).get();
    yield* page.docs;
    const last = page.docs[page.docs.length - 1];
    if (!last || page.docs.length < PAGE) return;
    cursor = { time: last.get("recorded") as Timestamp, id: last.id };
  }
}

function checkAgainstSeal(
  ctx: Context,
  seal: Seal,
  met: ReadonlyArray<{ id: string; data: DocumentData }>,
): void {
  const listed = new Map(seal.eventIds.map((id, index) => [id, index]));
  const seen = new Set<string>();
  for (const event of met) {
    const index = listed.get(event.id);
    const where = { shard: seal.shard, seq: seal.seq, eventId: event.id };
    if (index === undefined) {
      ctx.findings.push(finding("inserted", "unlisted", where));
      continue;
    }
    seen.add(event.id);
    ctx.checkedEvents += 1;
    if (eventLeafHash(event.id, event.data) !== seal.leafHashes[index]) {
      ctx.findings.push(finding("edited", "leaf", where));
    }
  }
  seal.eventIds.forEach((id, index) => {
    if (!seen.has(id)) ctx.unmet.push({ seal, index });
  });
}

async function walkShard(ctx: Context, work: ShardWork): Promise<void> {
  const seals = work.seals.map((s) => s.reference);
  const first = seals[0];
  const last = seals[seals.length - 1];
  if (!first || !last) return;

  const after = work.previous ? boundaryOf(work.previous) : null;
  // With no seal before the first, the walk starts at the beginning of the shard.
  const startAt = after || first.seq === 1 ? null : first.fromTime;
  let j = 0;
  let met: Array<{ id: string; data: DocumentData }> = [];
  const db = ctx.deps.db;
  for await (const doc of eventsBetween(
    db,
    work.shard,
    after,
    startAt,
    boundaryOf(last),
  )) {
    const key = { time: doc.get("recorded") as Timestamp, id: doc.id };
    while (j < seals.length - 1 && compareKey(key, boundaryOf(seals[j]!)) > 0) {
      checkAgainstSeal(ctx, seals[j]!, met);
      met = [];
      j += 1;
    }
    met.push({ id: doc.id, data: doc.data() });
  }
  for (; j < seals.length; j++) {
    checkAgainstSeal(ctx, seals[j]!, met);
    met = [];
  }
}

/** Events past the newest seal that should have been sealed by now. */
async function checkUnsealed(ctx: Context, work: ShardWork): Promise<void> {
  const { head } = work;
  const last = work.seals[work.seals.length - 1];
  if (head && last && last.stored.seq !== head.seq) return;
  const cutoff = Math.min(ctx.period.to.getTime(), ctx.now.getTime() - ctx.graceMs);
  if (cutoff < ctx.period.from.getTime()) return;
  let query = ctx.deps.db
    .collection(AUDIT_EVENTS)
    .where("shard", "==", work.shard)
    .where("recorded", ">=", Timestamp.fromDate(ctx.period.from))
    .where("recorded", "<=", Timestamp.fromMillis(cutoff))
    .orderBy("recorded")
    .orderBy(FieldPath.documentId());
  if (head) query = query.startAfter(head.toTime, boundaryOf(head).id);
  const snapshot = await query.limit(100).get();
  for (const doc of snapshot.docs) {
    ctx.findings.push(
      finding("unsealed", "not-sealed", { shard: work.shard, eventId: doc.id }),
    );
  }
}

/** Listed events the walk did not meet: gone (deleted) or changed so they moved (edited). */
async function checkUnmet(ctx: Context): Promise<void> {
  const db = ctx.deps.db;
  for (let i = 0; i < ctx.unmet.length; i += 300) {
    const chunk = ctx.unmet.slice(i, i + 300);
    const refs = chunk.map(({ seal, index }) =>
      db.collection(AUDIT_EVENTS).doc(seal.eventIds[index]!),
    );
    const snapshots = await db.getAll(...refs);
    snapshots.forEach((snapshot, n) => {
      const { seal, index } = chunk[n]!;
      const where = { shard: seal.shard, seq: seal.seq, eventId: snapshot.id };
      if (!snapshot.exists) {
        ctx.findings.push(finding("deleted", "listed-missing", where));
      } else if (
        eventLeafHash(snapshot.id, snapshot.data()!) !== seal.leafHashes[index]
      ) {
        ctx.findings.push(finding("edited", "moved", where));
      } else {
        ctx.checkedEvents += 1;
      }
    });
  }
}

/** Events no shard query can see: a shard number out of range, or a time in the future. */
async function checkStrays(ctx: Context, shardCount: number): Promise<void> {
  const events = ctx.deps.db.collection(AUDIT_EVENTS);
  const future = Timestamp.fromMillis(ctx.now.getTime() + ctx.graceMs);
  const [high, low, ahead] = await Promise.all([
    events.where("shard", ">=", shardCount).limit(50).get(),
    events.where("shard", "<", 0).limit(50).get(),
    events.where("recorded", ">", future).limit(50).get(),
  ]);
  for (const doc of [...high.docs, ...low.docs]) {
    ctx.findings.push(finding("inserted", "shard-out-of-range", { eventId: doc.id }));
  }
  for (const doc of ahead.docs) {
    ctx.findings.push(finding("inserted", "future-dated", { eventId: doc.id }));
  }
}

// ---- The whole run ------------------------------------------------------------------

async function inGroups<T, R>(
  items: readonly T[],
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL_SHARDS) {
    out.push(...(await Promise.all(items.slice(i, i + PARALLEL_SHARDS).map(run))));
  }
  return out;
}

async function readCopies(
  ctx: Context,
  work: readonly ShardWork[],
): Promise<Map<string, LoggedSeal>> {
  const anchors = work.flatMap(anchorsOf);
  const times = work.flatMap((w) => [
    ...w.seals.map((s) => s.stored.fromTime.toMillis()),
    ...(w.previous ? [w.previous.toTime.toMillis()] : []),
    ...(w.head ? [w.head.toTime.toMillis()] : [0]),
  ]);
  const from = new Date(Math.min(ctx.period.from.getTime(), ...times));
  const copies = await readLoggedSeals(ctx.deps.log, from, ctx.now, anchors);
  const byKey = new Map<string, LoggedSeal>();
  for (const copy of copies) {
    const key = sealKey(copy.seal.shard, copy.seal.seq);
    if (!byKey.has(key)) byKey.set(key, copy);
  }
  return byKey;
}

export async function verifyAuditTrail(
  deps: VerifyDeps,
  period: VerifyPeriod,
): Promise<VerificationResult> {
  const started = Date.now();
  const shardCount = deps.shardCount ?? AUDIT_SHARD_COUNT;
  const ctx: Context = {
    deps,
    period,
    findings: [],
    unmet: [],
    checkedEvents: 0,
    now: (deps.now ?? (() => new Date()))(),
    graceMs: deps.graceMs ?? VERIFY_GRACE_MS,
  };

  const work = await inGroups(allShards(shardCount), (shard) => loadShard(ctx, shard));
  const copies = await readCopies(ctx, work);
  await inGroups(work, async (shardWork) => {
    await checkSeals(ctx, shardWork, copies);
    await walkShard(ctx, shardWork);
    await checkUnsealed(ctx, shardWork);
  });
  await checkUnmet(ctx);
  await checkStrays(ctx, shardCount);

  const findings = consolidate(ctx.findings);
  const checkedSeals = work.reduce((sum, w) => sum + w.seals.length, 0);
  const result: VerificationResult = {
    ok: findings.length === 0,
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    checkedSeals,
    checkedEvents: ctx.checkedEvents,
    findings,
    durationMs: Date.now() - started,
  };
  for (const f of findings.slice(0, 100)) {
    logs.auditTamperDetected(f.kind, f.shard, f.seq, f.eventId);
  }
  logs.auditVerified(
    result.ok,
    findings.length,
    ctx.checkedEvents,
    checkedSeals,
    result.durationMs,
  );
  return result;
}
