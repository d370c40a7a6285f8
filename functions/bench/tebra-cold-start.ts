// One cold start of the Tebra client, in a fresh process (started by tebra-client.ts):
//   node bench/tebra-cold-start.ts project|full <full reference WSDL> <compiled client dir>
// Prints one JSON line of timings (ms):
//   platformMs  firebase-functions and zod, which every function of the backend loads
//               whether it calls Tebra or not (index.ts, errors.ts, logs.ts);
//   moduleMs    the Tebra client's own modules, compiled to JavaScript as deployed;
//   soapMs      node-soap's client and WSDL parser (imported on the first Tebra call);
//   wsdlMs      the WSDL read, parsed and turned into a client;
//   readyMs     moduleMs + soapMs + wsdlMs: from loading the client to ready to call.
import type * as Client from "../src/tebra/client.ts";
import type * as Credentials from "../src/tebra/credentials.ts";
import type * as KillSwitch from "../src/tebra/killSwitch.ts";
import type * as Resilience from "../src/tebra/resilience.ts";
import type * as Throttle from "../src/tebra/throttle.ts";
import type * as Tls from "../src/tebra/tls.ts";
import type * as Transport from "../src/tebra/transport.ts";
import type * as Wsdl from "../src/tebra/wsdl.ts";

const [, , which, fullWsdl, compiled] = process.argv;
if (!compiled)
  throw new Error("usage: tebra-cold-start.ts project|full <wsdl> <compiled dir>");

async function load<T>(path: string): Promise<T> {
  return (await import(new URL(path, `file://${compiled}/`).href)) as T;
}

const platformStarted = performance.now();
await import("firebase-functions");
await import("firebase-functions/https");
await import("firebase-functions/params");
await import("zod");
const platformMs = performance.now() - platformStarted;

const started = performance.now();
const { TebraClient } = await load<typeof Client>("tebra/client.js");
const { fixedCredentials } = await load<typeof Credentials>("tebra/credentials.js");
const { ALWAYS_ENABLED } = await load<typeof KillSwitch>("tebra/killSwitch.js");
const { createResilience } = await load<typeof Resilience>("tebra/resilience.js");
const { NO_THROTTLE } = await load<typeof Throttle>("tebra/throttle.js");
const { pinnedAgent } = await load<typeof Tls>("tebra/tls.js");
const { TebraTransport } = await load<typeof Transport>("tebra/transport.js");
const { loadSoap } = await load<typeof Wsdl>("tebra/wsdl.js");
const modulesLoaded = performance.now();

await loadSoap();
const soapLoaded = performance.now();

const client = new TebraClient({
  endpoint: "https://127.0.0.1:9/services/soap/2.1/KareoServices.svc",
  practice: { id: "1", name: "Lakeside Family Medicine (synthetic)" },
  timeZone: "America/Chicago",
  credentials: fixedCredentials({ customerKey: "k", user: "u", password: "p" }),
  throttle: NO_THROTTLE,
  killSwitch: ALWAYS_ENABLED,
  resilience: createResilience(),
  httpClient: new TebraTransport({ agent: pinnedAgent({ pins: [] }) }),
  ...(which === "full" && fullWsdl ? { wsdlPath: fullWsdl } : {}),
});
await client.ready();
const ready = performance.now();

console.log(
  JSON.stringify({
    platformMs,
    moduleMs: modulesLoaded - started,
    soapMs: soapLoaded - modulesLoaded,
    wsdlMs: ready - soapLoaded,
    readyMs: ready - started,
  }),
);
