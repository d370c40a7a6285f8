// The PHI and reference callables (v2 onCall), one per operation, all through the shared
// wrapper: guard, rate limit, validation, core, projection, one audit event.
import { callable } from "../http/callable.ts";
import { phiOperations } from "./operations.ts";

const operations = phiOperations();

export const getSchedule = callable(operations.getSchedule);
export const getAppointment = callable(operations.getAppointment);
export const createAppointment = callable(operations.createAppointment);
export const moveAppointment = callable(operations.moveAppointment);
export const cancelAppointment = callable(operations.cancelAppointment);
export const searchPatients = callable(operations.searchPatients);
export const getPatient = callable(operations.getPatient);
export const getProviders = callable(operations.getProviders);
export const getServiceLocations = callable(operations.getServiceLocations);
export const getPractice = callable(operations.getPractice);
