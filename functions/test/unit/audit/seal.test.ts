import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import {
  GENESIS_HASH,
  eventLeafHash,
  makeSeal,
  sealFromJson,
  sealHash,
  sealHmac,
  sealToJson,
  type Seal,
} from "../../../src/audit/seal.ts";

const KEY = { version: "1", value: "unit-test-seal-key-not-secret" };

function events(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `evt-${i}`,
    data: { action: "read", recorded: new Timestamp(1_700_000_000 + i, 1000), shard: 3 },
  }));
}

function seal(): Seal {
  return makeSeal({
    shard: 3,
    seq: 1,
    prevSealHash: GENESIS_HASH,
    events: events(5),
    key: KEY,
    sealedAt: new Timestamp(1_700_000_100, 0),
  });
}

describe("makeSeal", () => {
  it("lists the events in order with their leaves, time range and key version", () => {
    const s = seal();
    expect(s.eventIds).toEqual(["evt-0", "evt-1", "evt-2", "evt-3", "evt-4"]);
    expect(s.leafHashes[2]).toBe(eventLeafHash("evt-2", events(5)[2]!.data));
    expect(s.fromTime.seconds).toBe(1_700_000_000);
    expect(s.toTime.seconds).toBe(1_700_000_004);
    expect(s.keyVersion).toBe("1");
    expect(s.hmac).toBe(sealHmac(KEY.value, s));
  });

  it("binds the event's id into its leaf, so content cannot move to another id", () => {
    const data = events(1)[0]!.data;
    expect(eventLeafHash("evt-0", data)).not.toBe(eventLeafHash("evt-9", data));
  });

  it("gives a different HMAC for any change to the body, or another key", () => {
    const s = seal();
    const changed: Seal[] = [
      { ...s, seq: 2 },
      { ...s, prevSealHash: "1".repeat(64) },
      { ...s, eventIds: [...s.eventIds.slice(0, 4), "evt-x"] },
      { ...s, toTime: new Timestamp(1_700_000_004, 2000) },
      { ...s, keyVersion: "2" },
    ];
    for (const other of changed) expect(sealHmac(KEY.value, other)).not.toBe(s.hmac);
    expect(sealHmac("another-key", s)).not.toBe(s.hmac);
  });

  it("chains: the seal hash covers the HMAC too", () => {
    const s = seal();
    expect(sealHash({ ...s, hmac: "0".repeat(64) })).not.toBe(sealHash(s));
  });

  it("refuses an empty batch", () => {
    expect(() =>
      makeSeal({
        shard: 0,
        seq: 1,
        prevSealHash: GENESIS_HASH,
        events: [],
        key: KEY,
        sealedAt: Timestamp.now(),
      }),
    ).toThrow(RangeError);
  });
});

describe("the seal's JSON form (the Cloud Logging copy)", () => {
  it("round-trips exactly: same hash, HMAC still valid", () => {
    const s = seal();
    const json = JSON.parse(JSON.stringify(sealToJson(s))) as Record<string, unknown>;
    const back = sealFromJson(json);
    expect(sealHash(back)).toBe(sealHash(s));
    expect(json["sealHash"]).toBe(sealHash(s));
    expect(sealHmac(KEY.value, back)).toBe(s.hmac);
  });

  it("refuses a copy with a malformed field", () => {
    const json = { ...sealToJson(seal()), toTime: "yesterday" } as Record<
      string,
      unknown
    >;
    expect(() => sealFromJson(json)).toThrow(TypeError);
  });
});
