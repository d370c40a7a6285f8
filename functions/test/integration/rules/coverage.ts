// The emulator's rules coverage report, kept as a build artifact and checked: after the
// suite, every expression in firestore.rules has been evaluated, and every boolean one
// (each allow condition among them) has been seen both true and false. It runs last: the
// report covers the requests made since the suite loaded the rules.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ID, firestoreHost } from "../../support/emulators.ts";
import { rulesText } from "../../support/rulesSource.ts";

export const ARTIFACTS_DIR = fileURLToPath(
  new URL("../../../../artifacts/", import.meta.url),
);

/** The emulator renders a report of tens of megabytes; on a busy machine that takes time. */
const REPORT_TIMEOUT_MS = 180_000;

interface CoverageNode {
  sourcePosition: {
    line: number;
    column: number;
    currentOffset: number;
    endOffset: number;
  };
  /** Each distinct value the expression took, with how often; absent if never evaluated. */
  values?: { value: Record<string, unknown>; count: number }[];
  children?: CoverageNode[];
}

interface CoverageReport {
  rules: { files: { content: string }[] };
  report: CoverageNode[];
}

function flatten(nodes: CoverageNode[]): CoverageNode[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children ?? [])]);
}

function booleanOutcomes(node: CoverageNode): boolean[] {
  const seen = new Set<boolean>();
  for (const { value } of node.values ?? []) {
    if (typeof value["boolValue"] === "boolean") seen.add(value["boolValue"]);
  }
  return [...seen];
}

async function fetchCoverage(suffix: "" | ".html"): Promise<string> {
  const { host, port } = firestoreHost();
  const url =
    `http://${host}:${port}/emulator/v1/projects/${PROJECT_ID}:ruleCoverage` + suffix;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.text();
}

export function describeRulesCoverage(): void {
  describe("rules coverage (artifacts/firestore-rules-coverage.*)", () => {
    let source = "";
    let expressions: CoverageNode[] = [];
    let unexercised: string[] = [];
    let oneSided: string[] = [];

    const where = (node: CoverageNode) => {
      const { line, column, currentOffset, endOffset } = node.sourcePosition;
      // The report's end offset is the expression's last character.
      const text = source.slice(currentOffset, endOffset + 1).replace(/\s+/g, " ");
      return `firestore.rules:${line}:${column} ${text}`;
    };

    beforeAll(async () => {
      const started = Date.now();
      const [json, html] = await Promise.all([fetchCoverage(""), fetchCoverage(".html")]);
      const report = JSON.parse(json) as CoverageReport;
      source = report.rules.files[0]?.content ?? "";
      expressions = flatten(report.report);
      unexercised = expressions.filter((node) => !node.values?.length).map(where);
      oneSided = expressions
        .filter((node) => booleanOutcomes(node).length === 1)
        .map((node) => `${where(node)} (always ${booleanOutcomes(node)[0]})`);

      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      writeFileSync(join(ARTIFACTS_DIR, "firestore-rules-coverage.json"), json);
      writeFileSync(join(ARTIFACTS_DIR, "firestore-rules-coverage.html"), html);
      const summary = { expressions: expressions.length, unexercised, oneSided };
      writeFileSync(
        join(ARTIFACTS_DIR, "firestore-rules-coverage-summary.json"),
        JSON.stringify(summary, null, 2) + "\n",
      );
      console.log(
        `rules coverage: ${expressions.length} expressions, ${unexercised.length} never ` +
          `evaluated, ${oneSided.length} boolean ones seen one way only; report ` +
          `(${Math.round(json.length / 1e6)} MB) in ${ARTIFACTS_DIR}, ${Date.now() - started} ms`,
      );
    }, REPORT_TIMEOUT_MS);

    it("is the report of the rules file in the working tree", () => {
      expect(source).toBe(rulesText());
      expect(expressions.length).toBeGreaterThan(100);
    });

    it("evaluated every expression in firestore.rules at least once", () => {
      expect(unexercised).toEqual([]);
    });

    it("saw every boolean expression, each allow condition among them, both true and false", () => {
      expect(oneSided).toEqual([]);
    });
  });
}
