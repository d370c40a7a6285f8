// Every query the audit trail makes with a filter and an order on different fields needs a
// composite index in production (the emulator runs without them, so only this test notices
// one missing).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

interface IndexField {
  fieldPath: string;
  order?: string;
  arrayConfig?: string;
}

interface IndexFile {
  indexes: { collectionGroup: string; queryScope: string; fields: IndexField[] }[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; indexes: unknown[] }[];
}

const file = JSON.parse(
  readFileSync(new URL("../../../../firestore.indexes.json", import.meta.url), "utf8"),
) as IndexFile;

function shape(fields: IndexField[]): string {
  return fields.map((f) => `${f.fieldPath}:${f.order ?? f.arrayConfig}`).join(",");
}

const NEEDED: Array<{ collection: string; fields: string; usedBy: string }> = [
  {
    collection: "auditEvents",
    fields: "shard:ASCENDING,recorded:ASCENDING",
    usedBy: "sealer, verifier walk",
  },
  {
    collection: "auditEvents",
    fields: "patientIds:CONTAINS,recorded:DESCENDING",
    usedBy: "query by patient",
  },
  {
    collection: "auditEvents",
    fields: "agent.uid:ASCENDING,recorded:DESCENDING",
    usedBy: "query by user",
  },
  {
    collection: "auditEvents",
    fields: "outcome:ASCENDING,recorded:DESCENDING",
    usedBy: "query by outcome",
  },
  {
    collection: "auditSeals",
    fields: "shard:ASCENDING,toTime:ASCENDING",
    usedBy: "verifier: seals of a period",
  },
  {
    collection: "auditSeals",
    fields: "shard:ASCENDING,seq:DESCENDING",
    usedBy: "verifier: a chain's newest seal",
  },
];

describe("firestore.indexes.json for the audit trail", () => {
  it.each(NEEDED)(
    "has $collection($fields) for the $usedBy",
    ({ collection, fields }) => {
      const found = file.indexes.some(
        (index) =>
          index.collectionGroup === collection &&
          index.queryScope === "COLLECTION" &&
          shape(index.fields) === fields,
      );
      expect(found).toBe(true);
    },
  );

  it("does not index the seals' long lists of ids and hashes", () => {
    for (const fieldPath of ["eventIds", "leafHashes"]) {
      expect(file.fieldOverrides).toContainEqual({
        collectionGroup: "auditSeals",
        fieldPath,
        indexes: [],
      });
    }
  });
});
