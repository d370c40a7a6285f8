// How a refused or failed call looks to a caller. Callables answer with the callable
// protocol's `{"error": {"status", "message", "details"}}`; the HTTPS API answers the same
// body with the same HTTP status, so one error type serves both. Messages may name a field
// but never repeat a value; `details.reason` is a code an app can act on.
import { z } from "zod";

/** The callable protocol's statuses and the HTTP status each is answered with. */
export const ERROR_HTTP_STATUS = {
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
} as const;
export type ErrorStatus = keyof typeof ERROR_HTTP_STATUS;

const statuses = Object.keys(ERROR_HTTP_STATUS) as [ErrorStatus, ...ErrorStatus[]];

export const errorDetails = z
  .object({
    /** Why, as a code: "session-expired", "rate-limited", "transition-not-allowed", … */
    reason: z.string().optional(),
    /** The request field at fault (invalid-argument). */
    field: z.string().optional(),
    /** When to try again (resource-exhausted). */
    retryAfterSeconds: z.number().optional(),
    /** Tebra's failure kind, when Tebra was the cause. */
    tebra: z.string().optional(),
    retryAfterMs: z.number().optional(),
    /** A write to Tebra that timed out may or may not have been applied. */
    outcomeUnknown: z.boolean().optional(),
  })
  .loose();

export const errorBody = z.strictObject({
  error: z.strictObject({
    status: z.enum(statuses),
    message: z.string(),
    details: errorDetails.optional(),
  }),
});
export type ErrorBody = z.output<typeof errorBody>;
