// Starts the local Tebra from the command line (Node 22 runs this file directly):
//   node functions/dev/local-tebra/main.ts [--port 8787] [--seed 1]
//     [--appointments-per-day 40] [--rate-scale 1] [--time-zone America/Chicago]
//     [--no-validate]
// Prints where it listens; stops on Ctrl-C or SIGTERM.
import { parseArgs } from "node:util";
import { LOCAL_TEBRA_DEFAULT_PORT } from "./credentials.ts";
import { startLocalTebra } from "./server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: String(LOCAL_TEBRA_DEFAULT_PORT) },
    host: { type: "string", default: "127.0.0.1" },
    seed: { type: "string", default: "1" },
    "appointments-per-day": { type: "string", default: "40" },
    "rate-scale": { type: "string", default: "1" },
    "time-zone": { type: "string", default: "America/Chicago" },
    "no-validate": { type: "boolean", default: false },
    "port-file": { type: "string" },
  },
});

function number(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) {
    console.error(`local-tebra: --${name} must be a number, not "${text}"`);
    process.exit(2);
  }
  return value;
}

const tebra = await startLocalTebra({
  port: number("port", values.port),
  host: values.host,
  seed: number("seed", values.seed),
  appointmentsPerDay: number("appointments-per-day", values["appointments-per-day"]),
  rateScale: number("rate-scale", values["rate-scale"]),
  timeZone: values["time-zone"],
  validateRequests: !values["no-validate"],
});

if (values["port-file"]) {
  // Scripts that start it on port 0 read the chosen port from here.
  const { writeFileSync } = await import("node:fs");
  writeFileSync(values["port-file"], String(tebra.port));
}
console.log(`local Tebra listening: ${tebra.url}`);
console.log(`control: ${tebra.controlUrl}`);

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  tebra.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
