// What every operation handler shares: the context it runs in and the ways it fails.
// Handlers fail the way Tebra does: a TebraError becomes ErrorResponse/IsError=true
// (HTTP 200), NotAuthorizedError a SecurityResponse with Authorized=false, InternalFault an
// HTTP 500 InternalServiceFault.
import type { DateTime } from "luxon";
import type { WireObject } from "./codec.ts";
import type { SyntheticPractice } from "./practice.ts";
import type { Schedule } from "./schedule.ts";

export class TebraError extends Error {
  override name = "TebraError";
  readonly stackTrace: string | null;

  constructor(message: string, stackTrace: string | null = null) {
    super(message);
    this.stackTrace = stackTrace;
  }
}

/** Answered as SecurityResponse with Authorized=false. */
export class NotAuthorizedError extends Error {
  override name = "NotAuthorizedError";
}

/** Answered as HTTP 500 with a:InternalServiceFault. */
export class InternalFault extends Error {
  override name = "InternalFault";
}

export const NULL_REFERENCE = "Object reference not set to an instance of an object.";

export function nullReference(operation: string, where: string): TebraError {
  return new TebraError(
    NULL_REFERENCE,
    `   at KareoServicesWCF.KareoServices.${where}(${operation}Req request)`,
  );
}

export interface OperationContext {
  practice: SyntheticPractice;
  schedule: Schedule;
  now: () => DateTime;
  customerId: number;
  throttleTable: () => Readonly<Record<string, number>>;
}

export type Handler = (request: WireObject, context: OperationContext) => WireObject;

/** The API user the local Tebra records as the author of changes. */
export const API_USER_ID = 9002;
