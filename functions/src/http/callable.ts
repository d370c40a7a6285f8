// One way in for every operation. `runOperation` is the core, a plain function over the
// request's facts: it refuses a caller locked out by too many refusals, runs the guard (the
// policy row says which roles, whether a second factor and a fresh session are needed),
// counts the call against the rate limit, validates the input, runs the handler, projects
// the reply through the caller's row of the policy, and records exactly one audit event,
// whatever the outcome. It fails closed: the success event is stored before the reply is
// returned, and if it cannot be, the caller gets `unavailable` and no reply. Errors leave as
// HttpsError only. `callable` adapts it to a v2 `onCall`; an HTTPS route adapts it the same
// way from an onRequest handler.
import { randomUUID } from "node:crypto";
import {
  HttpsError,
  onCall,
  type CallableFunction,
  type CallableOptions,
} from "firebase-functions/https";
import type { z } from "zod";
import { auditRecorder } from "../audit/deps.ts";
import type { AuditRecorder, NewAuditEvent } from "../audit/event.ts";
import { auditUnavailable } from "../audit/withAudit.ts";
import { accessConfig, REGION, runtimeConfig, webAppOrigins } from "../config.ts";
import { parseInput, toHttpsError } from "../errors.ts";
import { isRole, type Role } from "../identity/caller.ts";
import {
  callableFacts,
  checkCaller,
  firestoreLookups,
  guardSettings,
  isRefusal,
  refusalError,
  type Caller,
  type GuardLookups,
  type GuardSettings,
  type RequestFacts,
} from "../identity/guard.ts";
import { authorizePatientAccess, type PatientAccess } from "../identity/patientAccess.ts";
import {
  fieldsFor,
  guardRuleFor,
  POLICY,
  purposeOfUseFor,
  type OperationName,
} from "../identity/policy.ts";
import { project } from "../identity/projection.ts";
import { FirestoreRateLimiter, type RateLimiter } from "../limits/limiter.ts";
import {
  authFailureKey,
  limitSettings,
  operationKey,
  type LimitSettings,
} from "../limits/rules.ts";
import * as logs from "../logs.ts";
import { db } from "../platform/firebase.ts";

/** What a handler tells the audit trail beyond what the wrapper sees itself. */
export interface AuditNotes {
  /** The record the call was about (an appointment id, a uid, a grant id). */
  entityId?: string;
  /** Patients whose data the call read or changed; the reply's `patientId`s are added. */
  patientIds: string[];
  /** Names of the fields the call wrote. */
  fieldsWritten: string[];
  /** Set by `authorizePatient` when only a break-glass grant allowed the access. */
  breakGlass: boolean;
}

export interface OperationContext {
  caller: Caller;
  requestId: string;
  now: Date;
  audit: AuditNotes;
  /**
   * Checks that the caller may open the patient (care relationship or break-glass), notes
   * the patient for the audit event, and throws `permission-denied` when not allowed.
   */
  authorizePatient(patientId: string): Promise<PatientAccess>;
}

export interface OperationDefinition<S extends z.ZodType, R> {
  name: OperationName;
  input: S;
  /** Returns the full reply; the wrapper keeps only what the caller's role may see. */
  handle(input: z.output<S>, context: OperationContext): Promise<R>;
}

/** Any operation, whatever its input and reply: what the core and the adapters take. */
export type AnyOperationDefinition = OperationDefinition<z.ZodType, unknown>;

export interface OperationDeps {
  recorder: AuditRecorder;
  lookups: GuardLookups;
  limiter: RateLimiter;
  limits: LimitSettings;
  /** `now` in milliseconds. */
  guardSettings(now: number): GuardSettings;
  patientAccess(caller: Caller, patientId: string): Promise<PatientAccess>;
  now(): number;
}

export interface OperationRequest {
  facts: RequestFacts;
  data: unknown;
  requestId: string;
}

/** The audit trail's field-name and identifier shapes (audit/schema.ts). */
const FIELD_NAME = /^[A-Za-z0-9_.]{1,100}$/;
const MAX_FIELDS = 200;
const MAX_PATIENT_IDS = 1000;

/** Refusals the caller brought about; everything else that goes wrong is `failed`. */
const DENIED_CODES: ReadonlySet<string> = new Set([
  "permission-denied",
  "unauthenticated",
  "invalid-argument",
  "resource-exhausted",
]);

function rateLimited(retryAfterSeconds: number, reason: string): HttpsError {
  return new HttpsError(
    "resource-exhausted",
    `Too many requests: retry in ${retryAfterSeconds} s`,
    { reason, retryAfterSeconds },
  );
}

function outcomeOf(error: HttpsError): Pick<NewAuditEvent, "outcome" | "outcomeReason"> {
  const details = error.details as { reason?: unknown } | undefined;
  const reason =
    typeof details?.reason === "string" && /^[a-z-]{1,60}$/.test(details.reason)
      ? details.reason
      : error.code;
  return {
    outcome: DENIED_CODES.has(error.code) ? "denied" : "failed",
    outcomeReason: reason,
  };
}

/** Every `patientId` value the reply holds, wherever it sits. */
function patientIdsIn(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) patientIdsIn(item, found);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (key === "patientId" && (typeof child === "string" || typeof child === "number")) {
      found.add(String(child));
    } else {
      patientIdsIn(child, found);
    }
  }
}

interface Agent {
  uid: string | null;
  role: Role | null;
}

function buildEvent(
  name: OperationName,
  request: OperationRequest,
  agent: Agent,
  notes: AuditNotes,
  disclosed: readonly string[],
): Omit<NewAuditEvent, "outcome"> {
  const row = POLICY[name];
  const fields = [...new Set([...disclosed, ...notes.fieldsWritten])]
    .filter((field) => FIELD_NAME.test(field))
    .sort()
    .slice(0, MAX_FIELDS);
  const entity: NewAuditEvent["entity"] = { type: row.entityType };
  if (notes.entityId !== undefined) entity.id = notes.entityId;
  if (fields.length) entity.fields = fields;

  const event: Omit<NewAuditEvent, "outcome"> = {
    action: row.action,
    agent: {
      uid: agent.uid,
      role: agent.role,
      kind: "user",
      breakGlass: notes.breakGlass,
      ...(agent.uid ? { identifiedBy: "token" as const } : {}),
      ...(request.facts.ip ? { ip: request.facts.ip } : {}),
      ...(request.facts.userAgent ? { userAgent: request.facts.userAgent } : {}),
    },
    entity,
    patientIds: notes.patientIds.slice(0, MAX_PATIENT_IDS),
    purposeOfUse: purposeOfUseFor(name, agent.role, notes.breakGlass),
    source: { function: name, requestId: request.requestId },
    severity: notes.breakGlass ? "high" : row.severity,
  };
  return event;
}

/** The core: guard, limits, validation, handler, projection, one audit event. */
export async function runOperation(
  definition: AnyOperationDefinition,
  request: OperationRequest,
  deps: OperationDeps,
): Promise<unknown> {
  const { name } = definition;
  const { facts } = request;
  const claimed = facts.token["role"];
  const agent: Agent = { uid: facts.uid, role: isRole(claimed) ? claimed : null };
  const notes: AuditNotes = { patientIds: [], fieldsWritten: [], breakGlass: false };
  let reply: unknown;
  let disclosed: string[] = [];

  try {
    // A caller refused too often is refused outright, before anything is read for it.
    const failureKey = authFailureKey(facts.uid, facts.ip);
    const lockout = await deps.limiter.check(failureKey, deps.limits.authFailures);
    if (!lockout.allowed)
      throw rateLimited(lockout.retryAfterSeconds, "too-many-refusals");

    const nowMs = deps.now();
    const checked = await checkCaller(
      facts,
      guardRuleFor(name),
      deps.guardSettings(nowMs),
      deps.lookups,
    );
    if (isRefusal(checked)) {
      agent.uid = checked.uid;
      agent.role = checked.role;
      // A lockdown is not the caller's doing; every other refusal counts against it.
      if (checked.reason !== "lockdown") {
        await deps.limiter.consume(failureKey, deps.limits.authFailures);
      }
      throw refusalError(checked);
    }
    const caller = checked;
    agent.role = caller.role;

    const row = POLICY[name];
    const decision = await deps.limiter.consume(
      operationKey(name, caller.uid),
      deps.limits[row.limit],
    );
    if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds, "rate-limited");

    const input = parseInput(definition.input, request.data);
    const context: OperationContext = {
      caller,
      requestId: request.requestId,
      now: new Date(nowMs),
      audit: notes,
      async authorizePatient(patientId) {
        if (!notes.patientIds.includes(patientId)) notes.patientIds.push(patientId);
        const access = await deps.patientAccess(caller, patientId);
        if (!access.allowed) {
          throw new HttpsError("permission-denied", "No access to this patient", {
            reason: access.basis,
          });
        }
        if (access.breakGlass) notes.breakGlass = true;
        return access;
      },
    };
    const full = await definition.handle(input, context);

    const projection = project(full, fieldsFor(name, caller.role));
    reply = projection.value;
    disclosed = projection.disclosed;
    const seen = new Set(notes.patientIds);
    patientIdsIn(reply, seen);
    notes.patientIds = [...seen];
  } catch (error) {
    const refused = toHttpsError(error, name);
    try {
      const event = buildEvent(name, request, agent, notes, []);
      await deps.recorder.record({ ...event, ...outcomeOf(refused) });
    } catch (recordError) {
      // The caller gets the original error, and no PHI, either way.
      logs.auditWriteFailed(
        name,
        recordError instanceof Error ? recordError.name : "unknown",
      );
    }
    throw refused;
  }

  try {
    const event = buildEvent(name, request, agent, notes, disclosed);
    await deps.recorder.record({ ...event, outcome: "success" });
  } catch (recordError) {
    logs.auditWriteFailed(
      name,
      recordError instanceof Error ? recordError.name : "unknown",
    );
    throw auditUnavailable();
  }
  return reply;
}

// ---- Production wiring ------------------------------------------------------------------

let limiter: RateLimiter | undefined;

/** The deployed dependencies; parameters are read per call, clients once per instance. */
export function defaultOperationDeps(): OperationDeps {
  limiter ??= new FirestoreRateLimiter(db());
  const access = accessConfig();
  return {
    recorder: auditRecorder(),
    limiter,
    lookups: firestoreLookups,
    limits: limitSettings(access),
    guardSettings,
    patientAccess: (caller, patientId) =>
      authorizePatientAccess(caller, patientId, {
        firestore: db(),
        settings: {
          careRelationshipDays: access.careRelationshipDays,
          practiceTimeZone: runtimeConfig().practiceTimeZone,
          now: new Date(),
        },
      }),
    now: Date.now,
  };
}

export interface CallableWiring {
  /** Replaces the deployed dependencies (tests). */
  deps?: () => OperationDeps;
  /** Memory and time for an operation that needs more than the global options give. */
  runtime?: Pick<CallableOptions, "memory" | "timeoutSeconds">;
}

/** The operation as a v2 callable. App Check is checked by the guard, per parameter. */
export function callable<S extends z.ZodType, R>(
  definition: OperationDefinition<S, R>,
  wiring: CallableWiring = {},
): CallableFunction<unknown, Promise<unknown>> {
  return onCall({ region: REGION, cors: webAppOrigins, ...wiring.runtime }, (request) =>
    runOperation(
      definition,
      { facts: callableFacts(request), data: request.data, requestId: randomUUID() },
      (wiring.deps ?? defaultOperationDeps)(),
    ),
  );
}
