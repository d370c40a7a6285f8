import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../dev/local-tebra/server.ts";
import { API_MAX_BODY_BYTES, errorBody } from "../../../src/contract/index.ts";
import {
  handleApiRequest,
  type ApiDeps,
  type ApiRequest,
} from "../../../src/http/api/core.ts";
import { SECURITY_HEADERS } from "../../../src/http/headers.ts";
import type { Role } from "../../../src/identity/caller.ts";
import { phiOperations, type PhiOperations } from "../../../src/phi/operations.ts";
import {
  testOperationDeps,
  testPhiDeps,
  tokenFor,
  type TestOperationDeps,
} from "../../support/phi.ts";
import { captureLogs, testClient } from "../../support/tebra.ts";

const WEB_APP = "http://localhost:5173";

// Calls reach a local Tebra on loopback; on a loaded machine the first (WSDL) takes seconds.
vi.setConfig({ testTimeout: 30_000 });

let tebra: LocalTebra;
let operations: PhiOperations;
let deps: TestOperationDeps;
let enforceAppCheck: boolean;

beforeAll(async () => {
  tebra = await startLocalTebra({ port: 0, rateScale: 0 });
  const client = testClient(tebra.url);
  operations = phiOperations(() => testPhiDeps(client));
}, 60_000);

afterAll(async () => {
  await tebra.close();
});

beforeEach(() => {
  enforceAppCheck = false;
  const base = testOperationDeps();
  deps = {
    ...base,
    guardSettings: (now) => ({ ...base.guardSettings(now), enforceAppCheck }),
  };
});

function apiDeps(overrides: Partial<ApiDeps> = {}): ApiDeps {
  return {
    operations,
    operationDeps: () => deps,
    verifyIdToken: (token) => {
      const role = /^token-(\w+)$/.exec(token)?.[1];
      if (!role)
        return Promise.reject(
          Object.assign(new Error("bad"), { code: "auth/argument-error" }),
        );
      return Promise.resolve(
        tokenFor(role as Role) as ReturnType<typeof tokenFor> & { uid: string },
      );
    },
    verifyAppCheck: (token) => Promise.resolve(token === "app-check-ok"),
    allowedOrigins: () => [WEB_APP],
    requestId: () => "req-api",
    ...overrides,
  };
}

function request(partial: Partial<ApiRequest> & { role?: Role | null }): ApiRequest {
  const { role = "staff", ...rest } = partial;
  return {
    method: "GET",
    path: "/v1/providers",
    query: {},
    ...rest,
    headers: {
      ...(role && { authorization: `Bearer token-${role}` }),
      ...rest.headers,
    },
  };
}

function json(body: unknown, type = "application/json") {
  return {
    rawBody: Buffer.from(JSON.stringify(body)),
    headers: { "content-type": type },
  };
}

describe("the HTTPS API's replies", () => {
  it("carry the security headers on success, on errors and on a preflight", async () => {
    const replies = await Promise.all([
      handleApiRequest(request({}), apiDeps()),
      handleApiRequest(request({ path: "/v1/nothing" }), apiDeps()),
      handleApiRequest(request({ role: null }), apiDeps()),
      handleApiRequest(
        request({ method: "OPTIONS", headers: { origin: WEB_APP } }),
        apiDeps(),
      ),
    ]);
    expect(replies.map((reply) => reply.status)).toEqual([200, 404, 401, 204]);
    for (const reply of replies) expect(reply.headers).toMatchObject(SECURITY_HEADERS);
  });

  it("answer errors in the callable protocol's shape, with its HTTP status", async () => {
    const reply = await handleApiRequest(
      request({ path: "/v1/schedule", query: { date: "2026-02-30" } }),
      apiDeps(),
    );
    expect(reply.status).toBe(400);
    expect(errorBody.parse(reply.body)).toEqual({
      error: {
        status: "INVALID_ARGUMENT",
        message: "Invalid request: date: expected a date written YYYY-MM-DD",
        details: { field: "date" },
      },
    });
  });
});

describe("the HTTPS API's CORS allowlist", () => {
  it("answers an allowed origin's preflight with the path's methods and headers", async () => {
    const reply = await handleApiRequest(
      request({
        method: "OPTIONS",
        path: "/v1/appointments/96730001/status",
        headers: { origin: WEB_APP },
      }),
      apiDeps(),
    );
    expect(reply.status).toBe(204);
    expect(reply.headers).toMatchObject({
      "Access-Control-Allow-Origin": WEB_APP,
      "Access-Control-Allow-Methods": "POST, OPTIONS",
      "Access-Control-Allow-Headers": "Authorization, Content-Type, X-Firebase-AppCheck",
      Vary: "Origin",
    });
  });

  it("refuses any other origin with 403 before the token is looked at or an event written", async () => {
    let verified = 0;
    const reply = await handleApiRequest(
      request({ headers: { origin: "https://evil.example.test" } }),
      apiDeps({
        verifyIdToken: () => {
          verified++;
          return Promise.reject(new Error("not reached"));
        },
      }),
    );
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({
      error: { status: "PERMISSION_DENIED", details: { reason: "origin-not-allowed" } },
    });
    expect(reply.headers).not.toHaveProperty("Access-Control-Allow-Origin");
    expect(verified).toBe(0);
    expect(deps.recorder.events).toEqual([]);
  });

  it("serves a server-to-server caller (no Origin) without CORS headers", async () => {
    const reply = await handleApiRequest(request({}), apiDeps());
    expect(reply.status).toBe(200);
    expect(reply.headers).not.toHaveProperty("Access-Control-Allow-Origin");
  });
});

describe("the HTTPS API's routes", () => {
  it("answers an unknown path 404 and another method of a known path 405 with Allow", async () => {
    const missing = await handleApiRequest(request({ path: "/v2/schedule" }), apiDeps());
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      error: { status: "NOT_FOUND", details: { reason: "no-route" } },
    });

    const wrong = await handleApiRequest(
      request({ method: "DELETE", path: "/v1/appointments/96730001" }),
      apiDeps(),
    );
    expect(wrong.status).toBe(405);
    expect(wrong.headers["Allow"]).toBe("GET, OPTIONS");
    expect(deps.recorder.events).toEqual([]);
  });

  it("refuses a body over 64 KiB with 413, before reading it", async () => {
    const big = Buffer.alloc(API_MAX_BODY_BYTES + 1, 0x20);
    const reply = await handleApiRequest(
      request({
        method: "POST",
        path: "/v1/patients/search",
        rawBody: big,
        headers: { "content-type": "application/json" },
      }),
      apiDeps(),
    );
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({
      error: { status: "INVALID_ARGUMENT", details: { reason: "body-too-large" } },
    });
    expect(tebra.calls.count("GetPatients")).toBe(0);
  });

  it("fills a path parameter into the request and refuses it in the body too", async () => {
    const clash = await handleApiRequest(
      request({
        method: "POST",
        path: "/v1/appointments/96730001/status",
        ...json({ appointmentId: "96730002", status: "confirmed" }),
      }),
      apiDeps(),
    );
    expect(clash.status).toBe(400);
    expect(clash.body).toMatchObject({
      error: { message: "Invalid request: appointmentId: belongs in the path only" },
    });
    expect(deps.recorder.events).toHaveLength(1);
  });

  it("refuses a body that is not JSON as invalid-argument, recorded once", async () => {
    const reply = await handleApiRequest(
      request({
        method: "POST",
        path: "/v1/patients/search",
        rawBody: Buffer.from("lastName=Ashbury"),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      apiDeps(),
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      error: { message: "Invalid request: body: expected Content-Type application/json" },
    });
    expect(deps.recorder.events).toHaveLength(1);
    expect(deps.recorder.events[0]).toMatchObject({
      outcome: "denied",
      source: { function: "searchPatients", requestId: "req-api" },
    });
  });
});

describe("the HTTPS API's callers", () => {
  it("answers a valid call with the reply projected for the caller's role", async () => {
    const providers = await handleApiRequest(request({}), apiDeps());
    expect(providers.status).toBe(200);
    const list = (providers.body as { providers: Record<string, unknown>[] }).providers;
    expect(list.length).toBeGreaterThan(0);
    expect(Object.keys(list[0]!).sort()).toEqual(
      ["active", "degree", "fullName", "providerId", "specialty"].sort(),
    );
    expect(deps.recorder.events).toHaveLength(1);
  });

  it("treats a missing or unverifiable bearer token as signed out, recorded once", async () => {
    const logs = captureLogs();
    try {
      for (const authorization of [undefined, "Bearer not-a-token", "Basic abc"]) {
        const reply = await handleApiRequest(
          request({
            role: null,
            headers: authorization ? { authorization } : {},
          }),
          apiDeps(),
        );
        expect(reply.status).toBe(401);
        expect(reply.body).toMatchObject({
          error: { status: "UNAUTHENTICATED", details: { reason: "signed-out" } },
        });
      }
      expect(logs.events()).toContain("api.token_rejected");
    } finally {
      logs.restore();
    }
    expect(deps.recorder.events.map((event) => event.outcome)).toEqual([
      "denied",
      "denied",
      "denied",
    ]);
  });

  it("refuses a role the policy does not allow with 403", async () => {
    const reply = await handleApiRequest(
      request({ role: "auditor", path: "/v1/patients/10001" }),
      apiDeps(),
    );
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({
      error: { status: "PERMISSION_DENIED", details: { reason: "role-not-allowed" } },
    });
  });

  it("checks App Check from X-Firebase-AppCheck when the parameter enforces it", async () => {
    enforceAppCheck = true;
    const without = await handleApiRequest(request({}), apiDeps());
    expect(without.status).toBe(401);
    expect(without.body).toMatchObject({
      error: { details: { reason: "app-check-missing" } },
    });
    const invalid = await handleApiRequest(
      request({ headers: { "x-firebase-appcheck": "forged" } }),
      apiDeps(),
    );
    expect(invalid.status).toBe(401);
    const valid = await handleApiRequest(
      request({ headers: { "x-firebase-appcheck": "app-check-ok" } }),
      apiDeps(),
    );
    expect(valid.status).toBe(200);
  });

  it("answers resource-exhausted with 429 and a Retry-After header", async () => {
    deps = testOperationDeps({
      limits: {
        standard: { limit: 1, windowSeconds: 60 },
        search: { limit: 1, windowSeconds: 60 },
        authFailures: { limit: 100, windowSeconds: 900 },
      },
    });
    await handleApiRequest(request({ path: "/v1/practice" }), apiDeps());
    const limited = await handleApiRequest(request({ path: "/v1/practice" }), apiDeps());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["Retry-After"])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({
      error: { status: "RESOURCE_EXHAUSTED", details: { reason: "rate-limited" } },
    });
  });
});
