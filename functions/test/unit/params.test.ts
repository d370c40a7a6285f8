import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const functionsDir = new URL("../..", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

function definedParams(): string[] {
  const names = new Set<string>();
  for (const file of sourceFiles(join(functionsDir, "src"))) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(
      /define(?:String|Int|Boolean|Float|List)\(\s*"([A-Z0-9_]+)"/g,
    )) {
      names.add(match[1]!);
    }
  }
  return [...names].sort();
}

describe("the demo project's parameter file", () => {
  it("sets every parameter the code defines, so the emulator never prompts", () => {
    const envFile = readFileSync(join(functionsDir, ".env.demo-tebra-bridge"), "utf8");
    const set = new Set([...envFile.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const defined = definedParams();
    expect(defined.length).toBeGreaterThan(0);
    expect(defined.filter((name) => !set.has(name))).toEqual([]);
  });
});
