import { describe, expect, it } from "vitest";
import { consolidate, finding } from "../../../src/audit/findings.ts";

describe("consolidate", () => {
  it("reports a moved event once, as edited, not also as inserted", () => {
    const out = consolidate([
      finding("inserted", "unlisted", { shard: 1, seq: 4, eventId: "e1" }),
      finding("edited", "moved", { shard: 1, seq: 2, eventId: "e1" }),
    ]);
    expect(out.map((f) => f.kind)).toEqual(["edited"]);
  });

  it("drops exact repeats and keeps distinct findings", () => {
    const a = finding("deleted", "listed-missing", { shard: 0, seq: 1, eventId: "e2" });
    const b = finding("inserted", "unlisted", { shard: 0, seq: 1, eventId: "e3" });
    expect(consolidate([a, a, b])).toEqual([a, b]);
  });
});
