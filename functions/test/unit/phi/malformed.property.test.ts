// The bulk of the malformed-payload property: 1,000 broken requests per callable through
// the shared wrapper, and 1,000 per API route through the API's core, all against a real
// local Tebra on loopback whose call log must stay empty. (The e2e layer sends a smaller
// sample through the Functions emulator: test/e2e/phi/malformed.e2e.test.ts.)
import fc from "fast-check";
import { HttpsError } from "firebase-functions/https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../dev/local-tebra/server.ts";
import {
  API_ROUTES,
  CALLABLE_NAMES,
  CALLABLES,
  type CallableName,
} from "../../../src/contract/index.ts";
import { runOperation } from "../../../src/http/callable.ts";
import { handleApiRequest, type ApiDeps } from "../../../src/http/api/core.ts";
import { allowedRoles } from "../../../src/identity/policy.ts";
import { phiOperations, type PhiOperations } from "../../../src/phi/operations.ts";
import {
  BAD_PATH_IDS,
  malformedQuery,
  malformedRequest,
} from "../../support/malformed.ts";
import {
  factsFor,
  testOperationDeps,
  testPhiDeps,
  tokenFor,
  type TestOperationDeps,
} from "../../support/phi.ts";
import { testClient } from "../../support/tebra.ts";

const RUNS = 1000;
/** A thousand runs take about a second each here; a shared, loaded machine needs more. */
const TIMEOUT_MS = 120_000;

let tebra: LocalTebra;
let operations: PhiOperations;
let deps: TestOperationDeps;

beforeAll(async () => {
  tebra = await startLocalTebra({ port: 0, rateScale: 0 });
  const client = testClient(tebra.url);
  operations = phiOperations(() => testPhiDeps(client));
  deps = testOperationDeps();
}, 60_000);

afterAll(async () => {
  await tebra.close();
});

/** A role the policy lets call the operation, so that only validation can refuse. */
function callerRole(name: CallableName) {
  const roles = allowedRoles(name);
  return roles.includes("staff") ? "staff" : roles[0]!;
}

async function refusalOf(promise: Promise<unknown>): Promise<HttpsError> {
  try {
    await promise;
  } catch (error) {
    return error as HttpsError;
  }
  throw new Error("a malformed request was answered");
}

describe("every callable, given 1,000 malformed requests", () => {
  for (const name of CALLABLE_NAMES) {
    it(
      `${name} refuses each as invalid-argument, records it, and never calls Tebra`,
      async () => {
        const facts = factsFor(callerRole(name));
        const before = tebra.calls.count();
        await fc.assert(
          fc.asyncProperty(malformedRequest(name), async (data) => {
            expect(CALLABLES[name].request.safeParse(data).success).toBe(false);
            const events = deps.recorder.events.length;
            const error = await refusalOf(
              runOperation(operations[name], { facts, data, requestId: "prop" }, deps),
            );
            expect(error).toBeInstanceOf(HttpsError);
            expect(error.code).toBe("invalid-argument");
            expect(error.message).toMatch(/^Invalid request: /);
            expect(deps.recorder.events.length).toBe(events + 1);
            expect(deps.recorder.events.at(-1)).toMatchObject({
              outcome: "denied",
              outcomeReason: "invalid-argument",
            });
          }),
          { numRuns: RUNS },
        );
        expect(tebra.calls.count()).toBe(before);
      },
      TIMEOUT_MS,
    );
  }
});

function apiDeps(): ApiDeps {
  return {
    operations,
    operationDeps: () => deps,
    verifyIdToken: (token) => {
      const role = token.replace(/^token-/, "") as "staff";
      return Promise.resolve(
        tokenFor(role) as ReturnType<typeof tokenFor> & { uid: string },
      );
    },
    verifyAppCheck: () => Promise.resolve(true),
    allowedOrigins: () => [],
    requestId: () => "prop",
  };
}

/** The route's path with its parameters filled. */
function pathOf(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    encodeURIComponent(values[name] ?? "1"),
  );
}

function paramsOf(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

type Draw = { path: string; query: Record<string, unknown>; raw?: Buffer; type?: string };

function malformedApiRequest(route: (typeof API_ROUTES)[number]): fc.Arbitrary<Draw> {
  const params = paramsOf(route.path);
  const good = Object.fromEntries(params.map((name) => [name, "96730001"]));
  const options: fc.Arbitrary<Draw>[] = [];
  if (params.length) {
    options.push(
      fc.constantFrom(...BAD_PATH_IDS).map((bad) => ({
        path: pathOf(route.path, { [params[0]!]: bad }),
        query: {},
        ...(route.method === "POST" && {
          raw: Buffer.from("{}"),
          type: "application/json",
        }),
      })),
    );
  }
  if (route.method === "GET") {
    options.push(
      malformedQuery(route.operation, params).map((query) => ({
        path: pathOf(route.path, good),
        query,
      })),
    );
  } else {
    options.push(
      malformedRequest(route.operation, params).map((body) => ({
        path: pathOf(route.path, good),
        query: {},
        raw: Buffer.from(JSON.stringify(body) ?? "null"),
        type: "application/json",
      })),
      fc.constantFrom("{", "[1,", "nul", "{'a':1}", '{"a":1}}', "\u0000").map((text) => ({
        path: pathOf(route.path, good),
        query: {},
        raw: Buffer.from(text),
        type: "application/json",
      })),
      fc.constantFrom("text/plain", "application/x-www-form-urlencoded").map((type) => ({
        path: pathOf(route.path, good),
        query: {},
        raw: Buffer.from("{}"),
        type,
      })),
    );
  }
  return fc.oneof(...options);
}

describe("every API route, given 1,000 malformed requests", () => {
  for (const route of API_ROUTES) {
    it(
      `${route.method} ${route.path} answers 400 INVALID_ARGUMENT to each, never calling Tebra`,
      async () => {
        const before = tebra.calls.count();
        const role = callerRole(route.operation);
        await fc.assert(
          fc.asyncProperty(malformedApiRequest(route), async (draw) => {
            const events = deps.recorder.events.length;
            const response = await handleApiRequest(
              {
                method: route.method,
                path: draw.path,
                query: draw.query,
                headers: {
                  authorization: `Bearer token-${role}`,
                  ...(draw.type && { "content-type": draw.type }),
                },
                ...(draw.raw && { rawBody: draw.raw }),
              },
              apiDeps(),
            );
            expect(response.status).toBe(400);
            expect(response.body).toMatchObject({
              error: { status: "INVALID_ARGUMENT", message: expect.any(String) },
            });
            expect(deps.recorder.events.length).toBe(events + 1);
          }),
          { numRuns: RUNS },
        );
        expect(tebra.calls.count()).toBe(before);
      },
      TIMEOUT_MS,
    );
  }
});
