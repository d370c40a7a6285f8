// Events are spread over a fixed number of seal chains by a hash of their id, so that no
// single document (a chain head) is written per event. The count is part of the stored
// data's meaning: events keep the shard they were given, and changing the count needs a
// migration that starts new chains (see docs/audit.md).
import { createHash } from "node:crypto";

export const AUDIT_SHARD_COUNT = 16;

export function shardOf(eventId: string, shardCount = AUDIT_SHARD_COUNT): number {
  const digest = createHash("sha256").update(eventId, "utf8").digest();
  return digest.readUInt32BE(0) % shardCount;
}

export function allShards(shardCount = AUDIT_SHARD_COUNT): number[] {
  return Array.from({ length: shardCount }, (_, shard) => shard);
}
