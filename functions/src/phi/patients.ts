// searchPatients and getPatient. A search answers identifiers and names only, at most
// MAX_SEARCH_RESULTS of them (its own, stricter rate limit is in the policy row). Opening
// one patient needs a care relationship, or for a provider an open break-glass grant
// (identity/patientAccess.ts), checked before Tebra is asked.
import type { z } from "zod";
import {
  MAX_SEARCH_RESULTS,
  type GetPatientReply,
  type getPatientRequest,
  type SearchPatientsReply,
  type searchPatientsRequest,
} from "../contract/index.ts";
import type { OperationContext } from "../http/callable.ts";
import { requireSamePractice } from "./access.ts";
import type { PhiDeps } from "./deps.ts";
import { patientRecordOf, patientSummaryOf } from "./views.ts";

export async function searchPatients(
  input: z.output<typeof searchPatientsRequest>,
  { caller }: OperationContext,
  deps: PhiDeps,
): Promise<SearchPatientsReply> {
  requireSamePractice(caller, deps);
  const found = await deps.tebra.getPatients({
    lastName: input.lastName,
    ...(input.firstName !== undefined && { firstName: input.firstName }),
    ...(input.dateOfBirth !== undefined && { dateOfBirth: input.dateOfBirth }),
  });
  return {
    patients: found.slice(0, MAX_SEARCH_RESULTS).map(patientSummaryOf),
    truncated: found.length > MAX_SEARCH_RESULTS,
  };
}

export async function getPatient(
  input: z.output<typeof getPatientRequest>,
  context: OperationContext,
  deps: PhiDeps,
): Promise<GetPatientReply> {
  requireSamePractice(context.caller, deps);
  context.audit.entityId = input.patientId;
  await context.authorizePatient(input.patientId);
  return patientRecordOf(await deps.tebra.getPatient(input.patientId));
}
