import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BOARD_QUERIES } from "../integration/rules/matrix.ts";

interface IndexFile {
  indexes: {
    collectionGroup: string;
    queryScope: string;
    fields: { fieldPath: string; order?: string }[];
  }[];
}

const indexes = JSON.parse(
  readFileSync(new URL("../../../firestore.indexes.json", import.meta.url), "utf8"),
) as IndexFile;

describe("firestore.indexes.json", () => {
  it("has a composite index for each of the flow board's filtered queries", () => {
    for (const board of BOARD_QUERIES) {
      const index = indexes.indexes.find(
        (candidate) =>
          candidate.collectionGroup === "visits" &&
          candidate.queryScope === "COLLECTION" &&
          candidate.fields.map((field) => field.fieldPath).join() ===
            `${board.where},${board.orderBy}`,
      );
      expect({ board, indexed: index !== undefined }).toEqual({ board, indexed: true });
    }
  });
});
