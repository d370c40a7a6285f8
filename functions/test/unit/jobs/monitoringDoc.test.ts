// docs/monitoring.md against what it describes: the files under monitoring/ (the
// definitions live there, once), the log catalog, and the runbooks its tables point to.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalogEvents, readMetrics, readPolicies, root } from "../monitoring/config.ts";

const doc = readFileSync(`${root}docs/monitoring.md`, "utf8");
const metrics = readMetrics();
const policies = readPolicies();

/** The table row that names `file`, as its cells. */
function rowOf(file: string): string[] | undefined {
  const line = doc.split("\n").find((l) => l.startsWith(`| \`${file}\``));
  return line?.split("|").map((cell) => cell.trim());
}

describe("docs/monitoring.md", () => {
  it("names every metric and policy file under monitoring/", () => {
    expect(metrics.length + policies.length).toBeGreaterThan(0);
    for (const { file } of [...metrics, ...policies])
      expect(rowOf(file), file).toBeDefined();
  });

  it("holds no definitions of its own: they live in monitoring/ only", () => {
    expect(doc).not.toMatch(/```json/);
    expect(doc).not.toContain('"metricDescriptor"');
    expect(doc).not.toContain('"conditionThreshold"');
  });

  it("gives each policy its severity and a runbook its documentation names", () => {
    for (const { file, json } of policies) {
      const [, , severity, , runbooks] = rowOf(file)!;
      expect(severity, file).toBe(json.severity);
      const linked = [...runbooks!.matchAll(/\((runbooks\/[a-z-]+\.md)\)/g)].map(
        (m) => m[1],
      );
      expect(linked.length, file).toBeGreaterThan(0);
      for (const runbook of linked) {
        expect(json.documentation.content, file).toContain(`docs/${runbook}`);
      }
    }
  });

  it("links only to documents that exist", () => {
    const links = [...doc.matchAll(/\]\(([^)]+)\)/g)]
      .map((m) => m[1]!.split("#")[0]!)
      .filter((target) => target.endsWith(".md"));
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) expect(existsSync(`${root}docs/${link}`), link).toBe(true);
  });

  it("names only events the log catalog writes", () => {
    const catalog = catalogEvents();
    const named = [...doc.matchAll(/`([a-z]+\.[a-z_]+)`/g)]
      .map((m) => m[1]!)
      .filter((name) => !/\.(ts|md|json|sh|js)$/.test(name));
    expect(named).toEqual(
      expect.arrayContaining(["security.alert_raised", "backup.export_completed"]),
    );
    for (const event of named) expect([...catalog.keys()], event).toContain(event);
  });

  it("tells how to apply the configuration with the script that does it", () => {
    expect(doc).toContain("bash scripts/apply-monitoring.sh PROJECT_ID");
    expect(existsSync(`${root}scripts/apply-monitoring.sh`)).toBe(true);
    expect(doc).toContain("--monitored-resource-type=cloud_run_revision");
  });
});
