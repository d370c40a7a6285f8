// The PHI and reference operations as the shared wrapper runs them (http/callable.ts): a
// name from the policy table, the request schema from the contract, and the core. The
// callables and the HTTPS API run these same definitions, so both surfaces share the
// guard, the limits, the validation, the projection and the audit event.
import { z } from "zod";
import { CALLABLES, type CallableName, type ReplyOf } from "../contract/index.ts";
import type { OperationContext, OperationDefinition } from "../http/callable.ts";
import { createAppointment, getAppointment } from "./appointments.ts";
import { defaultPhiDeps, type PhiDeps } from "./deps.ts";
import { cancelAppointment, moveAppointment } from "./flow.ts";
import { getPatient, searchPatients } from "./patients.ts";
import { getPractice, getProviders, getServiceLocations } from "./referenceData.ts";
import { getSchedule } from "./schedule.ts";

type RequestSchema<N extends CallableName> = (typeof CALLABLES)[N]["request"];
type Request<N extends CallableName> = z.output<RequestSchema<N>>;

/** Objects as JSON.parse makes them: own members only, Object's own prototype. */
function isPlainJson(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== "object" || value === null) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every(isPlainJson);
}

/**
 * The request schema behind a check that the data is plain JSON. The callable protocol's
 * decoder assigns every key, so a "__proto__" key holding an object becomes the data's
 * prototype, whose members zod would read as if they had been sent.
 */
function plainJson<N extends CallableName>(schema: RequestSchema<N>) {
  return z
    .unknown()
    .refine(isPlainJson, "expected plain JSON (no __proto__ member)")
    .pipe(schema);
}

type Core<N extends CallableName> = (
  input: Request<N>,
  context: OperationContext,
  deps: PhiDeps,
) => Promise<ReplyOf<N>>;

const CORES: { [N in CallableName]: Core<N> } = {
  getSchedule,
  getAppointment,
  createAppointment,
  moveAppointment,
  cancelAppointment,
  searchPatients,
  getPatient,
  getProviders,
  getServiceLocations,
  getPractice,
};

export type PhiOperation<N extends CallableName = CallableName> = OperationDefinition<
  z.ZodType<Request<N>>,
  ReplyOf<N>
>;

export type PhiOperations = { [N in CallableName]: PhiOperation<N> };

function definition<N extends CallableName>(
  name: N,
  deps: () => PhiDeps,
): PhiOperation<N> {
  const core = CORES[name];
  return {
    name,
    input: plainJson<N>(CALLABLES[name].request),
    handle: (input, context) => core(input, context, deps()),
  };
}

/** Every operation, over the given dependencies (the deployed ones by default). */
export function phiOperations(deps: () => PhiDeps = defaultPhiDeps): PhiOperations {
  const out = {} as Record<CallableName, unknown>;
  for (const name of Object.keys(CORES) as CallableName[]) {
    out[name] = definition(name, deps);
  }
  return out as PhiOperations;
}
