import { Timestamp } from "firebase-admin/firestore";
import { beforeEach, describe, expect, it } from "vitest";
import { AUDIT_LOG_NAME, logSeals } from "../../../src/audit/auditLog.ts";
import type { Finding } from "../../../src/audit/findings.ts";
import { SealKeys } from "../../../src/audit/keys.ts";
import { makeSeal, sealFromDocument, type Seal } from "../../../src/audit/seal.ts";
import { sealAll } from "../../../src/audit/sealer.ts";
import { shardOf } from "../../../src/audit/shard.ts";
import { verifyAuditTrail } from "../../../src/audit/verifier.ts";
import { clearFirestore } from "../../support/admin.ts";
import { frontDeskRead } from "../../support/auditFixtures.ts";
import { testTrail, type TestTrail } from "./trail.ts";

beforeEach(() => clearFirestore());

const HOUR = 3_600_000;

function period() {
  return { from: new Date(Date.now() - HOUR), to: new Date(Date.now() + 60_000) };
}

/** A trail of 40 events over 4 shards, sealed in batches of 4 (several seals per shard). */
async function sealedTrail(): Promise<{ trail: TestTrail; ids: string[] }> {
  const trail = await testTrail({ shardCount: 4, batchSize: 4 });
  const ids = await trail.record(40);
  await sealAll(trail.deps);
  return { trail, ids };
}

async function sealsOf(
  trail: TestTrail,
  shard: number,
): Promise<Array<{ id: string; seal: Seal }>> {
  const snapshot = await trail.db
    .collection("auditSeals")
    .where("shard", "==", shard)
    .get();
  return snapshot.docs
    .map((doc) => ({ id: doc.id, seal: sealFromDocument(doc.data()) }))
    .sort((a, b) => a.seal.seq - b.seal.seq);
}

function kinds(findings: readonly Finding[]) {
  return findings.map((f) => `${f.kind}:${f.eventId ?? "-"}`);
}

describe("verifyAuditTrail (on the emulator)", () => {
  it("passes an untouched trail, having checked every event against its seal", async () => {
    const { trail } = await sealedTrail();
    const result = await verifyAuditTrail(trail.deps, period());
    expect(result.findings).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checkedEvents).toBe(40);
    expect(result.checkedSeals).toBeGreaterThanOrEqual(10);
  });

  it("names an edited event", async () => {
    const { trail, ids } = await sealedTrail();
    const victim = ids[17]!;
    await trail.db.doc(`auditEvents/${victim}`).update({ "agent.uid": "someone-else" });
    const result = await verifyAuditTrail(trail.deps, period());
    expect(result.ok).toBe(false);
    expect(kinds(result.findings)).toEqual([`edited:${victim}`]);
    expect(result.findings[0]).toMatchObject({
      shard: shardOf(victim, 4),
      detail: "leaf",
    });
  });

  it("names an event whose time was edited as edited, not as inserted", async () => {
    const { trail, ids } = await sealedTrail();
    const victim = ids[3]!;
    await trail.db.doc(`auditEvents/${victim}`).update({ recorded: Timestamp.now() });
    const result = await verifyAuditTrail(trail.deps, period());
    expect(kinds(result.findings)).toEqual([`edited:${victim}`]);
  });

  it("names a deleted event", async () => {
    const { trail, ids } = await sealedTrail();
    const victim = ids[25]!;
    await trail.db.doc(`auditEvents/${victim}`).delete();
    const result = await verifyAuditTrail(trail.deps, period());
    expect(kinds(result.findings)).toEqual([`deleted:${victim}`]);
  });

  it("names an event inserted into a sealed stretch of its shard", async () => {
    const { trail } = await sealedTrail();
    // Takes the time of a full seal's first event, so the forgery lands inside that seal.
    const chains = await Promise.all([0, 1, 2, 3].map((shard) => sealsOf(trail, shard)));
    const { seal } = chains.flat().find((s) => s.seal.eventIds.length === 4)!;
    const neighbour = await trail.db.doc(`auditEvents/${seal.eventIds[0]}`).get();
    let forged = "forged-0";
    for (let i = 1; shardOf(forged, 4) !== seal.shard; i++) forged = `forged-${i}`;
    await trail.db.doc(`auditEvents/${forged}`).create({
      ...frontDeskRead({ patientIds: ["patient-999"] }),
      shard: seal.shard,
      recorded: neighbour.get("recorded") as Timestamp,
    });
    const result = await verifyAuditTrail(trail.deps, period());
    expect(kinds(result.findings)).toEqual([`inserted:${forged}`]);
  });

  it("names an event inserted with a shard no chain covers, or a time in the future", async () => {
    const { trail } = await sealedTrail();
    await trail.db.doc("auditEvents/stray-shard").create({
      ...frontDeskRead(),
      shard: 99,
      recorded: Timestamp.now(),
    });
    await trail.db.doc("auditEvents/stray-future").create({
      ...frontDeskRead(),
      shard: shardOf("stray-future", 4),
      recorded: Timestamp.fromMillis(Date.now() + 48 * HOUR),
    });
    const result = await verifyAuditTrail(trail.deps, period());
    expect(kinds(result.findings).sort()).toEqual([
      "inserted:stray-future",
      "inserted:stray-shard",
    ]);
  });

  it("names the event behind an edited leaf hash in a seal (seal tampering)", async () => {
    const { trail } = await sealedTrail();
    // A full seal (four events), whichever shard it is in.
    const chains = await Promise.all([0, 1, 2, 3].map((shard) => sealsOf(trail, shard)));
    const { id, seal } = chains.flat().find((s) => s.seal.eventIds.length === 4)!;
    const leafHashes = [...seal.leafHashes];
    leafHashes[2] = "f".repeat(64);
    await trail.db.doc(`auditSeals/${id}`).update({ leafHashes });
    const result = await verifyAuditTrail(trail.deps, period());
    expect(result.ok).toBe(false);
    const tampered = result.findings.filter((f) => f.kind === "seal-tampered");
    expect(tampered.map((f) => f.detail)).toEqual(
      expect.arrayContaining(["hmac", "merkle-root", "log-copy:leafHashes"]),
    );
    expect(tampered.find((f) => f.eventId)).toMatchObject({
      shard: seal.shard,
      seq: seal.seq,
      eventId: seal.eventIds[2],
    });
    // The events themselves are intact: checked against the Cloud Logging copy.
    expect(result.findings.filter((f) => f.kind === "edited")).toEqual([]);
  });

  it("detects a seal whose time range was changed", async () => {
    const { trail } = await sealedTrail();
    const { id, seal } = (await sealsOf(trail, 2))[0]!;
    await trail.db.doc(`auditSeals/${id}`).update({
      toTime: new Timestamp(seal.toTime.seconds + 1, seal.toTime.nanoseconds),
    });
    const result = await verifyAuditTrail(trail.deps, period());
    expect(result.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "seal-tampered", detail: "hmac", seq: seal.seq }),
        expect.objectContaining({ kind: "seal-tampered", detail: "log-copy:toTime" }),
      ]),
    );
  });

  it("names the events of a seal deleted from the middle of a chain", async () => {
    const { trail } = await sealedTrail();
    const chains = await Promise.all([0, 1, 2, 3].map((shard) => sealsOf(trail, shard)));
    const chain = chains.sort((a, b) => b.length - a.length)[0]!;
    expect(chain.length).toBeGreaterThanOrEqual(3);
    const { id, seal } = chain[1]!;
    await trail.db.doc(`auditSeals/${id}`).delete();
    const result = await verifyAuditTrail(trail.deps, period());
    const missing = result.findings.filter((f) => f.kind === "seal-missing");
    expect(
      missing
        .map((f) => f.eventId)
        .filter(Boolean)
        .sort(),
    ).toEqual([...seal.eventIds].sort());
  });

  it("detects the newest seals cut off with their events, from the Cloud Logging copies", async () => {
    const { trail } = await sealedTrail();
    const chain = await sealsOf(trail, 0);
    const { id, seal } = chain[chain.length - 1]!;
    await trail.db.doc(`auditSeals/${id}`).delete();
    for (const eventId of seal.eventIds)
      await trail.db.doc(`auditEvents/${eventId}`).delete();
    const result = await verifyAuditTrail(trail.deps, period());
    expect(result.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "seal-missing",
          detail: "truncated",
          seq: seal.seq,
        }),
        ...seal.eventIds.map(
          (eventId) => expect.objectContaining({ kind: "deleted", eventId }) as unknown,
        ),
      ]),
    );
  });

  it("detects an edit re-sealed by someone holding the key, from the Cloud Logging copy", async () => {
    const { trail } = await sealedTrail();
    const chain = await sealsOf(trail, 2);
    const { id, seal } = chain[chain.length - 1]!;
    const victim = seal.eventIds[0]!;
    await trail.db.doc(`auditEvents/${victim}`).update({ outcome: "denied" });
    const events = await trail.db.getAll(
      ...seal.eventIds.map((eventId) => trail.db.doc(`auditEvents/${eventId}`)),
    );
    const forged = makeSeal({
      shard: seal.shard,
      seq: seal.seq,
      prevSealHash: seal.prevSealHash,
      events: events.map((e) => ({ id: e.id, data: e.data()! })),
      key: await trail.keys.current(),
      sealedAt: seal.sealedAt,
    });
    await trail.db.doc(`auditSeals/${id}`).set(forged);
    const result = await verifyAuditTrail(trail.deps, period());
    expect(result.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "seal-tampered", eventId: victim }),
        expect.objectContaining({ kind: "edited", eventId: victim }),
      ]),
    );
  });

  it("does not believe a forged copy in Cloud Logging, and says it is forged", async () => {
    const { trail } = await sealedTrail();
    const chain = await sealsOf(trail, 1);
    const head = chain[chain.length - 1]!.seal;
    const events = await trail.db.getAll(
      ...head.eventIds.map((eventId) => trail.db.doc(`auditEvents/${eventId}`)),
    );
    const forged = makeSeal({
      shard: 1,
      seq: head.seq + 1,
      prevSealHash: "0".repeat(64),
      events: events.map((e) => ({ id: e.id, data: e.data()! })),
      key: { version: "1", value: "a-guessed-key" },
      sealedAt: Timestamp.now(),
    });
    await logSeals(trail.log, [forged]);
    const result = await verifyAuditTrail(trail.deps, period());
    expect(result.findings).toEqual([
      expect.objectContaining({
        kind: "seal-tampered",
        detail: "log-copy-invalid",
        shard: 1,
        seq: head.seq + 1,
      }),
    ]);
  });

  it("still verifies seals signed with a rotated key version", async () => {
    const trail = await testTrail({ shardCount: 2, batchSize: 4 });
    await trail.record(6);
    await sealAll(trail.deps);
    await trail.store.addVersion("audit-seal-key", "rotated-seal-key-not-secret");
    await trail.record(6);
    await sealAll(trail.deps);
    const result = await verifyAuditTrail(trail.deps, period());
    expect(result.findings).toEqual([]);

    await trail.store.disableVersion("audit-seal-key", "1");
    const keys = new SealKeys(trail.store, "audit-seal-key");
    const withoutOld = await verifyAuditTrail({ ...trail.deps, keys }, period());
    expect(withoutOld.findings.map((f) => f.kind)).toContain("key-unavailable");
  });

  it("reports events left unsealed past the grace period", async () => {
    const trail = await testTrail({ shardCount: 2 });
    const ids = await trail.record(3);
    const later = () => new Date(Date.now() + 20 * 60_000);
    const result = await verifyAuditTrail(
      { ...trail.deps, now: later },
      { from: new Date(Date.now() - HOUR), to: later() },
    );
    expect(result.findings.map((f) => f.eventId).sort()).toEqual([...ids].sort());
    expect(new Set(result.findings.map((f) => f.kind))).toEqual(new Set(["unsealed"]));
  });

  it("reports a seal that never reached Cloud Logging", async () => {
    const trail = await testTrail({ shardCount: 1 });
    await trail.record(2);
    trail.log.write = () => Promise.reject(new Error("logging unavailable"));
    await sealAll(trail.deps);
    const later = () => new Date(Date.now() + 20 * 60_000);
    const result = await verifyAuditTrail({ ...trail.deps, now: later }, period());
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: "seal-unlogged", shard: 0, seq: 1 }),
    ]);
    expect(
      await trail.log.read(AUDIT_LOG_NAME, { from: new Date(0), to: later() }),
    ).toEqual([]);
  });
});
