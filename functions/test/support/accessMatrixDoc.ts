// Renders the access matrix the rules suite runs (test/integration/rules/matrix.ts) as the
// tables in docs/SECURITY.md, between two markers. A unit test fails when the doc's tables
// differ from the matrix; rewrite them with (Node 22 on PATH):
//   node functions/test/support/accessMatrixDoc.ts --write
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  OPERATIONS,
  PERSONAS,
  PERSONA_GROUPS,
  TARGETS,
  allowedOperations,
  type Operation,
  type Target,
} from "../integration/rules/matrix.ts";

export const SECURITY_DOC = fileURLToPath(
  new URL("../../../docs/SECURITY.md", import.meta.url),
);
export const BEGIN_MARKER =
  "<!-- access-matrix:begin (generated from functions/test/integration/rules/matrix.ts) -->";
export const END_MARKER = "<!-- access-matrix:end -->";

const SUPERSCRIPTS = ["¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"];

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** The tables and their footnotes, in Markdown. */
export function renderAccessMatrix(): string {
  const footnotes: string[] = [];
  const marks = new Map<string, string>();
  const mark = (targetId: string, operation: Operation, condition: string) => {
    const key = `${targetId}/${operation}`;
    if (!marks.has(key)) {
      const symbol = SUPERSCRIPTS[footnotes.length] ?? `[${footnotes.length + 1}]`;
      marks.set(key, symbol);
      footnotes.push(`${symbol} ${condition}.`);
    }
    return marks.get(key)!;
  };

  const sections: string[] = [];
  for (const [group, heading] of Object.entries(PERSONA_GROUPS)) {
    const personas = PERSONAS.filter((persona) => persona.group === group);
    const lines = [
      `**${heading}.**`,
      "",
      row(["Path", ...personas.map((persona) => persona.label)]),
      row(["---", ...personas.map(() => "---")]),
    ];
    for (const target of TARGETS) {
      const conditions: Target["conditions"] =
        "conditions" in target ? target.conditions : {};
      const cells = personas.map((persona) => {
        const allowed = allowedOperations(persona.id, target.id).map((operation) => {
          const condition = conditions?.[operation];
          return condition
            ? operation + mark(target.id, operation, condition)
            : operation;
        });
        return allowed.length ? allowed.join(", ") : "—";
      });
      lines.push(row([target.label, ...cells]));
    }
    sections.push(lines.join("\n"));
  }

  const legend =
    `Operations: ${OPERATIONS.map((operation) => `\`${operation}\``).join(", ")}; ` +
    "— means every operation is refused.";
  return [...sections, legend, ...footnotes].join("\n\n");
}

/** The generated part of a document, between the markers. */
export function generatedPart(doc: string): string {
  const begin = doc.indexOf(BEGIN_MARKER);
  const end = doc.indexOf(END_MARKER);
  if (begin < 0 || end < begin) {
    throw new Error(`docs/SECURITY.md lacks the markers ${BEGIN_MARKER} … ${END_MARKER}`);
  }
  return doc.slice(begin + BEGIN_MARKER.length, end);
}

export function withMatrix(doc: string): string {
  const begin = doc.indexOf(BEGIN_MARKER) + BEGIN_MARKER.length;
  return `${doc.slice(0, begin)}\n${renderAccessMatrix()}\n${doc.slice(doc.indexOf(END_MARKER))}`;
}

/**
 * Markdown compared by content, not layout: a formatter may pad table cells, align
 * delimiter rows or change blank lines without changing what the table says.
 */
export function normalise(markdown: string): string[] {
  return markdown
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) =>
      line.startsWith("|")
        ? line
            .replace(/^\||\|$/g, "")
            .split("|")
            .map((cell) => cell.trim().replace(/^:?-{3,}:?$/, "---"))
            .join(" | ")
        : line.replace(/\s+/g, " "),
    );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = readFileSync(SECURITY_DOC, "utf8");
  if (process.argv.includes("--write")) {
    writeFileSync(SECURITY_DOC, withMatrix(doc));
    console.log(`wrote the access matrix into ${SECURITY_DOC}`);
  } else {
    process.stdout.write(renderAccessMatrix() + "\n");
  }
}
