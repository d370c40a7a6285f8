// The contract between the backend and its callers, in one module the web app imports:
// the request and reply types of every PHI callable with their zod schemas, the error
// body, and the HTTPS API's routes. It imports zod and nothing from Firebase, so a browser
// bundle can use it (a unit test keeps it that way).
//
//   import { CALLABLES, type RequestOf, type ReplyOf } from ".../contract/index.ts";
//   const call = httpsCallable<RequestOf<"getSchedule">, ReplyOf<"getSchedule">>(
//     functions, "getSchedule");
//   const reply = CALLABLES.getSchedule.reply.parse((await call({ date })).data);
import type { z } from "zod";
import {
  cancelAppointmentReply,
  cancelAppointmentRequest,
  createAppointmentReply,
  createAppointmentRequest,
  getAppointmentReply,
  getAppointmentRequest,
  getScheduleReply,
  getScheduleRequest,
  moveAppointmentReply,
  moveAppointmentRequest,
} from "./appointments.ts";
import {
  getPatientReply,
  getPatientRequest,
  searchPatientsReply,
  searchPatientsRequest,
} from "./patients.ts";
import {
  getPracticeReply,
  getPracticeRequest,
  getProvidersReply,
  getProvidersRequest,
  getServiceLocationsReply,
  getServiceLocationsRequest,
} from "./practice.ts";

export * from "./appointments.ts";
export * from "./errors.ts";
export * from "./patients.ts";
export * from "./practice.ts";
export * from "./routes.ts";
export * from "./values.ts";
export { FLOW_STATUSES, type FlowStatus } from "../flow/status.ts";

/** Every PHI and reference callable: its name, request schema and reply schema. */
export const CALLABLES = {
  getSchedule: { request: getScheduleRequest, reply: getScheduleReply },
  getAppointment: { request: getAppointmentRequest, reply: getAppointmentReply },
  createAppointment: { request: createAppointmentRequest, reply: createAppointmentReply },
  moveAppointment: { request: moveAppointmentRequest, reply: moveAppointmentReply },
  cancelAppointment: { request: cancelAppointmentRequest, reply: cancelAppointmentReply },
  searchPatients: { request: searchPatientsRequest, reply: searchPatientsReply },
  getPatient: { request: getPatientRequest, reply: getPatientReply },
  getProviders: { request: getProvidersRequest, reply: getProvidersReply },
  getServiceLocations: {
    request: getServiceLocationsRequest,
    reply: getServiceLocationsReply,
  },
  getPractice: { request: getPracticeRequest, reply: getPracticeReply },
} as const;

export type CallableName = keyof typeof CALLABLES;
export const CALLABLE_NAMES = Object.keys(CALLABLES) as CallableName[];

/** What the app sends to callable `N`. */
export type RequestOf<N extends CallableName> = z.input<(typeof CALLABLES)[N]["request"]>;
/** What callable `N` answers (fields the caller's role does not see are absent). */
export type ReplyOf<N extends CallableName> = z.output<(typeof CALLABLES)[N]["reply"]>;
