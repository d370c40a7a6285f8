import { describe, expect, it } from "vitest";
import { AUDIT_SHARD_COUNT, allShards, shardOf } from "../../../src/audit/shard.ts";

describe("shardOf", () => {
  it("maps an id to the same shard every time, within range", () => {
    expect(shardOf("evt-1")).toBe(shardOf("evt-1"));
    for (let i = 0; i < 1000; i++) {
      const shard = shardOf(`id-${i}`);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(AUDIT_SHARD_COUNT);
    }
  });

  it("spreads ids evenly, so that no shard is a hot spot", () => {
    const counts = new Array<number>(AUDIT_SHARD_COUNT).fill(0);
    const n = 16_000;
    for (let i = 0; i < n; i++) counts[shardOf(`auditVisitChanges-${i}`)]! += 1;
    const expected = n / AUDIT_SHARD_COUNT;
    for (const count of counts)
      expect(Math.abs(count - expected)).toBeLessThan(expected * 0.15);
  });

  it("lists every shard", () => {
    expect(allShards(4)).toEqual([0, 1, 2, 3]);
  });
});
