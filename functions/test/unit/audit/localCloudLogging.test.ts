import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalCloudLogging } from "../../../src/platform/cloudLogging.ts";

const dir = mkdtempSync(join(tmpdir(), "local-logging-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = (iso: string) => new Date(iso);

describe("LocalCloudLogging", () => {
  it("shares one log between instances through its file, as emulator workers need", async () => {
    const file = join(dir, "shared.jsonl");
    await new LocalCloudLogging(file).write("audit", [
      { severity: "NOTICE", timestamp: at("2026-03-08T10:00:00Z"), payload: { seq: 1 } },
    ]);
    const read = await new LocalCloudLogging(file).read("audit", {
      from: at("2026-03-08T00:00:00Z"),
      to: at("2026-03-09T00:00:00Z"),
    });
    expect(read.map((e) => e.payload)).toEqual([{ seq: 1 }]);
  });

  it("filters by log, time range, payload equality and alternatives, oldest first", async () => {
    const log = new LocalCloudLogging();
    await log.write("audit", [
      {
        severity: "NOTICE",
        timestamp: at("2026-03-08T12:00:00Z"),
        payload: { k: "s", n: 2 },
      },
      {
        severity: "NOTICE",
        timestamp: at("2026-03-08T11:00:00Z"),
        payload: { k: "s", n: 1 },
      },
      {
        severity: "NOTICE",
        timestamp: at("2026-03-08T13:00:00Z"),
        payload: { k: "e", n: 3 },
      },
      {
        severity: "NOTICE",
        timestamp: at("2026-03-10T13:00:00Z"),
        payload: { k: "s", n: 4 },
      },
    ]);
    await log.write("other", [{ severity: "INFO", payload: { k: "s", n: 5 } }]);
    const range = { from: at("2026-03-08T00:00:00Z"), to: at("2026-03-09T00:00:00Z") };
    const all = await log.read("audit", { ...range, payload: { k: "s" } });
    expect(all.map((e) => e.payload["n"])).toEqual([1, 2]);
    const some = await log.read("audit", { ...range, anyOf: [{ n: 2 }, { n: 3 }] });
    expect(some.map((e) => e.payload["n"])).toEqual([2, 3]);
    expect(await log.read("audit", { ...range, anyOf: [] })).toEqual([]);
  });

  it("answers nothing, not an error, before anything was written", async () => {
    const log = new LocalCloudLogging(join(dir, "never-written.jsonl"));
    expect(
      await log.read("audit", { from: at("2026-01-01T00:00:00Z"), to: new Date() }),
    ).toEqual([]);
  });
});
