import type { Firestore } from "firebase-admin/firestore";
import { beforeEach, describe, expect, it } from "vitest";
import { AUDIT_LOG_NAME } from "../../../src/audit/auditLog.ts";
import {
  GENESIS_HASH,
  sealFromDocument,
  sealHash,
  type Seal,
} from "../../../src/audit/seal.ts";
import { sealAll, sealShard } from "../../../src/audit/sealer.ts";
import { clearFirestore } from "../../support/admin.ts";
import { testTrail } from "./trail.ts";

beforeEach(() => clearFirestore());

async function seals(db: Firestore): Promise<Seal[]> {
  const snapshot = await db.collection("auditSeals").get();
  return snapshot.docs
    .map((doc) => sealFromDocument(doc.data()))
    .sort((a, b) => a.shard - b.shard || a.seq - b.seq);
}

describe("the sealer (on the emulator)", () => {
  it("seals every event exactly once, each shard's first seal chained to genesis", async () => {
    const trail = await testTrail({ shardCount: 4 });
    const ids = await trail.record(30);
    const result = await sealAll(trail.deps);
    expect(result.events).toBe(30);

    const all = await seals(trail.db);
    const sealed = all.flatMap((s) => s.eventIds);
    expect(sealed.sort()).toEqual([...ids].sort());
    for (const seal of all) {
      expect(seal.seq).toBe(1);
      expect(seal.prevSealHash).toBe(GENESIS_HASH);
      expect(seal.leafHashes).toHaveLength(seal.eventIds.length);
    }
  });

  it("writes each seal to Cloud Logging and notes it in the shard's state", async () => {
    const trail = await testTrail({ shardCount: 2 });
    await trail.record(10);
    await sealAll(trail.deps);
    const all = await seals(trail.db);
    const copies = await trail.log.read(AUDIT_LOG_NAME, {
      from: new Date(0),
      to: new Date(),
    });
    expect(copies.map((c) => c.payload["sealHash"]).sort()).toEqual(
      all.map((s) => sealHash(s)).sort(),
    );
    const state = await trail.db.doc("auditState/shard-00").get();
    expect(state.data()).toMatchObject({ seq: 1, loggedSeq: 1 });
  });

  it("seals nothing on a second run, and chains the next seal to the last", async () => {
    const trail = await testTrail({ shardCount: 1 });
    await trail.record(3);
    await sealAll(trail.deps);
    expect(await sealAll(trail.deps)).toEqual({ seals: 0, events: 0 });

    const later = await trail.record(2);
    await sealAll(trail.deps);
    const [first, second] = await seals(trail.db);
    expect(second!.seq).toBe(2);
    expect(second!.prevSealHash).toBe(sealHash(first!));
    expect(second!.eventIds).toEqual(later);
  });

  it("seals in batches of at most the batch size, in recorded order", async () => {
    const trail = await testTrail({ shardCount: 1, batchSize: 5 });
    const ids = await trail.record(12);
    const result = await sealShard(trail.deps, 0);
    expect(result).toEqual({ seals: 3, events: 12 });
    const all = await seals(trail.db);
    expect(all.map((s) => s.eventIds.length)).toEqual([5, 5, 2]);
    expect(all.flatMap((s) => s.eventIds)).toEqual(ids);
  });

  it("does not fork a chain when two sealers run at once", async () => {
    const trail = await testTrail({ shardCount: 1, batchSize: 4 });
    const ids = await trail.record(20);
    await Promise.all([sealShard(trail.deps, 0), sealShard(trail.deps, 0)]);
    await sealShard(trail.deps, 0);
    const all = await seals(trail.db);
    expect(all.map((s) => s.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.flatMap((s) => s.eventIds)).toEqual(ids);
    all.slice(1).forEach((seal, i) => expect(seal.prevSealHash).toBe(sealHash(all[i]!)));
  });

  it("leaves events younger than the settle delay for a later run", async () => {
    const trail = await testTrail({ shardCount: 1 });
    await trail.record(3);
    const result = await sealAll({ ...trail.deps, settleDelayMs: 60_000 });
    expect(result.events).toBe(0);
    expect(await sealAll(trail.deps)).toMatchObject({ events: 3 });
  });

  it("re-sends a seal's copy that Cloud Logging refused, on the next run", async () => {
    const trail = await testTrail({ shardCount: 1 });
    await trail.record(3);
    const write = trail.log.write.bind(trail.log);
    trail.log.write = () => Promise.reject(new Error("logging unavailable"));
    await sealAll(trail.deps);
    expect((await trail.db.doc("auditState/shard-00").get()).get("loggedSeq")).toBe(0);

    trail.log.write = write;
    await sealAll(trail.deps);
    const copies = await trail.log.read(AUDIT_LOG_NAME, {
      from: new Date(0),
      to: new Date(),
    });
    expect(copies).toHaveLength(1);
    expect((await trail.db.doc("auditState/shard-00").get()).get("loggedSeq")).toBe(1);
  });

  it("signs with the newest key version and records it in the seal", async () => {
    const trail = await testTrail({ shardCount: 1 });
    await trail.record(2);
    await sealAll(trail.deps);
    await trail.store.addVersion("audit-seal-key", "rotated-seal-key-not-secret");
    await trail.record(2);
    await sealAll(trail.deps);
    expect((await seals(trail.db)).map((s) => s.keyVersion)).toEqual(["1", "2"]);
  });

  it("never updates or deletes an event", async () => {
    const trail = await testTrail({ shardCount: 1 });
    const [id] = await trail.record(1);
    const before = await trail.db.doc(`auditEvents/${id}`).get();
    await sealAll(trail.deps);
    const after = await trail.db.doc(`auditEvents/${id}`).get();
    expect(after.updateTime!.isEqual(before.updateTime!)).toBe(true);
    expect(after.data()).toEqual(before.data());
  });
});
