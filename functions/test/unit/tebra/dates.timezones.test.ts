// The date code must not depend on the process's own time zone (Cloud Functions run in
// UTC; a developer's machine may not). The same cases run in child processes under
// TZ=UTC and TZ=America/Los_Angeles, and each must give the expected answers.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DST_CASES } from "../../fixtures/tebra/dstCases.ts";

const SCRIPT = fileURLToPath(
  new URL("../../fixtures/tebra/printDstCases.ts", import.meta.url),
);

function runUnder(tz: string) {
  const out = execFileSync(process.execPath, [SCRIPT], {
    env: { ...process.env, TZ: tz },
    encoding: "utf8",
  });
  return JSON.parse(out) as {
    processZone: string;
    offsetMinutes: number;
    results: { name: string; actual: unknown }[];
  };
}

describe("Tebra dates under other process time zones", () => {
  for (const [tz, offset] of [
    ["UTC", 0],
    ["America/Los_Angeles", 480],
  ] as const) {
    it(`give the same answers when the process runs with TZ=${tz}`, () => {
      const run = runUnder(tz);
      expect(run.processZone).toBe(tz === "UTC" ? "UTC" : tz);
      expect(run.offsetMinutes).toBe(offset);
      expect(run.results).toEqual(
        DST_CASES.map((c) => ({ name: c.name, actual: c.expected })),
      );
    });
  }
});
