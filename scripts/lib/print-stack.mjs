#!/usr/bin/env node
// Prints where the local stack listens, from the running hub's own list.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { emulators } = JSON.parse(readFileSync(join(root, "firebase.json"), "utf8"));
const project = "demo-tebra-bridge";
const listed = await fetch(`http://${emulators.hub.host}:${emulators.hub.port}/emulators`)
  .then((r) => r.json());

const rows = Object.entries(listed).map(([name, info]) => [name, `${info.host}:${info.port}`]);
const functions = listed.functions;
const base = functions && `http://${functions.host}:${functions.port}/${project}/us-central1`;

console.log(`\nLocal stack (project ${project})`);
for (const [name, where] of rows) console.log(`  ${name.padEnd(10)} ${where}`);
const tebra = process.env.LOCAL_TEBRA_URL;
if (tebra) {
  console.log(`  ${"tebra".padEnd(10)} ${tebra}`);
  console.log(`  ${"".padEnd(10)} control ${new URL("/__control", tebra)}`);
}
if (base) {
  console.log(`\n  health     curl ${base}/health`);
  console.log(`  callables  POST ${base}/<name>  body {"data": {...}}`);
}
