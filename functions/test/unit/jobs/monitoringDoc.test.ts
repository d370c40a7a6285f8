import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../../../", import.meta.url);
const doc = readFileSync(new URL("docs/monitoring.md", root), "utf8");
const catalog = readFileSync(new URL("functions/src/logs.ts", root), "utf8");

const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
const catalogEvents = new Set(
  [...catalog.matchAll(/write\(\s*"[A-Z]+",\s*"([a-z_.]+)"/g)].map((m) => m[1]),
);

interface Block {
  name?: string;
  displayName?: string;
  metricDescriptor?: unknown;
  conditions?: Array<{ conditionThreshold: { filter: string } }>;
}

describe("docs/monitoring.md", () => {
  it("holds JSON that gcloud can read, for every metric and policy it names", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    for (const block of blocks) expect(() => JSON.parse(block) as unknown).not.toThrow();
  });

  it("matches only events the log catalog writes", () => {
    const matched = blocks.flatMap((block) =>
      [...block.matchAll(/jsonPayload\.event=\\"([a-z_.]+)\\"/g)].map((m) => m[1]!),
    );
    expect(matched).toEqual(
      expect.arrayContaining(["security.alert_raised", "backup.export_failed"]),
    );
    for (const event of matched) expect(catalogEvents, event).toContain(event);
  });

  it("points each alert policy at a metric one of its blocks defines", () => {
    const parsed = blocks.map((block) => JSON.parse(block) as Block);
    const metrics = new Set(parsed.filter((b) => b.metricDescriptor).map((b) => b.name));
    const policies = parsed.filter((b) => b.conditions);
    expect(policies.length).toBeGreaterThanOrEqual(3);
    for (const policy of policies) {
      const filter = policy.conditions![0]!.conditionThreshold.filter;
      const metric = /logging\.googleapis\.com\/user\/([a-z_]+)/.exec(filter)?.[1];
      expect(metrics, policy.displayName).toContain(metric);
    }
  });
});
