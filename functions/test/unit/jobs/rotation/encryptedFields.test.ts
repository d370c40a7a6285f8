import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ENCRYPTED_FIELDS } from "../../../../src/jobs/rotation/reencrypt.ts";

const functionsDir = new URL("../../../..", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

describe("the list of encrypted fields that re-encryption walks", () => {
  it("names every module that encrypts a field, so no old key is disabled under data", () => {
    const writers = sourceFiles(join(functionsDir, "src"))
      .filter((file) => !file.endsWith("crypto/fieldCipher.ts"))
      .filter((file) => /\bcipher\.encrypt\(/.test(readFileSync(file, "utf8")))
      .filter((file) => !file.endsWith("jobs/rotation/reencrypt.ts"))
      .map((file) => relative(functionsDir, file))
      .sort();
    expect(writers.length).toBeGreaterThan(0);
    expect(writers).toEqual(
      [...new Set(ENCRYPTED_FIELDS.map((f) => f.writtenBy))].sort(),
    );
  });
});
