#!/usr/bin/env node
// CI gate: known vulnerabilities in the production dependencies of the deployed package.
// Asks `npm audit` (the GitHub Advisory Database) first. Where the audit endpoint cannot be
// reached (these machines reach the registry for downloads only), it says so and checks the
// lockfile against the hand-kept snapshot in security/advisories-snapshot.json instead.
// High and critical advisories fail the gate unless security/audit-exceptions.json accepts
// them with a reason and an unexpired date. Usage: audit-deps.mjs [--dir <package dir>]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const args = process.argv.slice(2);
const dirArg = args.includes("--dir") ? args[args.indexOf("--dir") + 1] : undefined;
const dir = resolve(dirArg ?? join(root, "functions"));
const FAILING = new Set(["high", "critical"]);
const today = process.env.AUDIT_TODAY ?? new Date().toISOString().slice(0, 10);

const exceptionsFile = process.env.AUDIT_EXCEPTIONS ?? join(root, "security/audit-exceptions.json");
const snapshotFile = process.env.AUDIT_SNAPSHOT ?? join(root, "security/advisories-snapshot.json");

function say(line) {
  process.stdout.write(`audit-deps: ${line}\n`);
}

// ---- versions and ranges (the comparator subset advisories use) -----------------------

function parseVersion(text) {
  const [core, pre] = text.split("-", 2);
  const [major = 0, minor = 0, patch = 0] = core.split(".").map(Number);
  return { major, minor, patch, pre: pre ?? "" };
}

function compare(a, b) {
  for (const key of ["major", "minor", "patch"]) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  if (a.pre === b.pre) return 0;
  if (!a.pre) return 1;
  if (!b.pre) return -1;
  return a.pre < b.pre ? -1 : 1;
}

export function satisfies(version, range) {
  const v = parseVersion(version);
  return range.split("||").some((set) =>
    set.trim().split(/\s+/).every((comparator) => {
      const match = /^(<=|>=|<|>|=)?(.+)$/.exec(comparator);
      const [, op = "=", bound] = match;
      const c = compare(v, parseVersion(bound));
      return { "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0, "=": c === 0 }[op];
    }),
  );
}

// ---- what the package ships ------------------------------------------------------------

function productionPackages(packageDir) {
  const lock = JSON.parse(readFileSync(join(packageDir, "package-lock.json"), "utf8"));
  const found = [];
  for (const [path, info] of Object.entries(lock.packages ?? {})) {
    if (!path || info.dev) continue;
    const name = info.name ?? path.slice(path.lastIndexOf("node_modules/") + 13);
    found.push({ name, version: info.version, path });
  }
  return found;
}

function fromSnapshot(packages) {
  const snapshot = JSON.parse(readFileSync(snapshotFile, "utf8"));
  say(`checked against the snapshot of ${snapshot.advisories.length} advisories ` +
    `(updated ${snapshot.updated})`);
  const findings = [];
  for (const pkg of packages) {
    for (const advisory of snapshot.advisories) {
      if (advisory.package === pkg.name && satisfies(pkg.version, advisory.vulnerable)) {
        findings.push({ ...advisory, version: pkg.version, path: pkg.path });
      }
    }
  }
  return findings;
}

function fromNpmAudit(packageDir) {
  if (process.env.AUDIT_FORCE_OFFLINE === "1") return undefined;
  const result = spawnSync("npm", ["audit", "--omit=dev", "--json"], {
    cwd: packageDir,
    encoding: "utf8",
    timeout: 90_000,
  });
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    report = undefined;
  }
  if (!report || report.error || !report.vulnerabilities) {
    const why = report?.error?.summary || report?.message || result.stderr.split("\n")[0];
    say(`npm audit could not reach the advisory database (${why || "no reply"})`);
    return undefined;
  }
  const findings = [];
  for (const vulnerability of Object.values(report.vulnerabilities)) {
    for (const via of vulnerability.via) {
      if (typeof via !== "object") continue;
      findings.push({
        id: String(via.url ?? via.source).split("/").pop(),
        package: via.name,
        severity: via.severity,
        title: via.title,
        vulnerable: via.range,
        version: "",
        path: vulnerability.nodes?.[0] ?? "",
      });
    }
  }
  return findings;
}

// ---- policy ------------------------------------------------------------------------------

function accepted(finding, exceptions) {
  const entry = exceptions.find((e) => e.id === finding.id && e.package === finding.package);
  if (!entry) return { ok: false };
  if (!entry.reason || !entry.expires) return { ok: false, note: "exception lacks a reason or date" };
  if (entry.expires < today) return { ok: false, note: `exception expired on ${entry.expires}` };
  return { ok: true, note: `accepted until ${entry.expires}: ${entry.reason}` };
}

const { exceptions } = JSON.parse(readFileSync(exceptionsFile, "utf8"));
const packages = productionPackages(dir);
say(`${packages.length} production packages in ${dir}`);
const findings = fromNpmAudit(dir) ?? fromSnapshot(packages);

let failed = 0;
for (const finding of findings) {
  const verdict = accepted(finding, exceptions);
  const failing = FAILING.has(finding.severity) && !verdict.ok;
  if (failing) failed += 1;
  say(
    `${failing ? "FAIL" : "note"} ${finding.severity} ${finding.id} ${finding.package}` +
      `${finding.version ? `@${finding.version}` : ""}: ${finding.title}` +
      (verdict.note ? ` (${verdict.note})` : ""),
  );
}
say(failed ? `${failed} advisory(ies) fail the gate` : "no failing advisories");
process.exit(failed ? 1 : 0);
