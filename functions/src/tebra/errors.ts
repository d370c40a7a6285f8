// What can go wrong when calling Tebra, as one error type a caller can act on. Every
// failure is classified into a kind, and each kind has one HttpsError code and one fixed
// message: no SOAP text, stack trace or patient value ever reaches a caller or a log.
// Because TebraError is an HttpsError, a handler can let it pass through unchanged.
import { HttpsError, type FunctionsErrorCode } from "firebase-functions/https";
import type { Operation } from "./operations.ts";

export const TEBRA_ERROR_KINDS = [
  "credentials",
  "not-authorized",
  "throttled",
  "invalid-request",
  "transient",
  "timeout",
  "not-found",
  "contract",
  "configuration",
  "tls",
  "circuit-open",
  "switched-off",
] as const;

export type TebraErrorKind = (typeof TEBRA_ERROR_KINDS)[number];

interface KindTraits {
  code: FunctionsErrorCode;
  message: string;
  /** Worth a retry of a read (after a backoff). */
  retryable: boolean;
  /** Counts against the circuit breaker: Tebra (or the path to it) is failing. */
  tripsBreaker: boolean;
  /** Needs a person: raises an ALERT-severity log line. */
  alert: boolean;
}

export const KIND_TRAITS: Readonly<Record<TebraErrorKind, KindTraits>> = {
  // Backend credential problems are not the caller's fault: not `unauthenticated`, which
  // would make the web app sign its user in again.
  credentials: {
    code: "failed-precondition",
    message: "Tebra refused the backend's credentials",
    retryable: false,
    tripsBreaker: false,
    alert: true,
  },
  "not-authorized": {
    code: "failed-precondition",
    message: "The backend's Tebra account is not authorized for this practice",
    retryable: false,
    tripsBreaker: false,
    alert: true,
  },
  throttled: {
    code: "resource-exhausted",
    message: "Tebra is rate-limiting requests; try again shortly",
    retryable: true,
    tripsBreaker: false,
    alert: false,
  },
  "invalid-request": {
    code: "invalid-argument",
    message: "Tebra rejected the request",
    retryable: false,
    tripsBreaker: false,
    alert: false,
  },
  transient: {
    code: "unavailable",
    message: "Tebra is unavailable; try again later",
    retryable: true,
    tripsBreaker: true,
    alert: false,
  },
  timeout: {
    code: "deadline-exceeded",
    message: "Tebra did not answer in time",
    retryable: true,
    tripsBreaker: true,
    alert: false,
  },
  "not-found": {
    code: "not-found",
    message: "Not found in Tebra",
    retryable: false,
    tripsBreaker: false,
    alert: false,
  },
  // Our request was malformed or the reply unreadable: a bug, not an outage.
  contract: {
    code: "internal",
    message: "Internal error",
    retryable: false,
    tripsBreaker: false,
    alert: true,
  },
  configuration: {
    code: "failed-precondition",
    message: "Tebra access is not configured",
    retryable: false,
    tripsBreaker: false,
    alert: true,
  },
  tls: {
    code: "unavailable",
    message: "Tebra's server identity could not be verified",
    retryable: false,
    tripsBreaker: false,
    alert: true,
  },
  "circuit-open": {
    code: "unavailable",
    message: "Tebra is unavailable; try again later",
    retryable: false,
    tripsBreaker: false,
    alert: false,
  },
  "switched-off": {
    code: "unavailable",
    message: "Tebra access is switched off",
    retryable: false,
    tripsBreaker: false,
    alert: false,
  },
};

export interface TebraErrorContext {
  operation?: Operation;
  /** HTTP status of Tebra's reply, when there was one. */
  httpStatus?: number;
  /** How long Tebra asked us to wait (throttled), in milliseconds. */
  retryAfterMs?: number;
  /** A short code for logs (a fault code, a Node error code); never message text. */
  reason?: string;
  /** For writes that timed out: the change may or may not have been applied. */
  outcomeUnknown?: boolean;
  /** Overrides the kind's default, e.g. a local throttle queue that is full. */
  retryable?: boolean;
}

/** Details a caller receives: the kind, and for throttling how long to wait. */
export interface TebraErrorDetails {
  tebra: TebraErrorKind;
  retryAfterMs?: number;
  outcomeUnknown?: boolean;
}

export class TebraError extends HttpsError {
  override name = "TebraError";
  readonly kind: TebraErrorKind;
  readonly operation: Operation | undefined;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly reason: string | undefined;
  private readonly retryableOverride: boolean | undefined;

  constructor(kind: TebraErrorKind, context: TebraErrorContext = {}) {
    const traits = KIND_TRAITS[kind];
    const details: TebraErrorDetails = { tebra: kind };
    if (context.retryAfterMs !== undefined) details.retryAfterMs = context.retryAfterMs;
    if (context.outcomeUnknown) details.outcomeUnknown = true;
    super(traits.code, traits.message, details);
    this.kind = kind;
    this.operation = context.operation;
    this.httpStatus = context.httpStatus;
    this.retryAfterMs = context.retryAfterMs;
    this.reason = context.reason;
    this.retryableOverride = context.retryable;
  }

  get retryable(): boolean {
    return this.retryableOverride ?? KIND_TRAITS[this.kind].retryable;
  }

  get tripsBreaker(): boolean {
    return KIND_TRAITS[this.kind].tripsBreaker;
  }

  /** The same error, attributed to an operation (errors raised below the client lack it). */
  withOperation(operation: Operation): TebraError {
    if (this.operation) return this;
    return new TebraError(this.kind, {
      operation,
      ...(this.httpStatus !== undefined && { httpStatus: this.httpStatus }),
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
      ...(this.reason !== undefined && { reason: this.reason }),
      ...(this.retryableOverride !== undefined && { retryable: this.retryableOverride }),
    });
  }
}

export function isTebraError(error: unknown, kind?: TebraErrorKind): error is TebraError {
  return error instanceof TebraError && (kind === undefined || error.kind === kind);
}
