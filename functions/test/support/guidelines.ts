// Reads the clinic's security guidelines (../shared/guidelines/SECURITY-GUIDELINES.md, beside
// the project) into the lines docs/SECURITY.md must answer, each keyed by the headings it
// sits under: "Data Protection › Data in Transit › SOAP messages are encrypted".
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const GUIDELINES_PATH = resolve(
  PROJECT_ROOT,
  "../shared/guidelines/SECURITY-GUIDELINES.md",
);
export const SECURITY_DOC_PATH = join(PROJECT_ROOT, "docs/SECURITY.md");

export const SEPARATOR = " › ";

/** Markdown to the words a reader sees: no bold, no checkbox, links and addresses as text. */
export function plain(markdown: string): string {
  return markdown
    .replace(/\[ \]\s*/g, "")
    .replace(/\*\*/g, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/<([^>\s]+)>/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

export function readGuidelines(): string {
  if (!existsSync(GUIDELINES_PATH)) {
    throw new Error(
      `The clinic's guidelines are not at ${GUIDELINES_PATH}: ../shared must sit beside ` +
        "the project (see README.md), or this check cannot run.",
    );
  }
  return readFileSync(GUIDELINES_PATH, "utf8");
}

/**
 * Every line of guidance: list items, checklist items and prose sentences, each under its
 * headings below the title; a numbered bold item with sub-items ("1. **Monitoring**")
 * heads its sub-items. Headings and the HTML comment are structure, not guidance.
 */
export function guidelineLines(markdown: string): string[] {
  const lines: string[] = [];
  const headings: string[] = [];
  let group: string | null = null;
  let inComment = false;
  for (const raw of markdown.split("\n")) {
    const line = raw.trimEnd();
    if (inComment || line.startsWith("<!--")) {
      inComment = !line.includes("-->");
      continue;
    }
    if (!line.trim()) continue;
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      headings.length = level - 1;
      headings[level - 1] = plain(heading[2]!);
      group = null;
      continue;
    }
    const path = headings.slice(1).filter(Boolean);
    const numbered = /^\d+\.\s+(.*)$/.exec(line);
    if (numbered) {
      const text = plain(numbered[1]!);
      // "1. **Code Security**" alone heads the bullets below it.
      if (/^\d+\.\s+\*\*[^*]+\*\*$/.test(line)) group = text;
      else {
        group = null;
        lines.push([...path, text].join(SEPARATOR));
      }
      continue;
    }
    const bullet = /^\s*-\s+(.*)$/.exec(line);
    const text = plain(bullet ? bullet[1]! : line);
    const indented = /^\s+-/.test(line);
    lines.push([...path, ...(indented && group ? [group] : []), text].join(SEPARATOR));
  }
  return lines;
}
