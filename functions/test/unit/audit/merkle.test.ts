import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leafHash, merkleRoot } from "../../../src/audit/merkle.ts";

function sha256(...parts: Buffer[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

const hex = (value: string) => Buffer.from(value, "hex");

describe("leafHash", () => {
  it("prefixes the data with 0x00 before hashing (RFC 6962)", () => {
    expect(leafHash("abc")).toBe(sha256(Buffer.from([0]), Buffer.from("abc")));
  });
});

describe("merkleRoot", () => {
  const leaves = ["a", "b", "c"].map(leafHash);

  it("is the leaf itself for one leaf", () => {
    expect(merkleRoot([leaves[0]!])).toBe(leaves[0]);
  });

  it("hashes inner nodes with a 0x01 prefix, splitting at the largest power of two", () => {
    const node = (l: string, r: string) => sha256(Buffer.from([1]), hex(l), hex(r));
    expect(merkleRoot(leaves.slice(0, 2))).toBe(node(leaves[0]!, leaves[1]!));
    expect(merkleRoot(leaves)).toBe(node(node(leaves[0]!, leaves[1]!), leaves[2]!));
  });

  it("changes when any leaf changes, is removed, or the order changes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { minLength: 2, maxLength: 40 }),
        fc.nat(),
        (items, pick) => {
          const hashes = items.map((item, i) => leafHash(`${i}:${item}`));
          const root = merkleRoot(hashes);
          const i = pick % hashes.length;
          const edited = [...hashes];
          edited[i] = leafHash(`edited:${i}`);
          const removed = hashes.filter((_, n) => n !== i);
          const swapped = [...hashes].reverse();
          expect(merkleRoot(edited)).not.toBe(root);
          expect(merkleRoot(removed)).not.toBe(root);
          expect(merkleRoot(swapped)).not.toBe(root);
        },
      ),
    );
  });

  it("has no root for an empty tree", () => {
    expect(() => merkleRoot([])).toThrow(RangeError);
  });
});
