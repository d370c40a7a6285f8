// getProviders, getServiceLocations, getPractice: the practice's reference data, not PHI,
// read from Tebra at most once per REFERENCE_TTL_MS per instance (reference.ts). The
// provider list also labels the provider of a single appointment.
import { HttpsError } from "firebase-functions/https";
import type {
  GetPracticeReply,
  GetProvidersReply,
  GetServiceLocationsReply,
  Provider,
} from "../contract/index.ts";
import type { OperationContext } from "../http/callable.ts";
import { requireSamePractice } from "./access.ts";
import type { PhiDeps } from "./deps.ts";

async function providers(deps: PhiDeps): Promise<Provider[]> {
  const rows = await deps.reference.get(`providers:${deps.practice.id}`, () =>
    deps.tebra.getProviders(),
  );
  return rows.map((row) => ({
    providerId: row.providerId,
    fullName: row.fullName,
    degree: row.degree,
    specialty: row.specialty,
    active: row.active,
  }));
}

/** The provider's full name, or null (also when the provider list cannot be read). */
export async function providerLabel(
  deps: PhiDeps,
  providerId: string | null,
): Promise<string | null> {
  if (!providerId) return null;
  try {
    const found = (await providers(deps)).find((p) => p.providerId === providerId);
    return found?.fullName ?? null;
  } catch {
    // A label is a convenience: the appointment is answered without it.
    return null;
  }
}

export async function getProviders(
  _input: unknown,
  { caller, audit }: OperationContext,
  deps: PhiDeps,
): Promise<GetProvidersReply> {
  requireSamePractice(caller, deps);
  audit.entityId = deps.practice.id;
  return { providers: await providers(deps) };
}

export async function getServiceLocations(
  _input: unknown,
  { caller, audit }: OperationContext,
  deps: PhiDeps,
): Promise<GetServiceLocationsReply> {
  requireSamePractice(caller, deps);
  audit.entityId = deps.practice.id;
  const rows = await deps.reference.get(`serviceLocations:${deps.practice.id}`, () =>
    deps.tebra.getServiceLocations(),
  );
  return {
    serviceLocations: rows.map((row) => ({
      serviceLocationId: row.serviceLocationId,
      name: row.name,
    })),
  };
}

export async function getPractice(
  _input: unknown,
  { caller, audit }: OperationContext,
  deps: PhiDeps,
): Promise<GetPracticeReply> {
  requireSamePractice(caller, deps);
  audit.entityId = deps.practice.id;
  const rows = await deps.reference.get(`practices:${deps.practice.id}`, () =>
    deps.tebra.getPractices(),
  );
  const practice = rows.find((row) => row.practiceId === deps.practice.id);
  if (!practice) {
    throw new HttpsError("not-found", "The practice is not in Tebra", {
      reason: "practice-not-found",
    });
  }
  return {
    practiceId: practice.practiceId,
    practiceName: practice.name,
    timeZone: deps.practice.timeZone,
    active: practice.active,
  };
}
