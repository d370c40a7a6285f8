// What the PHI e2e tests share: sessions of every role (with and without a second factor,
// fresh and stale, the stale one on a user of its own so that its refusals do not lock the
// fresh one out), calls over the callable protocol and over the HTTPS API, the audit
// events a call left, the local Tebra's control endpoint, and what the policy table says
// each call should answer.
import { signIn } from "../../../dev/auth-emulator.ts";
import { API_ROUTES, CALLABLES, type CallableName } from "../../../src/contract/index.ts";
import { ROLES, type Role } from "../../../src/identity/caller.ts";
import { PHI_ROLES } from "../../../src/identity/guard.ts";
import { allowedRoles, fieldsFor, POLICY } from "../../../src/identity/policy.ts";
import { adminDb } from "../../support/admin.ts";
import { authHost, PROJECT_ID } from "../../support/emulators.ts";
import { callCallable } from "../../support/callable.ts";
import {
  createAccount,
  MAX_SESSION_AGE_MINUTES,
  sessionFrom,
  TEST_PASSWORD,
} from "../../support/users.ts";

export const SESSION_KINDS = ["fresh", "noSecondFactor", "stale"] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export type Sessions = Record<Role, Record<SessionKind, string>>;

/**
 * Moves a user's "tokens valid since" back in time. The Auth emulator reads every token
 * signed in before that moment as revoked, even without checkRevoked, so a stale session
 * (an old auth_time) needs a user whose tokens were valid that long ago, as in production.
 */
async function backdateValidSince(uid: string, secondsAgo: number): Promise<void> {
  const url =
    `http://${authHost()}/identitytoolkit.googleapis.com/v1/projects/${PROJECT_ID}` +
    "/accounts:update";
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: "Bearer owner" },
    body: JSON.stringify({
      localId: uid,
      validSince: String(Math.floor(Date.now() / 1000) - secondsAgo),
    }),
  });
  if (!response.ok) throw new Error(`Auth emulator accounts:update: ${response.status}`);
}

/** Three users per role: with a second factor (fresh), without, and one made stale. */
export async function sessionsOf(prefix: string): Promise<Sessions> {
  const out = {} as Sessions;
  for (const role of ROLES) {
    const withFactor = await createAccount(`${prefix}-${role}`, role, {
      secondFactor: true,
    });
    const without = await createAccount(`${prefix}-${role}-nomfa`, role, {
      secondFactor: false,
    });
    const old = await createAccount(`${prefix}-${role}-stale`, role, {
      secondFactor: true,
    });
    await backdateValidSince(old.uid, (MAX_SESSION_AGE_MINUTES + 120) * 60);
    out[role] = {
      fresh: await signIn(withFactor.email, TEST_PASSWORD),
      noSecondFactor: await signIn(without.email, TEST_PASSWORD),
      stale: sessionFrom(
        await signIn(old.email, TEST_PASSWORD),
        MAX_SESSION_AGE_MINUTES + 60,
      ),
    };
  }
  return out;
}

export interface Reply {
  status: number;
  result?: unknown;
  error?: { status: string; message: string; details?: Record<string, unknown> };
  /** The body as received, for leak checks. */
  text: string;
}

export async function viaCallable(
  baseUrl: string,
  name: CallableName,
  data: unknown,
  idToken?: string,
): Promise<Reply> {
  const reply = await callCallable(baseUrl, name, data, idToken);
  return {
    status: reply.status,
    ...(reply.result !== undefined && { result: reply.result }),
    ...(reply.error && { error: reply.error as Reply["error"] }),
    text: JSON.stringify({ result: reply.result, error: reply.error }),
  };
}

/** The route of an operation with its path parameters filled from `data`. */
export function routeFor(name: CallableName, data: Record<string, unknown>) {
  const route = API_ROUTES.find((candidate) => candidate.operation === name)!;
  const rest: Record<string, unknown> = { ...data };
  const path = route.path.replace(/\{(\w+)\}/g, (_match, field: string) => {
    const value = String(rest[field]);
    delete rest[field];
    return encodeURIComponent(value);
  });
  return { method: route.method, path, rest };
}

export interface ApiCall {
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string | string[]>;
  body?: string;
  headers?: Record<string, string>;
}

export async function viaApi(
  baseUrl: string,
  call: ApiCall,
  idToken?: string,
): Promise<Reply & { headers: Headers }> {
  const url = new URL(`${baseUrl}/api${call.path}`);
  for (const [key, value] of Object.entries(call.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      url.searchParams.append(key, item);
    }
  }
  const response = await fetch(url, {
    method: call.method,
    headers: {
      ...(call.body !== undefined && { "Content-Type": "application/json" }),
      ...(idToken && { Authorization: `Bearer ${idToken}` }),
      ...call.headers,
    },
    ...(call.body !== undefined && { body: call.body }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: Reply["error"] } | undefined)?.error;
  return {
    status: response.status,
    headers: response.headers,
    text,
    ...(error ? { error } : { result: parsed }),
  };
}

/** An operation's request as an API call: GET fields in the query, POST in the body. */
export function apiCallFor(name: CallableName, data: Record<string, unknown>): ApiCall {
  const { method, path, rest } = routeFor(name, data);
  if (method === "GET") {
    return {
      method,
      path,
      query: Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)])),
    };
  }
  return { method, path, body: JSON.stringify(rest) };
}

/**
 * Starts a worker for each function before the tests time anything: the emulator loads a
 * function's code on its first call, which on a busy machine takes longer than a test may.
 * The calls come from an auditor of their own (refused by every one, as the policy says).
 */
export async function warmUp(baseUrl: string, auditorToken: string): Promise<void> {
  const names = Object.keys(CALLABLES) as CallableName[];
  const calls: (() => Promise<unknown>)[] = [
    ...names.map((name) => () => viaCallable(baseUrl, name, {}, auditorToken)),
    () => viaApi(baseUrl, { method: "GET", path: "/v1/practice" }, auditorToken),
  ];
  // One at a time: on two shared cores, parallel cold starts only slow each other down.
  for (const call of calls) {
    for (let attempt = 1; ; attempt++) {
      try {
        await call();
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }
}

/** Audit events of one function recorded so far. */
export async function auditCount(functionName: string): Promise<number> {
  const snapshot = await adminDb()
    .collection("auditEvents")
    .where("source.function", "==", functionName)
    .count()
    .get();
  return snapshot.data().count;
}

// ---- The local Tebra the e2e layer runs (scripts/test.sh) -------------------------------

function controlUrl(): string {
  const endpoint = process.env["LOCAL_TEBRA_URL"];
  if (!endpoint) {
    throw new Error(
      "LOCAL_TEBRA_URL is not set: run the e2e layer with scripts/test.sh, which starts " +
        "a local Tebra and passes its endpoint to the emulator",
    );
  }
  return `${new URL(endpoint).origin}/__control`;
}

async function control(body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(controlUrl(), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`local Tebra control: HTTP ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** How many calls the local Tebra has answered so far, all operations. */
export async function tebraCallCount(): Promise<number> {
  const { calls } = (await control({ action: "calls" })) as { calls: unknown[] };
  return calls.length;
}

export async function injectTebraFault(fault: Record<string, unknown>): Promise<void> {
  await control({ action: "inject", fault });
}

/** Adds a patient (and, with `appointmentOn`, a visit) to the local Tebra. */
export async function addTebraPatient(
  patient: Record<string, string>,
): Promise<{ patientId: string; appointmentId: string | null }> {
  const added = (await control({ action: "add-patient", patient })) as {
    patientId: number;
    appointmentId: number | null;
  };
  return {
    patientId: String(added.patientId),
    appointmentId: added.appointmentId === null ? null : String(added.appointmentId),
  };
}

export async function clearTebraFaults(): Promise<void> {
  await control({ action: "clear-faults" });
}

// ---- What the policy table says ---------------------------------------------------------

export type Expected =
  | { kind: "success"; fields: Set<string> }
  | { kind: "refused"; status: string; httpStatus: number; reason: string };

/** The dotted leaf paths of a reply schema, as the policy names fields. */
function schemaPaths(name: CallableName): string[] {
  const walk = (schema: unknown, prefix: string): string[] => {
    const def = (schema as { def: Record<string, unknown> }).def;
    switch (def["type"]) {
      case "optional":
      case "nullable":
        return walk(def["innerType"], prefix);
      case "array":
        return walk(def["element"], prefix);
      case "object":
        return Object.entries(def["shape"] as Record<string, unknown>).flatMap(
          ([key, child]) => walk(child, prefix ? `${prefix}.${key}` : key),
        );
      default:
        return [prefix];
    }
  };
  return walk(CALLABLES[name].reply, "");
}

/** The answer the policy row prescribes for `role` calling `name` with a `kind` session. */
export function expectedFor(name: CallableName, role: Role, kind: SessionKind): Expected {
  const row = POLICY[name];
  if (!allowedRoles(name).includes(role)) {
    return {
      kind: "refused",
      status: "PERMISSION_DENIED",
      httpStatus: 403,
      reason: "role-not-allowed",
    };
  }
  if (kind === "noSecondFactor" && row.secondFactor && PHI_ROLES.includes(role)) {
    return {
      kind: "refused",
      status: "UNAUTHENTICATED",
      httpStatus: 401,
      reason: "second-factor-required",
    };
  }
  if (kind === "stale" && row.freshSession) {
    return {
      kind: "refused",
      status: "UNAUTHENTICATED",
      httpStatus: 401,
      reason: "session-expired",
    };
  }
  const visible = new Set(fieldsFor(name, role));
  return {
    kind: "success",
    fields: new Set(schemaPaths(name).filter((path) => visible.has(path))),
  };
}

/** Every dotted leaf path present in a reply (arrays walked through). */
export function pathsIn(
  value: unknown,
  prefix = "",
  out = new Set<string>(),
): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) pathsIn(item, prefix, out);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (typeof child === "object" && child !== null) pathsIn(child, path, out);
      else out.add(path);
    }
  } else if (prefix) {
    out.add(prefix);
  }
  return out;
}
