// scripts/apply-monitoring.sh, run for real. Cloud Monitoring has no local emulator, so a
// stand-in `gcloud` first on PATH records each call and answers the two questions the
// script asks (does this metric exist, which policy has this display name); the real
// gcloud, if the machine has one, is never reached.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readMetrics, readPolicies, root, type AlertPolicy } from "./config.ts";

const script = join(root, "scripts/apply-monitoring.sh");
const metrics = readMetrics();
const policies = readPolicies();

const FAKE_GCLOUD = `#!/usr/bin/env bash
printf '%s\\n' "$*" >>"$FAKE_DIR/calls.log"
for arg in "$@"; do
  case "$arg" in --policy-from-file=*) cp "\${arg#*=}" "$FAKE_DIR/applied/" ;; esac
done
if [[ "$1 $2 $3" == "logging metrics describe" ]]; then
  [[ " $FAKE_EXISTING_METRICS " == *" $4 "* ]] && exit 0
  echo "NOT_FOUND: metric $4" >&2
  exit 1
fi
if [[ "$1 $2 $3 $4" == "alpha monitoring policies list" ]]; then
  for arg in "$@"; do
    case "$arg" in --filter=*) filter="\${arg#*=}" ;; esac
  done
  if [[ "$filter" == "displayName=\\"$FAKE_EXISTING_POLICY\\"" ]]; then
    printf '%s\\n' $FAKE_EXISTING_POLICY_NAMES
  fi
fi
exit 0
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The command lines the stand-in gcloud received, without the leading `gcloud`. */
  calls: string[];
  /** The policy files gcloud was given, by file name. */
  applied: Map<string, AlertPolicy>;
}

function apply(args: string[], env: Record<string, string> = {}): Run {
  const dir = mkdtempSync(join(tmpdir(), "apply-monitoring-"));
  mkdirSync(join(dir, "bin"));
  mkdirSync(join(dir, "applied"));
  writeFileSync(join(dir, "bin", "gcloud"), FAKE_GCLOUD);
  chmodSync(join(dir, "bin", "gcloud"), 0o755);

  const result = spawnSync("bash", [script, ...args], {
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${join(dir, "bin")}:${process.env["PATH"] ?? ""}`,
      FAKE_DIR: dir,
      FAKE_EXISTING_METRICS: "",
      FAKE_EXISTING_POLICY: "",
      FAKE_EXISTING_POLICY_NAMES: "",
      ...env,
    },
  });
  const log = join(dir, "calls.log");
  const applied = new Map<string, AlertPolicy>();
  for (const file of readdirSync(join(dir, "applied"))) {
    const text = readFileSync(join(dir, "applied", file), "utf8");
    applied.set(file, JSON.parse(text) as AlertPolicy);
  }
  const calls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
  rmSync(dir, { recursive: true, force: true });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    calls,
    applied,
  };
}

describe("scripts/apply-monitoring.sh refuses, before calling gcloud", () => {
  it("a demo project, which exists only in the emulators", () => {
    const run = apply(["demo-x", "4242"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("'demo-x' is a demo project");
    expect(run.calls).toEqual([]);
  });

  it("a demo project even under --dry-run", () => {
    const run = apply(["demo-tebra-bridge", "4242", "--dry-run"]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
  });

  it.each([
    [["clinic-prod"], "expected a project id and a channel id"],
    [["clinic-prod", "4242", "extra"], "expected a project id and a channel id"],
    [["clinic-prod", "4242", "--force"], "unknown option '--force'"],
    [
      ["Clinic_Prod", "4242"],
      "PROJECT_ID 'Clinic_Prod' is not a Google Cloud project id",
    ],
    [["clinic-", "4242"], "PROJECT_ID 'clinic-' is not a Google Cloud project id"],
    [
      ["clinic-prod", "ops@clinic"],
      "CHANNEL_ID 'ops@clinic' is not a notification channel",
    ],
    [
      ["clinic-prod", "projects/clinic-prod/notificationChannels/4242"],
      "CHANNEL_ID 'projects/clinic-prod/notificationChannels/4242' is not",
    ],
  ])("malformed arguments %j, and says what is wrong", (args, message) => {
    const run = apply(args);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("usage: scripts/apply-monitoring.sh");
    expect(run.calls).toEqual([]);
  });
});

describe("scripts/apply-monitoring.sh --dry-run", () => {
  const run = apply(["clinic-prod", "4242", "--dry-run"]);
  const lines = run.stdout.trim().split("\n");

  it("prints one create command per metric file and calls no gcloud", () => {
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([]);
    const created = lines
      .map((line) =>
        /^gcloud logging metrics create (\S+) --project=clinic-prod /.exec(line),
      )
      .filter((match) => match !== null)
      .map((match) => match[1]);
    expect(created).toEqual(metrics.map((m) => m.name));
    for (const { name, file } of metrics) {
      expect(lines).toContain(
        `gcloud logging metrics create ${name} --project=clinic-prod ` +
          `--config-from-file=${join(root, file)}`,
      );
    }
  });

  it("prints one create command per policy file, after the metrics", () => {
    const created = lines.filter((line) =>
      line.startsWith(
        "gcloud alpha monitoring policies create --project=clinic-prod --policy-from-file=",
      ),
    );
    expect(created.map((line) => line.split("/").pop())).toEqual(
      policies.map((p) => `${p.name}.json`),
    );
    expect(lines).toHaveLength(metrics.length + policies.length);
    expect(lines.findIndex((l) => l.includes("policies"))).toBe(metrics.length);
  });
});

describe("scripts/apply-monitoring.sh against a project", () => {
  const existingPolicy = policies[0]!.json.displayName;
  const run = apply(["clinic-prod", "4242"], {
    FAKE_EXISTING_METRICS: "security_alerts_raised tebra_alerts",
    FAKE_EXISTING_POLICY: existingPolicy,
    FAKE_EXISTING_POLICY_NAMES: "projects/clinic-prod/alertPolicies/777",
  });

  it("updates the metrics that exist and creates the others", () => {
    expect(run.status).toBe(0);
    for (const { name } of metrics) {
      const verb = ["security_alerts_raised", "tebra_alerts"].includes(name)
        ? "update"
        : "create";
      const call = run.calls.find((c) =>
        c.startsWith(`logging metrics ${verb} ${name} `),
      );
      expect(call, name).toBeDefined();
      expect(call).toContain("--project=clinic-prod --config-from-file=");
    }
    expect(run.calls.filter((c) => / metrics (create|update) /.test(c))).toHaveLength(
      metrics.length,
    );
  });

  it("updates the policy with the same display name and creates the others", () => {
    const updates = run.calls.filter((c) =>
      c.startsWith("alpha monitoring policies update"),
    );
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatch(
      /^alpha monitoring policies update projects\/clinic-prod\/alertPolicies\/777 /,
    );
    expect(updates[0]).toContain(`/${policies[0]!.name}.json`);
    const creates = run.calls.filter((c) =>
      c.startsWith("alpha monitoring policies create"),
    );
    expect(creates).toHaveLength(policies.length - 1);
  });

  it("gives gcloud each policy with the project and the channel filled in", () => {
    expect([...run.applied.keys()].sort()).toEqual(policies.map((p) => `${p.name}.json`));
    for (const [file, policy] of run.applied) {
      expect(policy.notificationChannels, file).toEqual([
        "projects/clinic-prod/notificationChannels/4242",
      ]);
      expect(JSON.stringify(policy), file).not.toMatch(/PROJECT_ID|CHANNEL_ID/);
    }
  });

  it("refuses to choose between two policies with the same display name", () => {
    const twice = apply(["clinic-prod", "4242"], {
      FAKE_EXISTING_POLICY: existingPolicy,
      FAKE_EXISTING_POLICY_NAMES:
        "projects/clinic-prod/alertPolicies/777 projects/clinic-prod/alertPolicies/778",
    });
    expect(twice.status).toBe(1);
    expect(twice.stderr).toContain(`several policies are named '${existingPolicy}'`);
    expect(
      twice.calls.some((c) => c.startsWith("alpha monitoring policies update")),
    ).toBe(false);
  });
});
