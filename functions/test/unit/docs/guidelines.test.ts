// docs/SECURITY.md answers every line of the clinic's guidelines and every technical
// safeguard of the HIPAA Security Rule, and names only files and tests that exist.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  PROJECT_ROOT,
  SECURITY_DOC_PATH,
  SEPARATOR,
  guidelineLines,
  plain,
  readGuidelines,
} from "../../support/guidelines.ts";

const INTRODUCTION = "(Introduction)";
const GUIDELINES_SECTION = "## The clinic's guidelines, line by line";
const HIPAA_SECTION = "## HIPAA Security Rule: technical safeguards (45 CFR 164.312)";

const HIPAA_SAFEGUARDS = [
  "164.312(a)(1)",
  "164.312(a)(2)(i)",
  "164.312(a)(2)(ii)",
  "164.312(a)(2)(iii)",
  "164.312(a)(2)(iv)",
  "164.312(b)",
  "164.312(c)(1)",
  "164.312(c)(2)",
  "164.312(d)",
  "164.312(e)(1)",
  "164.312(e)(2)(i)",
  "164.312(e)(2)(ii)",
];

/** Top-level places a path in the document may start from. */
const PATH_ROOTS =
  /^(functions|docs|scripts|security|monitoring|\.ci)\/|^[\w.-]+\.(rules|json)$/;

interface Row {
  section: string;
  cells: string[];
}

const doc = readFileSync(SECURITY_DOC_PATH, "utf8");

/** The lines of one `## ` section of the document. */
function section(heading: string): string[] {
  const lines = doc.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`docs/SECURITY.md has no section "${heading}"`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith("## "));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Table rows (not the header or its rule) under each `### ` heading of a section. */
function rowsOf(lines: readonly string[]): Row[] {
  const rows: Row[] = [];
  let current = "";
  let sawHeader = false;
  for (const line of lines) {
    if (line.startsWith("### ")) {
      current = line.slice(4).trim();
      sawHeader = false;
    } else if (line.startsWith("|")) {
      if (!sawHeader) {
        sawHeader = true;
        continue;
      }
      if (/^\|\s*-/.test(line)) continue;
      rows.push({
        section: current,
        cells: line
          .slice(1, -1)
          .split(" | ")
          .map((c) => c.trim()),
      });
    }
  }
  return rows;
}

const guidelineRows = rowsOf(section(GUIDELINES_SECTION));
const hipaaRows = rowsOf(section(HIPAA_SECTION));

function keyOf(row: Row): string {
  const line = plain(row.cells[0] ?? "");
  return row.section === INTRODUCTION ? line : `${row.section}${SEPARATOR}${line}`;
}

function backticked(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
}

function isTestPath(path: string): boolean {
  return (
    /^functions\/test\/.+\.ts$/.test(path) ||
    path === ".ci/run" ||
    /^scripts\/bench-.+\.sh$/.test(path)
  );
}

function namesAnExistingTest(text: string): boolean {
  return backticked(text).some(
    (path) => isTestPath(path) && existsSync(join(PROJECT_ROOT, path)),
  );
}

describe("docs/SECURITY.md against the clinic's guidelines", () => {
  const lines = guidelineLines(readGuidelines());
  const keys = guidelineRows.map(keyOf);

  it("reads the guidelines into their lines, each under its headings", () => {
    expect(lines.length).toBeGreaterThan(90);
    expect(lines).toContain(
      "Data Protection › Data in Transit › SOAP messages are encrypted",
    );
    expect(lines).toContain(
      "Security Best Practices › Operational Security › Monitoring › Intrusion detection",
    );
    expect(lines).toContain("Security Checklist › Deployment › Set up alerts");
  });

  it("has a row for every line of the guidelines", () => {
    const missing = lines.filter((line) => !keys.includes(line));
    expect(missing, "guideline lines without a row in docs/SECURITY.md").toEqual([]);
  });

  it("has no row for a line the guidelines do not have, and no line twice", () => {
    const extra = keys.filter((key) => !lines.includes(key));
    expect(extra, "rows that match no guideline line").toEqual([]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("gives every row a control, and a test that exists or a reason", () => {
    const incomplete = guidelineRows
      .filter((row) => {
        const [, control = "", proof = ""] = row.cells;
        const hasReason = proof.startsWith("N/A") || proof.startsWith("See ");
        return !control || !(namesAnExistingTest(proof) || hasReason);
      })
      .map(keyOf);
    expect(incomplete, "rows with no control, or neither a test nor a reason").toEqual(
      [],
    );
  });
});

describe("docs/SECURITY.md against the HIPAA Security Rule", () => {
  it("maps every technical safeguard of 164.312 to a control and an existing test", () => {
    const unmapped = HIPAA_SAFEGUARDS.filter((id) => {
      const row = hipaaRows.find((r) => (r.cells[0] ?? "").startsWith(`${id} `));
      return !row || !row.cells[1] || !namesAnExistingTest(row.cells[2] ?? "");
    });
    expect(unmapped).toEqual([]);
  });
});

describe("docs/SECURITY.md against the tree", () => {
  it("names only files and folders that exist", () => {
    // A glob or a placeholder (`functions/.env*`, `.env.<project-id>`) names a pattern.
    const named = backticked(doc).filter(
      (token) => PATH_ROOTS.test(token) && !/[*<]/.test(token),
    );
    expect(named.length).toBeGreaterThan(50);
    const absent = [...new Set(named)].filter(
      (path) => !existsSync(join(PROJECT_ROOT, path)),
    );
    expect(absent).toEqual([]);
  });

  it("quotes only test titles that the named test file has", () => {
    // `file.test.ts` ("a title…", "another…"): each quote is the start of an `it` title.
    const wrong: string[] = [];
    for (const match of doc.matchAll(/`([^`]+\.ts)` \(([^)]*)\)/g)) {
      const [, path, inside] = match;
      if (!isTestPath(path!) || !existsSync(join(PROJECT_ROOT, path!))) continue;
      const source = readFileSync(join(PROJECT_ROOT, path!), "utf8");
      for (const quote of inside!.matchAll(/"([^"]+)"/g)) {
        const start = quote[1]!.replace(/(…|\.\.\.)$/, "");
        if (!source.includes(start)) wrong.push(`${path}: "${quote[1]}"`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
