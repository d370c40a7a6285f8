// The HTTPS API as a plain function from a request's facts to a response, so that it is
// tested without a server. Each request goes:
//
//   security headers → origin allowlist (CORS) → route → body size
//   → ID token (verifyIdToken, revocation checked) and App Check token
//   → runOperation: guard, rate limit, validation, core, projection, one audit event
//
// Refusals before the route is known (no route, a method, an origin, a size) carry no
// identity and run no operation: they are logged, not audited. From the route on, every
// request is one call of its operation and leaves exactly one audit event, a bad body or
// a bad token included. Errors have one shape, the callable protocol's:
// {"error": {"status", "message", "details"}} with the matching HTTP status.
import { HttpsError } from "firebase-functions/https";
import { z } from "zod";
import { API_MAX_BODY_BYTES, type ApiRoute } from "../../contract/index.ts";
import { toHttpsError } from "../../errors.ts";
import { cleanIp, cleanUserAgent, type RequestFacts } from "../../identity/guard.ts";
import * as logs from "../../logs.ts";
import type { PhiOperations } from "../../phi/operations.ts";
import {
  runOperation,
  type OperationDefinition,
  type OperationDeps,
} from "../callable.ts";
import { SECURITY_HEADERS } from "../headers.ts";
import { matchRoute, methodsAt } from "./router.ts";

export interface ApiRequest {
  method: string;
  /** The path below the function, e.g. "/v1/schedule". */
  path: string;
  /** The parsed query string (repeated keys as arrays). */
  query: Record<string, unknown>;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as received; the API parses JSON itself. */
  rawBody?: Buffer;
  ip?: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialised as JSON; absent for a preflight. */
  body?: unknown;
}

export interface ApiDeps {
  operations: PhiOperations;
  operationDeps(): OperationDeps;
  /** Verifies an ID token, its revocation included; rejects with Firebase Auth's error. */
  verifyIdToken(idToken: string): Promise<Record<string, unknown> & { uid: string }>;
  /** Whether an App Check token is valid. */
  verifyAppCheck(token: string): Promise<boolean>;
  allowedOrigins(): readonly string[];
  requestId(): string;
}

const ALLOWED_REQUEST_HEADERS = "Authorization, Content-Type, X-Firebase-AppCheck";
const PREFLIGHT_MAX_AGE_SECONDS = "600";

function header(request: ApiRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorResponse(
  error: HttpsError,
  headers: Record<string, string>,
  httpStatus = error.httpErrorCode.status,
): ApiResponse {
  const details = error.details as
    { retryAfterSeconds?: unknown; retryAfterMs?: unknown } | undefined;
  const retryAfter =
    typeof details?.retryAfterSeconds === "number"
      ? details.retryAfterSeconds
      : typeof details?.retryAfterMs === "number"
        ? Math.ceil(details.retryAfterMs / 1000)
        : undefined;
  return {
    status: httpStatus,
    headers: {
      ...headers,
      "Content-Type": "application/json; charset=utf-8",
      ...(retryAfter !== undefined && { "Retry-After": String(retryAfter) }),
    },
    body: { error: error.toJSON() },
  };
}

/** A refusal that happens before any operation runs: logged, not audited. */
function refuseEarly(
  request: ApiRequest,
  headers: Record<string, string>,
  httpStatus: number,
  error: HttpsError,
  route: ApiRoute | null,
): ApiResponse {
  const reason = (error.details as { reason?: string } | undefined)?.reason ?? error.code;
  logs.apiRequestRefused(reason, request.method.slice(0, 10), route?.path ?? null);
  return errorResponse(error, headers, httpStatus);
}

/** A request field problem, refused by validation inside the operation (so audited). */
interface InputProblem {
  field: string;
  message: string;
}

function refusingSchema(problem: InputProblem) {
  return z.any().superRefine((_value, context) => {
    context.addIssue({
      code: "custom",
      message: problem.message,
      path: problem.field ? [problem.field] : [],
    });
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? "");
}

/** The body of a POST: nothing (an empty object), or a JSON object. */
function bodyOf(request: ApiRequest): Record<string, unknown> | InputProblem {
  const raw = request.rawBody;
  if (!raw || raw.length === 0) return {};
  if (!isJson(header(request, "content-type"))) {
    return { field: "body", message: "expected Content-Type application/json" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    return { field: "body", message: "not valid JSON" };
  }
  if (!isPlainObject(parsed)) return { field: "body", message: "expected a JSON object" };
  return parsed;
}

function isProblem(value: unknown): value is InputProblem {
  return isPlainObject(value) && typeof value["message"] === "string" && "field" in value;
}

/** The operation's request: query (GET) or body (POST) fields, plus the path's. */
function dataOf(
  request: ApiRequest,
  route: ApiRoute,
  params: Record<string, string>,
): Record<string, unknown> | InputProblem {
  const fields = route.method === "GET" ? { ...request.query } : bodyOf(request);
  if (isProblem(fields)) return fields;
  for (const name of Object.keys(params)) {
    if (Object.hasOwn(fields, name)) {
      return { field: name, message: "belongs in the path only" };
    }
  }
  return { ...fields, ...params };
}

function bearerToken(request: ApiRequest): string | null {
  const authorization = header(request, "authorization");
  const match = /^Bearer\s+([A-Za-z0-9._-]{1,4096})\s*$/.exec(authorization ?? "");
  return match ? match[1]! : null;
}

function authErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "unknown";
}

async function factsOf(request: ApiRequest, deps: ApiDeps): Promise<RequestFacts> {
  const facts: RequestFacts = { uid: null, token: {}, hasAppCheck: false };
  const ip = cleanIp(request.ip);
  const userAgent = cleanUserAgent(header(request, "user-agent"));
  if (ip) facts.ip = ip;
  if (userAgent) facts.userAgent = userAgent;

  const idToken = bearerToken(request);
  if (idToken) {
    try {
      const decoded = await deps.verifyIdToken(idToken);
      facts.uid = decoded.uid;
      facts.token = decoded;
    } catch (error) {
      // The guard answers a caller it cannot identify as signed out.
      logs.apiTokenRejected(authErrorCode(error));
    }
  }
  const appCheckToken = header(request, "x-firebase-appcheck");
  if (appCheckToken) {
    facts.hasAppCheck = await deps.verifyAppCheck(appCheckToken).catch(() => false);
  }
  return facts;
}

function corsHeaders(origin: string, methods: readonly string[]): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": [...methods, "OPTIONS"].join(", "),
    "Access-Control-Allow-Headers": ALLOWED_REQUEST_HEADERS,
    "Access-Control-Max-Age": PREFLIGHT_MAX_AGE_SECONDS,
  };
}

function contentLength(request: ApiRequest): number {
  const declared = Number(header(request, "content-length") ?? 0);
  const received = request.rawBody?.length ?? 0;
  return Math.max(Number.isFinite(declared) ? declared : 0, received);
}

export async function handleApiRequest(
  request: ApiRequest,
  deps: ApiDeps,
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, Vary: "Origin" };
  const method = request.method.toUpperCase();

  const origin = header(request, "origin")?.toLowerCase().replace(/\/+$/, "");
  if (origin !== undefined) {
    if (!deps.allowedOrigins().includes(origin)) {
      const refused = new HttpsError("permission-denied", "Origin not allowed", {
        reason: "origin-not-allowed",
      });
      return refuseEarly(request, headers, 403, refused, null);
    }
    Object.assign(headers, corsHeaders(origin, methodsAt(request.path)));
  }
  if (method === "OPTIONS") {
    const methods = methodsAt(request.path);
    if (methods.length === 0) {
      const missing = new HttpsError("not-found", "No such route", {
        reason: "no-route",
      });
      return refuseEarly(request, headers, 404, missing, null);
    }
    return {
      status: 204,
      headers: { ...headers, Allow: [...methods, "OPTIONS"].join(", ") },
    };
  }

  const match = matchRoute(method, request.path);
  if (match.kind === "no-route") {
    const missing = new HttpsError("not-found", "No such route", { reason: "no-route" });
    return refuseEarly(request, headers, 404, missing, null);
  }
  if (match.kind === "method-not-allowed") {
    const refused = new HttpsError(
      "unimplemented",
      `Method not allowed here: use ${match.allowed.join(" or ")}`,
      { reason: "method-not-allowed" },
    );
    headers["Allow"] = [...match.allowed, "OPTIONS"].join(", ");
    return refuseEarly(request, headers, 405, refused, null);
  }
  const { route, params } = match;
  if (contentLength(request) > API_MAX_BODY_BYTES) {
    const tooLarge = new HttpsError(
      "invalid-argument",
      `Request body larger than ${API_MAX_BODY_BYTES} bytes`,
      { reason: "body-too-large", limitBytes: API_MAX_BODY_BYTES },
    );
    return refuseEarly(request, headers, 413, tooLarge, route);
  }

  try {
    const facts = await factsOf(request, deps);
    const data = dataOf(request, route, params);
    const operation = deps.operations[route.operation] as OperationDefinition<
      z.ZodType,
      unknown
    >;
    const definition = isProblem(data)
      ? { ...operation, input: refusingSchema(data) }
      : operation;
    const reply = await runOperation(
      definition,
      { facts, data: isProblem(data) ? null : data, requestId: deps.requestId() },
      deps.operationDeps(),
    );
    return {
      status: 200,
      headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
      body: reply,
    };
  } catch (error) {
    return errorResponse(toHttpsError(error, "api"), headers);
  }
}
