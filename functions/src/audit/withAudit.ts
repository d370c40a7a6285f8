// Fail closed, in one place: `withAudit` produces the reply, records the access, and only
// then hands the reply back. If the event cannot be stored the reply is dropped and the
// caller gets `unavailable` with no PHI. A call that fails is recorded as denied (refused:
// signed out, not allowed, bad input, rate-limited) or failed (with the error's code), and
// its error is passed on unchanged.
//
//   return withAudit(recorder, { event, disclosed: (reply) => ({ patientIds: … }) },
//     () => readFromTebra(…));
import { HttpsError } from "firebase-functions/https";
import * as logs from "../logs.ts";
import type { AuditOutcome, AuditRecorder, NewAuditEvent } from "./event.ts";

export type AuditedEvent = Omit<NewAuditEvent, "outcome" | "outcomeReason">;

/** What a reply disclosed, known only once it exists. */
export interface Disclosure {
  patientIds?: string[];
  entityId?: string;
  fields?: string[];
}

export interface AuditedCall<T> {
  /** What is done, by whom, to what; the outcome is filled in by `withAudit`. */
  event: AuditedEvent;
  disclosed?: (reply: T) => Disclosure;
}

/** The error a caller sees when the access could not be recorded. */
export function auditUnavailable(): HttpsError {
  return new HttpsError(
    "unavailable",
    "The audit trail is unavailable; nothing was returned",
    {
      reason: "audit-unavailable",
    },
  );
}

/** Refusals the caller brought about (as the shared callable wrapper counts them). */
const DENIALS = new Set([
  "permission-denied",
  "unauthenticated",
  "invalid-argument",
  "resource-exhausted",
]);

/** How a failed call is recorded: refused calls are denied, the rest failed. */
export function outcomeOf(error: unknown): {
  outcome: AuditOutcome;
  outcomeReason: string;
} {
  if (error instanceof HttpsError) {
    return {
      outcome: DENIALS.has(error.code) ? "denied" : "failed",
      outcomeReason: error.code,
    };
  }
  return { outcome: "failed", outcomeReason: "internal" };
}

function withDisclosure(event: AuditedEvent, disclosure: Disclosure): AuditedEvent {
  const entity = { ...event.entity };
  if (disclosure.entityId !== undefined) entity.id = disclosure.entityId;
  if (disclosure.fields !== undefined) entity.fields = disclosure.fields;
  return {
    ...event,
    entity,
    patientIds: disclosure.patientIds ?? event.patientIds,
  };
}

export async function withAudit<T>(
  recorder: AuditRecorder,
  call: AuditedCall<T>,
  produce: () => Promise<T> | T,
): Promise<T> {
  let reply: T;
  try {
    reply = await produce();
  } catch (error) {
    await recordFailure(recorder, call.event, error);
    throw error;
  }

  try {
    const event = call.disclosed
      ? withDisclosure(call.event, call.disclosed(reply))
      : call.event;
    await recorder.record({ ...event, outcome: "success" });
  } catch (error) {
    logs.auditWriteFailed(
      call.event.source.function,
      error instanceof Error ? error.name : "unknown",
    );
    throw auditUnavailable();
  }
  return reply;
}

async function recordFailure(
  recorder: AuditRecorder,
  event: AuditedEvent,
  error: unknown,
): Promise<void> {
  try {
    await recorder.record({ ...event, ...outcomeOf(error) });
  } catch (recordError) {
    // The caller gets the original error (and no PHI) either way.
    logs.auditWriteFailed(
      event.source.function,
      recordError instanceof Error ? recordError.name : "unknown",
    );
  }
}
