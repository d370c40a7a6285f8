// The practice's reference data: providers, service locations and the practice itself.
// Not PHI; every signed-in role but the auditor reads it, and the backend caches it.
import { z } from "zod";
import { noParameters } from "./values.ts";

export const getProvidersRequest = noParameters;
export type GetProvidersRequest = z.input<typeof getProvidersRequest>;
export const getServiceLocationsRequest = noParameters;
export type GetServiceLocationsRequest = z.input<typeof getServiceLocationsRequest>;
export const getPracticeRequest = noParameters;
export type GetPracticeRequest = z.input<typeof getPracticeRequest>;

const nullableText = z.string().nullable();

export const provider = z.strictObject({
  providerId: z.string(),
  fullName: nullableText,
  degree: nullableText,
  specialty: nullableText,
  active: z.boolean().nullable(),
});
export type Provider = z.output<typeof provider>;

export const getProvidersReply = z.strictObject({ providers: z.array(provider) });
export type GetProvidersReply = z.output<typeof getProvidersReply>;

export const serviceLocation = z.strictObject({
  serviceLocationId: z.string(),
  name: nullableText,
});
export type ServiceLocation = z.output<typeof serviceLocation>;

export const getServiceLocationsReply = z.strictObject({
  serviceLocations: z.array(serviceLocation),
});
export type GetServiceLocationsReply = z.output<typeof getServiceLocationsReply>;

export const getPracticeReply = z.strictObject({
  practiceId: z.string(),
  practiceName: nullableText,
  /** The IANA zone clinic days are counted in (PRACTICE_TIME_ZONE). */
  timeZone: z.string(),
  active: z.boolean().nullable(),
});
export type GetPracticeReply = z.output<typeof getPracticeReply>;
