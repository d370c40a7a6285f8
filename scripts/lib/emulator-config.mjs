#!/usr/bin/env node
// Writes a copy of firebase.json whose emulator ports are free right now, so that test runs
// can share a machine with the start command or with each other. The copy lives in the
// project root (the CLI resolves every path in it relative to its own folder) and is removed
// by the caller. Prints `export` lines naming the copy and each port.
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const runName = process.argv[2] ?? `test-${process.pid}`;

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const config = JSON.parse(readFileSync(join(root, "firebase.json"), "utf8"));
const ports = {};
for (const [name, settings] of Object.entries(config.emulators)) {
  if (typeof settings !== "object" || !("port" in settings)) continue;
  settings.port = await freePort();
  ports[name] = settings.port;
  if ("websocketPort" in settings) settings.websocketPort = await freePort();
}

const file = join(root, `.firebase.${runName}.json`);
writeFileSync(file, JSON.stringify(config, null, 2));
const lines = [`export EMULATOR_CONFIG='${file}'`];
for (const [name, port] of Object.entries(ports)) {
  lines.push(`export EMULATOR_PORT_${name.toUpperCase()}=${port}`);
}
process.stdout.write(lines.join("\n") + "\n");
