// Benchmark: what the local Tebra's schema checks cost, and what one call costs it.
// Run with Node 22 from functions/: `node bench/local-tebra.ts`. Prints a table and one
// JSON line. Figures and how to read them: docs/benchmarks.md ("Local Tebra").
//   LOCAL_TEBRA_BENCH_CALLS  calls per server measurement (default 40)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { startLocalTebra } from "../dev/local-tebra/server.ts";
import { loadTebraSchema, validateWithXmllint } from "../dev/xsd.ts";

const CALLS = Number(process.env.LOCAL_TEBRA_BENCH_CALLS ?? 40);
const fixtures = new URL("../test/integration/local-tebra/fixtures/", import.meta.url);
const DAY = "2026-09-23";

function envelope(values: Record<string, string>): string {
  const credentials = {
    CustomerKey: "local-customer-key",
    User: "local-api-user",
    Password: "local-password-not-secret",
  };
  const all: Record<string, string> = { ...credentials, ...values };
  return readFileSync(new URL("get-appointments.xml", fixtures), "utf8").replace(
    /\{\{(\w+)\}\}/g,
    (_, key: string) => all[key] ?? "",
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Time from spawning `node main.ts` to its "listening" line: a cold start. */
function coldStart(): Promise<number> {
  const main = new URL("../dev/local-tebra/main.ts", import.meta.url).pathname;
  const started = performance.now();
  const child = spawn(process.execPath, [main, "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) {
        resolve(performance.now() - started);
        child.kill("SIGTERM");
      }
    });
    child.on("exit", (code) => reject(new Error(`main.ts exited with ${code}`)));
  });
}

async function perCall(validateRequests: boolean) {
  const tebra = await startLocalTebra({
    port: 0,
    rateScale: 0,
    appointmentsPerDay: 300,
    validateRequests,
  });
  const body = envelope({ StartDate: DAY, EndDate: DAY });
  const post = async () => {
    const response = await fetch(tebra.url, {
      method: "POST",
      headers: {
        "Content-Type": "text/xml; charset=utf-8",
        SOAPAction: '"http://www.kareo.com/api/schemas/KareoServices/GetAppointments"',
      },
      body,
    });
    return response.text();
  };
  const reply = await post(); // warms the day's cache and the JIT
  for (let i = 0; i < 5; i++) await post();
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    await post();
    times.push(performance.now() - t0);
  }
  await tebra.close();
  return { medianMs: median(times), replyBytes: Buffer.byteLength(reply), reply };
}

const cold = await coldStart();

let t0 = performance.now();
const schema = loadTebraSchema();
const compileMs = performance.now() - t0;

const request = envelope({ StartDate: DAY, EndDate: DAY }).replace(
  /^[\s\S]*<s:Body>|<\/s:Body>[\s\S]*$/g,
  "",
);
const checks: number[] = [];
for (let i = 0; i < 2000; i++) {
  const start = performance.now();
  schema.validateXml(request);
  checks.push(performance.now() - start);
}

const withCheck = await perCall(true);
const withoutCheck = await perCall(false);
const replyBody = withCheck.reply.replace(/^[\s\S]*<s:Body>|<\/s:Body>[\s\S]*$/g, "");
t0 = performance.now();
const replyIssues = schema.validateXml(replyBody);
const replyCheckMs = performance.now() - t0;

t0 = performance.now();
await validateWithXmllint([request]);
const xmllintOneMs = performance.now() - t0;
t0 = performance.now();
await validateWithXmllint(Array.from({ length: 20 }, () => request));
const xmllintTwentyMs = performance.now() - t0;
t0 = performance.now();
const [replyReport] = await validateWithXmllint([replyBody]);
const xmllintReplyMs = performance.now() - t0;

const figures = {
  node: process.version,
  coldStartMs: round(cold, 0),
  schemaCompileMs: round(compileMs, 0),
  requestCheckMedianMs: round(median(checks), 3),
  reply300CheckMs: round(replyCheckMs, 1),
  reply300Valid: replyIssues.length === 0 && replyReport?.valid === true,
  xmllintOneDocMs: round(xmllintOneMs, 0),
  xmllintTwentyDocsMs: round(xmllintTwentyMs, 0),
  xmllintReply300Ms: round(xmllintReplyMs, 0),
  getAppointments300MedianMs: round(withCheck.medianMs, 1),
  getAppointments300NoCheckMedianMs: round(withoutCheck.medianMs, 1),
  reply300Bytes: withCheck.replyBytes,
};

console.log("Local Tebra costs");
for (const [name, value] of Object.entries(figures))
  console.log(`  ${name.padEnd(36)} ${value}`);
console.log(JSON.stringify(figures));
