// The HTTPS API's routes, as data: the router (http/api/) dispatches on this table and a
// test checks docs/openapi.yaml against it. Each route runs the callable of the same
// operation. Path parameters are named as the request fields they fill; GET routes take
// their other fields from the query string, POST routes from a JSON body. Patient search
// is a POST so that names and dates of birth never appear in a URL (URLs are logged).
import type { CallableName } from "./index.ts";

export interface ApiRoute {
  method: "GET" | "POST";
  /** OpenAPI style: `{name}` is a path parameter. */
  path: string;
  operation: CallableName;
}

export const API_PREFIX = "/v1";

export const API_ROUTES = [
  { method: "GET", path: "/v1/schedule", operation: "getSchedule" },
  {
    method: "GET",
    path: "/v1/appointments/{appointmentId}",
    operation: "getAppointment",
  },
  { method: "POST", path: "/v1/appointments", operation: "createAppointment" },
  {
    method: "POST",
    path: "/v1/appointments/{appointmentId}/status",
    operation: "moveAppointment",
  },
  {
    method: "POST",
    path: "/v1/appointments/{appointmentId}/cancel",
    operation: "cancelAppointment",
  },
  { method: "POST", path: "/v1/patients/search", operation: "searchPatients" },
  { method: "GET", path: "/v1/patients/{patientId}", operation: "getPatient" },
  { method: "GET", path: "/v1/providers", operation: "getProviders" },
  { method: "GET", path: "/v1/service-locations", operation: "getServiceLocations" },
  { method: "GET", path: "/v1/practice", operation: "getPractice" },
] as const satisfies readonly ApiRoute[];

/** The largest request body the API reads. */
export const API_MAX_BODY_BYTES = 64 * 1024;
