import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  OPERATIONS,
  PERSONAS,
  TARGETS,
  allowedOperations,
} from "../integration/rules/matrix.ts";
import {
  SECURITY_DOC,
  generatedPart,
  normalise,
  renderAccessMatrix,
} from "../support/accessMatrixDoc.ts";

describe("docs/SECURITY.md's access matrix", () => {
  it("shows exactly the matrix the rules suite runs on the emulator", () => {
    const doc = readFileSync(SECURITY_DOC, "utf8");
    // On failure: node functions/test/support/accessMatrixDoc.ts --write
    expect(normalise(generatedPart(doc))).toEqual(normalise(renderAccessMatrix()));
  });

  it("has one row per collection and one column per persona", () => {
    const rendered = normalise(renderAccessMatrix());
    for (const target of TARGETS) {
      const rows = rendered.filter((line) => line.startsWith(`${target.label} |`));
      expect({ target: target.id, rows: rows.length }).toEqual({
        target: target.id,
        rows: 3,
      });
    }
    const headers = rendered.filter((line) => line.startsWith("Path |"));
    const columns = headers.flatMap((line) => line.split(" | ").slice(1));
    expect(columns).toEqual(PERSONAS.map((persona) => persona.label));
  });

  it("compares content, not layout, so a formatter's padding does not count", () => {
    expect(normalise("|  a | b  |\n|:---|---:|\n\n| c |  d |")).toEqual([
      "a | b",
      "--- | ---",
      "c | d",
    ]);
    expect(normalise("| a | b |")).not.toEqual(normalise("| a | c |"));
  });
});

describe("the access matrix", () => {
  it("names each operation in the order the tests try them", () => {
    expect(OPERATIONS).toEqual(["get", "list", "create", "update", "delete"]);
  });

  it("lets no client create or delete anything", () => {
    const writes = PERSONAS.flatMap((persona) =>
      TARGETS.flatMap((target) =>
        allowedOperations(persona.id, target.id)
          .filter((operation) => operation === "create" || operation === "delete")
          .map((operation) => `${persona.id} ${operation} ${target.id}`),
      ),
    );
    expect(writes).toEqual([]);
  });

  it("never lets an auditor read PHI, nor anyone read another practice's", () => {
    const phi = ["schedule", "visit"] as const;
    const readers = PERSONAS.filter((persona) =>
      phi.some((target) => allowedOperations(persona.id, target).length > 0),
    ).map((persona) => persona.id);
    expect(readers).toEqual(["admin", "provider", "staff"]);
  });
});
