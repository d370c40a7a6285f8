// firestore.rules cannot import code, so it repeats three of the functions' constants.
// These tests fail when a copy drifts from its source.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FLOW_STATUSES, FLOW_TRANSITIONS } from "../../src/flow/status.ts";
import { FLOW_FIELDS } from "../../src/flow/visit.ts";
import {
  literalReturnedBy,
  rulesMaxSessionAgeMinutes,
  rulesText,
} from "../support/rulesSource.ts";

const functionsDir = new URL("../..", import.meta.url).pathname;

const sorted = (values: readonly string[]) => [...values].sort();

describe("firestore.rules' copies of the functions' constants", () => {
  it("moves a visit's status exactly as FLOW_TRANSITIONS does", () => {
    const table = literalReturnedBy("flowTransitions") as Record<string, string[]>;
    expect(sorted(Object.keys(table))).toEqual(sorted(FLOW_STATUSES));
    for (const status of FLOW_STATUSES) {
      expect({ status, moves: sorted(table[status] ?? []) }).toEqual({
        status,
        moves: sorted(FLOW_TRANSITIONS[status]),
      });
    }
  });

  it("lets clients write exactly FLOW_FIELDS", () => {
    expect(sorted(literalReturnedBy("flowFields") as string[])).toEqual(
      sorted(FLOW_FIELDS),
    );
  });

  it("holds the default of MAX_SESSION_AGE_MINUTES from config.ts", () => {
    const config = readFileSync(join(functionsDir, "src/config.ts"), "utf8");
    const declared =
      /defineInt\(\s*"MAX_SESSION_AGE_MINUTES",\s*\{[^}]*?default:\s*(\d+)/.exec(config);
    expect(declared, "MAX_SESSION_AGE_MINUTES with a numeric default").not.toBeNull();
    expect(rulesMaxSessionAgeMinutes()).toBe(Number(declared![1]));
  });

  it("holds the MAX_SESSION_AGE_MINUTES of every functions/.env file that sets it", () => {
    const envFiles = readdirSync(functionsDir).filter((name) => name.startsWith(".env"));
    const settings = envFiles.flatMap((name) => {
      const text = readFileSync(join(functionsDir, name), "utf8");
      const match = /^MAX_SESSION_AGE_MINUTES=(\d+)\s*$/m.exec(text);
      return match ? [{ file: name, minutes: Number(match[1]) }] : [];
    });
    expect(settings.map((s) => s.file)).toContain(".env.demo-tebra-bridge");
    const max = rulesMaxSessionAgeMinutes();
    expect(settings).toEqual(settings.map(({ file }) => ({ file, minutes: max })));
  });

  it("fails loudly when a mirrored function is missing or not a plain literal", () => {
    expect(() =>
      literalReturnedBy("flowFields", "function other() { return 1; }"),
    ).toThrow(/no function flowFields/);
    const notJson = "function flowFields() { return ['status']; }";
    expect(() => literalReturnedBy("flowFields", notJson)).toThrow(/JSON-style literal/);
  });

  it("keeps the rules file ASCII, so coverage offsets point at the right text", () => {
    expect(rulesText()).not.toMatch(/[^\t\n\r -~]/);
  });
});
