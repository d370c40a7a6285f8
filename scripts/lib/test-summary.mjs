#!/usr/bin/env node
// Prints one line per test layer: files, tests passed and failed, and wall time.
// Arguments come in fours: layer, status, seconds, path of vitest's JSON report.
import { existsSync, readFileSync } from "node:fs";

const rows = [];
for (let i = 2; i < process.argv.length; i += 4) {
  const [layer, status, seconds, report] = process.argv.slice(i, i + 4);
  const json = existsSync(report) ? JSON.parse(readFileSync(report, "utf8")) : undefined;
  rows.push({
    layer,
    status: json ? status : `${status} (no report: the layer did not start)`,
    files: json?.testResults?.length ?? 0,
    passed: json?.numPassedTests ?? 0,
    failed: (json?.numFailedTests ?? 0) + (json?.numFailedTestSuites ?? 0),
    seconds: Number(seconds),
  });
}

console.log("\nTest layers");
console.log("layer        files  passed  failed  seconds  status");
for (const r of rows) {
  console.log(
    `${r.layer.padEnd(12)} ${String(r.files).padStart(5)}  ${String(r.passed).padStart(6)}` +
      `  ${String(r.failed).padStart(6)}  ${String(r.seconds).padStart(7)}  ${r.status}`,
  );
}
const total = rows.reduce((sum, r) => sum + r.passed, 0);
console.log(`total passed: ${total}`);
