// The monitoring configuration (monitoring/metrics, monitoring/policies) against the log
// catalog it counts and the runbooks it points to: a metric that matches an event nobody
// writes, or a label that reads a field the line does not carry, counts nothing and says
// nothing, so these are checked here rather than discovered in a real project.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  catalogEvents,
  filterEvents,
  readMetrics,
  readPolicies,
  root,
  watchedMetric,
  type AlertPolicy,
} from "./config.ts";

const catalog = catalogEvents();
const metrics = readMetrics();
const policies = readPolicies();
const metricByName = new Map(metrics.map((m) => [m.name, m.json]));

const RESOURCE = 'resource.type="cloud_run_revision"';
const CHANNEL = "projects/PROJECT_ID/notificationChannels/CHANNEL_ID";
const SEVERITIES = ["CRITICAL", "ERROR", "WARNING"];

function seconds(duration: string): number {
  const match = /^(\d+)s$/.exec(duration);
  if (!match) throw new Error(`not a duration in seconds: ${duration}`);
  return Number(match[1]);
}

function labelsOf(metric: string): string[] {
  return (metricByName.get(metric)?.metricDescriptor.labels ?? []).map((l) => l.key);
}

/** The policies with a condition on a metric whose filter matches `event` (and `also`). */
function policiesFor(event: string, also?: string): AlertPolicy[] {
  const counting = metrics
    .filter((m) => filterEvents(m.json.filter).includes(event))
    .filter((m) => also === undefined || m.json.filter.includes(also))
    .map((m) => m.name);
  return policies
    .map((p) => p.json)
    .filter((p) =>
      p.conditions.some((c) =>
        counting.includes(watchedMetric(c.conditionThreshold.filter) ?? ""),
      ),
    );
}

describe("the log catalog as the monitoring tests read it", () => {
  it("finds the events and fields the alerts depend on", () => {
    expect(catalog.size).toBeGreaterThanOrEqual(50);
    expect([...catalog.get("audit.verified")!]).toContain("ok");
    expect([...catalog.get("tebra.breaker_state_changed")!]).toContain("state");
    expect([...catalog.get("security.alert_raised")!]).toContain("rule");
    expect([...catalog.get("audit.write_failed")!]).toContain("function");
    expect([...catalog.get("audit.write_failed")!]).not.toContain("functionName");
  });
});

describe("monitoring/metrics", () => {
  it("holds one log-based metric per file, named after the file", () => {
    expect(metrics.length).toBeGreaterThanOrEqual(10);
    for (const { name, json } of metrics) {
      expect(json.name, name).toBe(name);
      expect(json.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(json.description.length, name).toBeGreaterThan(10);
      expect(json.metricDescriptor, name).toMatchObject({
        metricKind: "DELTA",
        valueType: "INT64",
      });
    }
  });

  it("counts only lines of the functions, by an event the catalog writes", () => {
    for (const { name, json } of metrics) {
      expect(json.filter.startsWith(`${RESOURCE} AND `), name).toBe(true);
      const events = filterEvents(json.filter);
      expect(events.length, name).toBeGreaterThan(0);
      for (const event of events) expect([...catalog.keys()], name).toContain(event);
    }
  });

  it("reads in its filter only fields that its events' lines carry", () => {
    for (const { name, json } of metrics) {
      const carried = filterEvents(json.filter).flatMap((e) => [...catalog.get(e)!]);
      for (const [, field] of json.filter.matchAll(/jsonPayload\.(\w+)/g)) {
        expect(carried, `${name}: jsonPayload.${field}`).toContain(field);
      }
    }
  });

  it("extracts each label from a field that its events' lines carry", () => {
    for (const { name, json } of metrics) {
      const carried = filterEvents(json.filter).flatMap((e) => [...catalog.get(e)!]);
      const declared = labelsOf(name);
      const extracted = Object.keys(json.labelExtractors ?? {});
      expect(extracted.sort(), name).toEqual([...declared].sort());
      for (const [label, extractor] of Object.entries(json.labelExtractors ?? {})) {
        const field = /^EXTRACT\(jsonPayload\.(\w+)\)$/.exec(extractor)?.[1];
        expect(field, `${name}.${label}`).toBeDefined();
        expect(carried, `${name}.${label}`).toContain(field);
      }
    }
  });

  it("sends a security alert to exactly one metric: credential rules apart", () => {
    const security = metricByName.get("security_alerts_raised")!.filter;
    const credential = metricByName.get("credential_alerts_raised")!.filter;
    expect(security).toContain('NOT jsonPayload.rule=~"^credential-"');
    expect(credential).toContain('jsonPayload.rule=~"^credential-"');
    // A refused credential is counted by its own line, not twice.
    expect(credential).toContain('NOT jsonPayload.rule="credential-refused"');
    expect(
      filterEvents(metricByName.get("credential_rotation_failures")!.filter),
    ).toContain("rotation.credential_refused");
  });

  it("is watched by at least one alert policy, each of them", () => {
    const watched = policies.flatMap((p) =>
      p.json.conditions.map((c) => watchedMetric(c.conditionThreshold.filter)),
    );
    for (const { name } of metrics) expect(watched, name).toContain(name);
  });
});

describe("monitoring/policies", () => {
  it("holds one alert policy per file, each with its own display name", () => {
    expect(policies.length).toBeGreaterThanOrEqual(10);
    const names = policies.map((p) => p.json.displayName);
    expect(new Set(names).size).toBe(names.length);
    for (const { name, json } of policies) {
      expect(json.displayName, name).toMatch(/^tebra-bridge: /);
      expect(SEVERITIES, name).toContain(json.severity);
      expect(json.combiner, name).toBe("OR");
      expect(json.conditions.length, name).toBeGreaterThan(0);
    }
  });

  it("leaves the project and the channel as placeholders for the script", () => {
    for (const { name, json } of policies) {
      expect(json.notificationChannels, name).toEqual([CHANNEL]);
    }
  });

  it("watches metrics that monitoring/metrics defines, by labels they have", () => {
    for (const { name, json } of policies) {
      for (const { conditionThreshold: threshold } of json.conditions) {
        expect(threshold.filter.startsWith(`${RESOURCE} AND `), name).toBe(true);
        const metric = watchedMetric(threshold.filter);
        expect([...metricByName.keys()], name).toContain(metric);
        for (const aggregation of threshold.aggregations) {
          for (const field of aggregation.groupByFields ?? []) {
            expect(field, name).toMatch(/^metric\.label\./);
            expect(labelsOf(metric!), name).toContain(
              field.slice("metric.label.".length),
            );
          }
        }
        expect(threshold.evaluationMissingData, name).toBeDefined();
      }
    }
  });

  it("names in its documentation only labels that every condition keeps", () => {
    for (const { name, json } of policies) {
      for (const [, label] of json.documentation.content.matchAll(
        /\$\{metric\.label\.(\w+)\}/g,
      )) {
        for (const condition of json.conditions) {
          const kept = condition.conditionThreshold.aggregations.flatMap(
            (a) => a.groupByFields ?? [],
          );
          expect(kept, `${name}: \${metric.label.${label}}`).toContain(
            `metric.label.${label}`,
          );
        }
      }
    }
  });

  it("points to a runbook, and to documents that exist", () => {
    for (const { name, json } of policies) {
      expect(json.documentation.mimeType, name).toBe("text/markdown");
      const content = json.documentation.content;
      expect(content, name).toMatch(/docs\/runbooks\/[a-z-]+\.md/);
      for (const [path] of content.matchAll(/docs\/[a-z/-]+\.md/g)) {
        expect(existsSync(`${root}${path}`), `${name}: ${path}`).toBe(true);
      }
    }
  });
});

describe("the alerts the project needs", () => {
  const required: Array<{
    alert: string;
    event: string;
    also?: string;
    severity: string;
    runbook: string;
  }> = [
    {
      alert: "security and anomaly alerts",
      event: "security.alert_raised",
      severity: "CRITICAL",
      runbook: "incident-response.md",
    },
    {
      alert: "audit tampering",
      event: "audit.tamper_detected",
      severity: "CRITICAL",
      runbook: "incident-response.md",
    },
    {
      alert: "a failed audit verification",
      event: "audit.verified",
      also: "jsonPayload.ok=false",
      severity: "CRITICAL",
      runbook: "incident-response.md",
    },
    {
      alert: "the Tebra breaker open",
      event: "tebra.breaker_state_changed",
      also: 'jsonPayload.state="open"',
      severity: "ERROR",
      runbook: "incident-response.md",
    },
    {
      alert: "Tebra refusing the backend",
      event: "tebra.alert",
      severity: "CRITICAL",
      runbook: "credential-rotation.md",
    },
    {
      alert: "a TLS pin mismatch",
      event: "tebra.tls_pin_mismatch",
      severity: "CRITICAL",
      runbook: "incident-response.md",
    },
    {
      alert: "a credential past its alert age",
      event: "security.alert_raised",
      also: 'jsonPayload.rule=~"^credential-"',
      severity: "ERROR",
      runbook: "credential-rotation.md",
    },
    {
      alert: "a credential due for rotation",
      event: "rotation.age_warning",
      severity: "WARNING",
      runbook: "credential-rotation.md",
    },
    {
      alert: "a failed rotation",
      event: "rotation.failed",
      severity: "ERROR",
      runbook: "credential-rotation.md",
    },
    {
      alert: "a refused credential",
      event: "rotation.credential_refused",
      severity: "ERROR",
      runbook: "credential-rotation.md",
    },
    {
      alert: "a failed backup",
      event: "backup.export_failed",
      severity: "ERROR",
      runbook: "restore-from-backup.md",
    },
    ...["anomaly.scan_failed", "retention.failed", "retention.protected_refused"].map(
      (event) => ({
        alert: "a failed scheduled job",
        event,
        severity: "ERROR",
        runbook: "incident-response.md",
      }),
    ),
    {
      alert: "a failed schedule sync",
      event: "sync.failed",
      severity: "ERROR",
      runbook: "incident-response.md",
    },
    {
      alert: "an audit event that could not be written",
      event: "audit.write_failed",
      severity: "ERROR",
      runbook: "incident-response.md",
    },
    {
      alert: "a secret that cannot be read",
      event: "secret.unavailable",
      severity: "CRITICAL",
      runbook: "credential-rotation.md",
    },
  ];

  it.each(required)(
    "notifies $alert at $severity, pointing to $runbook",
    ({ event, also, severity, runbook }) => {
      const found = policiesFor(event, also);
      expect(found.length).toBeGreaterThan(0);
      const matching = found.filter((p) => p.severity === severity);
      expect(matching.map((p) => p.displayName)).not.toEqual([]);
      for (const policy of matching) {
        expect(policy.documentation.content).toContain(`docs/runbooks/${runbook}`);
      }
    },
  );

  it("notifies when no backup has completed for 26 hours", () => {
    const [policy] = policiesFor("backup.export_completed");
    expect(policy).toBeDefined();
    expect(policy!.severity).toBe("ERROR");
    expect(policy!.documentation.content).toContain(
      "docs/runbooks/restore-from-backup.md",
    );
    const { conditionThreshold: threshold } = policy!.conditions[0]!;
    expect(threshold.comparison).toBe("COMPARISON_LT");
    expect(threshold.thresholdValue).toBe(1);
    // No data at all is the very case to alert on.
    expect(threshold.evaluationMissingData).toBe("EVALUATION_MISSING_DATA_ACTIVE");
    const window = seconds(threshold.aggregations[0]!.alignmentPeriod);
    // 25 hours is the longest alignment period an alert policy accepts.
    expect(window).toBeLessThanOrEqual(25 * 3600);
    expect(window + seconds(threshold.duration)).toBe(26 * 3600);
  });
});
