// Reads the constants that firestore.rules mirrors from the functions (rules cannot import
// code), so that tests can compare them with their sources.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const RULES_PATH = fileURLToPath(
  new URL("../../../firestore.rules", import.meta.url),
);

export function rulesText(): string {
  return readFileSync(RULES_PATH, "utf8");
}

/** The expression a zero-argument rules function returns: `function name() { return X; }`. */
export function returnedBy(name: string, rules = rulesText()): string {
  const head = `function ${name}()`;
  const start = rules.indexOf(head);
  const body = start < 0 ? "" : rules.slice(start + head.length);
  const match = /^\s*\{\s*return\s+([\s\S]*?);\s*\}/.exec(body);
  if (!match)
    throw new Error(`firestore.rules has no function ${name}() returning a value`);
  return match[1]!;
}

/** Parses a returned literal written in JSON's syntax (double quotes, no trailing commas). */
export function literalReturnedBy(name: string, rules = rulesText()): unknown {
  const literal = returnedBy(name, rules);
  try {
    return JSON.parse(literal) as unknown;
  } catch {
    throw new Error(`${name}() in firestore.rules must return a JSON-style literal`);
  }
}

export function rulesMaxSessionAgeMinutes(): number {
  const value = literalReturnedBy("maxSessionAgeMinutes");
  if (typeof value !== "number")
    throw new Error("maxSessionAgeMinutes() is not a number");
  return value;
}
