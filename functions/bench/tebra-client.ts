// Benchmarks of the Tebra client (figures go to docs/benchmarks.md).
//
//   node functions/bench/tebra-client.ts [--runs 9] [--calls 40]
//
// 1. Cold start: in a fresh Node process each time, the time from importing the client
//    module to a client ready to call (node-soap imported, WSDL parsed, client built),
//    with the project's WSDL and with Tebra's full reference WSDL loaded the same way.
// 2. Per call: a 300-appointment GetAppointments (build, send to the local Tebra, parse,
//    map) against a baseline of a raw HTTP POST of the same envelope parsed with
//    fast-xml-parser, in the same run, against the same local Tebra (its own process).
import { spawn, execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { XMLParser } from "fast-xml-parser";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const FUNCTIONS = fileURLToPath(new URL("..", import.meta.url));
/** The client compiled as deployed (tsc, src/tebra and what it imports), for the cold start. */
const COMPILED = `${FUNCTIONS}.bench-tebra-lib`;
const COMPILE_CONFIG = `${FUNCTIONS}.bench-tebra-tsconfig.json`;
const FULL_WSDL = fileURLToPath(
  new URL("../../../shared/tebra/KareoServices-2025.flat.wsdl", import.meta.url),
);
const DAY = "2026-03-12";

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: pick(0.5), p90: pick(0.9), min: sorted[0]! };
}

const ms = (n: number) => n.toFixed(1);

// ---- 1. Cold start (child processes) ----------------------------------------------------

interface ColdStart {
  platformMs: number;
  moduleMs: number;
  soapMs: number;
  wsdlMs: number;
  readyMs: number;
}

/** Compiles the client and its imports the way `npm run build` does, into COMPILED. */
function compileClient(): void {
  writeFileSync(
    COMPILE_CONFIG,
    JSON.stringify({
      extends: "./tsconfig.build.json",
      compilerOptions: { outDir: COMPILED, sourceMap: false },
      include: ["src/tebra/**/*.ts"],
    }),
  );
  execFileSync(
    process.execPath,
    [`${FUNCTIONS}node_modules/typescript/bin/tsc`, "-p", COMPILE_CONFIG],
    {
      stdio: "inherit",
    },
  );
}

function coldStart(wsdl: "project" | "full"): ColdStart {
  const out = execFileSync(
    process.execPath,
    [
      fileURLToPath(new URL("tebra-cold-start.ts", import.meta.url)),
      wsdl,
      FULL_WSDL,
      COMPILED,
    ],
    { encoding: "utf8", cwd: HERE },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as ColdStart;
}

function benchColdStart(runs: number) {
  const results: Record<"project" | "full", ColdStart[]> = { project: [], full: [] };
  coldStart("project"); // warm the disk cache
  for (let i = 0; i < runs; i++) {
    results.project.push(coldStart("project"));
    results.full.push(coldStart("full"));
  }
  return results;
}

// ---- 2. Per call -------------------------------------------------------------------------

async function startTebraProcess(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL("../dev/local-tebra/main.ts", import.meta.url)),
      "--port",
      "0",
      "--appointments-per-day",
      "300",
      "--rate-scale",
      "0",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /local Tebra listening: (\S+)/.exec(text);
      if (match) resolve(match[1]!);
    });
    child.on("exit", () => reject(new Error("the local Tebra exited")));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent: keepAlive,
        headers: {
          "Content-Type": "text/xml; charset=utf-8",
          SOAPAction: '"http://www.kareo.com/api/schemas/KareoServices/GetAppointments"',
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const keepAlive = new Agent({ keepAlive: true });

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The baseline: a hand-written envelope, posted raw, parsed with fast-xml-parser. */
async function baselineCall(url: string, credentials: Record<string, string>) {
  const body =
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>' +
    '<GetAppointments xmlns="http://www.kareo.com/api/schemas/"><request><RequestHeader>' +
    `<ClientVersion>bench</ClientVersion><CustomerKey>${escapeXml(credentials["customerKey"]!)}</CustomerKey>` +
    `<Password>${escapeXml(credentials["password"]!)}</Password><User>${escapeXml(credentials["user"]!)}</User>` +
    "</RequestHeader><Fields/><Filter><EndDate>2026-03-13T04:59:59Z</EndDate>" +
    "<PracticeName>Lakeside Family Medicine (synthetic)</PracticeName>" +
    "<StartDate>2026-03-12T05:00:00Z</StartDate></Filter></request></GetAppointments>" +
    "</s:Body></s:Envelope>";
  const reply = await post(url, body);
  const parsed = parser.parse(reply) as Record<
    string,
    Record<string, Record<string, unknown>>
  >;
  const result = (
    parsed["Envelope"]!["Body"]!["GetAppointmentsResponse"] as Record<
      string,
      Record<string, unknown>
    >
  )["GetAppointmentsResult"]!;
  return ((result["Appointments"] as Record<string, unknown[]>)["AppointmentData"] ?? [])
    .length;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === "AppointmentData",
});

async function benchPerCall(calls: number) {
  const { LOCAL_TEBRA_CREDENTIALS } = await import("../src/platform/localSecrets.ts");
  const { TebraClient } = await import("../src/tebra/client.ts");
  const { fixedCredentials } = await import("../src/tebra/credentials.ts");
  const { ALWAYS_ENABLED } = await import("../src/tebra/killSwitch.ts");
  const { createResilience } = await import("../src/tebra/resilience.ts");
  const { NO_THROTTLE } = await import("../src/tebra/throttle.ts");
  const { pinnedAgent } = await import("../src/tebra/tls.ts");
  const { TebraTransport } = await import("../src/tebra/transport.ts");

  const tebra = await startTebraProcess();
  try {
    const client = new TebraClient({
      endpoint: tebra.url,
      practice: { id: "1", name: "Lakeside Family Medicine (synthetic)" },
      timeZone: "America/Chicago",
      credentials: fixedCredentials({ ...LOCAL_TEBRA_CREDENTIALS }),
      throttle: NO_THROTTLE,
      killSwitch: ALWAYS_ENABLED,
      resilience: createResilience(),
      httpClient: new TebraTransport({ agent: pinnedAgent({ pins: [] }) }),
      clientVersion: "bench",
    });
    // Silence the client's DEBUG log line per call.
    const { logger } = await import("firebase-functions");
    logger.write = () => undefined;

    const credentials = { ...LOCAL_TEBRA_CREDENTIALS };
    for (let i = 0; i < 5; i++) {
      await client.getAppointments({ fromDay: DAY });
      await baselineCall(tebra.url, credentials);
    }
    const clientTimes: number[] = [];
    const baselineTimes: number[] = [];
    let rows = 0;
    let baselineRows = 0;
    for (let i = 0; i < calls; i++) {
      let t = performance.now();
      rows = (await client.getAppointments({ fromDay: DAY })).length;
      clientTimes.push(performance.now() - t);
      t = performance.now();
      baselineRows = await baselineCall(tebra.url, credentials);
      baselineTimes.push(performance.now() - t);
    }
    return {
      client: stats(clientTimes),
      baseline: stats(baselineTimes),
      rows,
      baselineRows,
    };
  } finally {
    tebra.stop();
  }
}

// ---- Report ------------------------------------------------------------------------------

const runs = option("runs", 9);
const calls = option("calls", 40);
console.log(
  `Node ${process.version}, ${runs} cold starts per WSDL, ${calls} calls per variant\n`,
);

let cold: ReturnType<typeof benchColdStart>;
try {
  compileClient();
  cold = benchColdStart(runs);
} finally {
  rmSync(COMPILED, { recursive: true, force: true });
  rmSync(COMPILE_CONFIG, { force: true });
}
const row = (name: string, list: ColdStart[]) => {
  const s = (key: keyof ColdStart) => stats(list.map((r) => r[key])).median;
  return `| ${name} | ${ms(s("platformMs"))} | ${ms(s("moduleMs"))} | ${ms(s("soapMs"))} | ${ms(s("wsdlMs"))} | ${ms(s("readyMs"))} |`;
};
console.log("Cold start, median of fresh processes (ms)\n");
console.log(
  "| WSDL | (platform, loaded by every function) | client modules | node-soap import | WSDL → client | ready (modules + soap + WSDL) |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
console.log(row("project (functions/wsdl, 53 KB)", cold.project));
console.log(row("Tebra's full reference (653 KB)", cold.full));
const wsdlRatio =
  stats(cold.full.map((r) => r.wsdlMs)).median /
  stats(cold.project.map((r) => r.wsdlMs)).median;
const readyRatio =
  stats(cold.full.map((r) => r.readyMs)).median /
  stats(cold.project.map((r) => r.readyMs)).median;
console.log(
  `\nWSDL → client: ${wsdlRatio.toFixed(1)}x faster; ready: ${readyRatio.toFixed(1)}x faster\n`,
);

const perCall = await benchPerCall(calls);
console.log("Per call, 300-appointment GetAppointments (ms)\n");
console.log("| Variant | median | p90 | min | rows |");
console.log("| --- | --- | --- | --- | --- |");
console.log(
  `| TebraClient.getAppointments (node-soap, mapped) | ${ms(perCall.client.median)} | ${ms(perCall.client.p90)} | ${ms(perCall.client.min)} | ${perCall.rows} |`,
);
console.log(
  `| raw POST + fast-xml-parser (baseline) | ${ms(perCall.baseline.median)} | ${ms(perCall.baseline.p90)} | ${ms(perCall.baseline.min)} | ${perCall.baselineRows} |`,
);
console.log(
  `\nratio (median): ${(perCall.client.median / perCall.baseline.median).toFixed(2)}x`,
);
keepAlive.destroy();
