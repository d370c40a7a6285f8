// A sample of the malformed-request property through the Functions emulator: 25 broken
// requests per callable and 15 per API route, drawn from the same generators as the unit
// property test (test/unit/phi/malformed.property.test.ts, 1,000 each at the core). Each
// is answered INVALID_ARGUMENT (400), each leaves one audit event, none reaches Tebra.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  API_ROUTES,
  CALLABLE_NAMES,
  type CallableName,
} from "../../../src/contract/index.ts";
import { allowedRoles } from "../../../src/identity/policy.ts";
import { clearFirestore } from "../../support/admin.ts";
import { functionsBaseUrl } from "../../support/emulators.ts";
import {
  BAD_PATH_IDS,
  malformedQuery,
  malformedRequest,
  type QueryValue,
} from "../../support/malformed.ts";
import {
  auditCount,
  sessionsOf,
  tebraCallCount,
  viaApi,
  viaCallable,
  warmUp,
  type ApiCall,
  type Sessions,
} from "./support.ts";

const PER_CALLABLE = 25;
const PER_ROUTE = 15;

let baseUrl: string;
let callers: Sessions;
let apiCallers: Sessions;

beforeAll(async () => {
  baseUrl = await functionsBaseUrl();
  await clearFirestore();
  callers = await sessionsOf("pm-call");
  apiCallers = await sessionsOf("pm-api");
  await warmUp(baseUrl, callers.auditor.fresh);
}, 600_000);

function roleFor(name: CallableName) {
  return allowedRoles(name).includes("staff") ? "staff" : "provider";
}

/** The query as a list of key/value pairs, the way a URL carries `a[b]=c` and repeats. */
function flatQuery(query: Record<string, QueryValue>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === "string" || Array.isArray(value)) out[key] = value;
    else
      for (const [inner, text] of Object.entries(value)) out[`${key}[${inner}]`] = text;
  }
  return out;
}

/** What the platform's JSON body parser (strict) lets through: an object or an array. */
function passesBodyParser(text: string): boolean {
  try {
    JSON.parse(text);
  } catch {
    return false;
  }
  return /^\s*[[{]/.test(text);
}

function apiDraws(route: (typeof API_ROUTES)[number]): ApiCall[] {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const fill = (value: string) =>
    route.path.replace(/\{\w+\}/g, encodeURIComponent(value));
  const options: fc.Arbitrary<ApiCall>[] = [];
  if (params.length) {
    options.push(
      fc.constantFrom(...BAD_PATH_IDS).map((bad) => ({
        method: route.method,
        path: fill(bad),
        ...(route.method === "POST" && { body: "{}" }),
      })),
    );
  }
  if (route.method === "GET") {
    options.push(
      malformedQuery(route.operation, params).map((query) => ({
        method: route.method,
        path: fill("96730001"),
        query: flatQuery(query),
      })),
    );
  } else {
    options.push(
      malformedRequest(route.operation, params).map((body) => ({
        method: route.method,
        path: fill("96730001"),
        body: JSON.stringify(body) ?? "null",
      })),
      fc.constantFrom("{", "[1,", "nul", '{"a":1}}').map((body) => ({
        method: route.method,
        path: fill("96730001"),
        body,
      })),
    );
  }
  return fc.sample(fc.oneof(...options), { numRuns: PER_ROUTE, seed: 5 });
}

describe("malformed requests through the Functions emulator", () => {
  it(`refuses ${PER_CALLABLE} per callable as INVALID_ARGUMENT, each recorded, none reaching Tebra`, async () => {
    const tebraBefore = await tebraCallCount();
    for (const name of CALLABLE_NAMES) {
      const token = callers[roleFor(name)].fresh;
      const events = await auditCount(name);
      // The callable protocol's decoder assigns each key, so a "__proto__" key holding text
      // is gone before any code of ours runs: such draws are left to the unit layer.
      const draws = fc
        .sample(malformedRequest(name), { numRuns: PER_CALLABLE * 3, seed: 11 })
        .filter((data) => !JSON.stringify(data ?? null).includes('"__proto__"'))
        .slice(0, PER_CALLABLE);
      expect(draws).toHaveLength(PER_CALLABLE);
      for (const data of draws) {
        const reply = await viaCallable(baseUrl, name, data, token);
        expect(reply.status, `${name} ${JSON.stringify(data)}: ${reply.text}`).toBe(400);
        expect(reply.error?.status).toBe("INVALID_ARGUMENT");
      }
      expect(await auditCount(name), name).toBe(events + PER_CALLABLE);
    }
    expect(await tebraCallCount()).toBe(tebraBefore);
  }, 600_000);

  it(`answers ${PER_ROUTE} per API route 400 INVALID_ARGUMENT, each recorded, none reaching Tebra`, async () => {
    const tebraBefore = await tebraCallCount();
    for (const route of API_ROUTES) {
      const token = apiCallers[roleFor(route.operation)].fresh;
      const events = await auditCount(route.operation);
      let reachedUs = 0;
      for (const call of apiDraws(route)) {
        const reply = await viaApi(baseUrl, call, token);
        const label = `${route.path} ${JSON.stringify(call)}: ${reply.text}`;
        expect(reply.status, label).toBe(400);
        if (call.body !== undefined && !passesBodyParser(call.body)) {
          // The platform's JSON body parser answers a plain 400 before the API runs.
          continue;
        }
        reachedUs++;
        expect(reply.error?.status, label).toBe("INVALID_ARGUMENT");
        expect(reply.headers.get("cache-control")).toBe("no-store");
      }
      expect(await auditCount(route.operation), route.path).toBe(events + reachedUs);
    }
    expect(await tebraCallCount()).toBe(tebraBefore);
  }, 600_000);
});
