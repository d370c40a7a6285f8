#!/usr/bin/env node
// Waits until the Firebase CLI reports every emulator ready and the hub lists the Functions
// emulator. Fails with the reason when the CLI exits first or the timeout passes.
// Usage: wait-for-stack.mjs <CLI log file> <CLI pid>
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const [logFile, pid] = process.argv.slice(2);
const timeoutMs = Number(process.env.STACK_START_TIMEOUT_MS ?? 120_000);
const { emulators } = JSON.parse(readFileSync(join(root, "firebase.json"), "utf8"));
const started = Date.now();

function fail(reason) {
  process.stderr.write(`wait-for-stack: ${reason}\n`);
  process.exit(1);
}

function alive(processId) {
  try {
    process.kill(Number(processId), 0);
    return true;
  } catch {
    return false;
  }
}

while (!readFileSync(logFile, "utf8").includes("All emulators ready")) {
  if (!alive(pid)) fail("the Firebase CLI exited before the emulators were ready");
  if (Date.now() - started > timeoutMs) fail(`not ready after ${timeoutMs} ms`);
  await new Promise((r) => setTimeout(r, 300));
}
const hub = `http://${emulators.hub.host}:${emulators.hub.port}/emulators`;
const listed = await fetch(hub).then((r) => r.json());
if (!listed.functions) fail("the Functions emulator is not running");
process.stderr.write(`wait-for-stack: ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
