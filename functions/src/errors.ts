// Errors a client can act on. Every failure leaves a function as an HttpsError with a
// precise code and a fixed message that may name a field but never holds a value the
// caller sent, PHI or a stack. Anything else is logged by class name and answered
// as `internal`.
import { HttpsError } from "firebase-functions/https";
import type { z } from "zod";
import * as logs from "./logs.ts";

/** The part of a zod issue we may repeat to a caller: where it is and what kind it is. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length ? issue.path.map(String).join(".") : "(request)";
  switch (issue.code) {
    case "invalid_type":
      return `${field}: expected ${issue.expected}`;
    case "too_small":
      return `${field}: too small or too short`;
    case "too_big":
      return `${field}: too large or too long`;
    case "invalid_format":
      return `${field}: not a valid ${issue.format}`;
    case "invalid_value":
      return `${field}: not one of the allowed values`;
    case "unrecognized_keys":
      return `${field}: unexpected field(s) ${issue.keys.filter(isPlainKey).join(", ")}`;
    default:
      // Custom refinements carry messages we wrote ourselves.
      return `${field}: ${issue.message}`;
  }
}

function isPlainKey(key: string): boolean {
  return /^[A-Za-z0-9_]{1,64}$/.test(key);
}

/** Validates external input; bad input is `invalid-argument` naming the first bad field. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const detail = first ? describeIssue(first) : "(request): invalid";
  throw new HttpsError("invalid-argument", `Invalid request: ${detail}`, {
    field: first?.path.map(String).join(".") ?? "",
  });
}

/** Passes HttpsErrors through; anything else becomes `internal` with nothing in it. */
export function toHttpsError(error: unknown, where: string): HttpsError {
  if (error instanceof HttpsError) return error;
  logs.unexpectedError(where, error instanceof Error ? error.name : typeof error);
  return new HttpsError("internal", "Internal error");
}
