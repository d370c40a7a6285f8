// The operations the local Tebra serves, over the synthetic practice. Each handler takes the
// request (already checked against the XSD and read into plain values) and answers the
// payload members of its reply; the server adds ErrorResponse and SecurityResponse.
// GetCustomerIdFromKey has no handler: it carries no RequestHeader and the server answers
// it from the credentials alone.
import { DateTime } from "luxon";
import {
  createAppointment,
  deleteAppointment,
  getAppointment,
  getAppointments,
  updateAppointment,
} from "./appointments.ts";
import type { Handler } from "./handler.ts";
import { getPatient, getPatients } from "./patients.ts";
import {
  getPractices,
  getProviders,
  getServiceLocations,
  getThrottles,
} from "./reference.ts";

export const OPERATIONS = [
  "GetAppointments",
  "GetAppointment",
  "CreateAppointment",
  "UpdateAppointment",
  "DeleteAppointment",
  "GetPatient",
  "GetPatients",
  "GetProviders",
  "GetPractices",
  "GetServiceLocations",
  "GetThrottles",
  "GetCustomerIdFromKey",
] as const;
export type OperationName = (typeof OPERATIONS)[number];

export function isOperation(name: string): name is OperationName {
  return (OPERATIONS as readonly string[]).includes(name);
}

/** Answered as ErrorResponse: IsError=true with this message (HTTP 200). */
export const HANDLERS: Record<Exclude<OperationName, "GetCustomerIdFromKey">, Handler> = {
  GetAppointments: getAppointments,
  GetAppointment: getAppointment,
  CreateAppointment: createAppointment,
  UpdateAppointment: updateAppointment,
  DeleteAppointment: deleteAppointment,
  GetPatient: getPatient,
  GetPatients: getPatients,
  GetProviders: getProviders,
  GetPractices: getPractices,
  GetServiceLocations: getServiceLocations,
  GetThrottles: getThrottles,
};

/** Today in the clinic, for the guide's default GetAppointments window. */
export function clinicNow(now: () => Date): () => DateTime {
  return () => DateTime.fromJSDate(now());
}
