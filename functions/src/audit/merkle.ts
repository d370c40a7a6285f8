// Merkle tree hash as in RFC 6962 (Certificate Transparency): leaves and inner nodes are
// hashed with different prefixes, so a leaf can never pass for a node, and an unbalanced
// tree splits at the largest power of two below its size.
import { createHash } from "node:crypto";

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** The leaf hash of one serialised record, as hex. */
export function leafHash(data: string): string {
  return createHash("sha256").update(LEAF).update(data, "utf8").digest("hex");
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash("sha256").update(NODE).update(left).update(right).digest();
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function root(leaves: readonly Buffer[], from: number, to: number): Buffer {
  const size = to - from;
  if (size === 1) return leaves[from]!;
  const split = from + largestPowerOfTwoBelow(size);
  return nodeHash(root(leaves, from, split), root(leaves, split, to));
}

/** The root over leaf hashes (hex), in their order. An empty tree has no root. */
export function merkleRoot(leafHashes: readonly string[]): string {
  if (leafHashes.length === 0)
    throw new RangeError("a Merkle tree needs at least one leaf");
  const leaves = leafHashes.map((hex) => Buffer.from(hex, "hex"));
  return root(leaves, 0, leaves.length).toString("hex");
}
