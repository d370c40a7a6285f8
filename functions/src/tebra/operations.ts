// The Tebra operations this backend calls, with what the client needs to know about each:
// whether a retry is safe, and the minimum interval Tebra documents between two calls of
// it per account (API Integration Technical Guide, April 2025). GetThrottles refreshes the
// intervals at run time (throttle.ts); these are the fallback.

export const OPERATIONS = [
  "GetAppointments",
  "GetAppointment",
  "CreateAppointment",
  "UpdateAppointment",
  "GetPatient",
  "GetPatients",
  "GetProviders",
  "GetPractices",
  "GetServiceLocations",
  "GetThrottles",
  "GetCustomerIdFromKey",
] as const;

export type Operation = (typeof OPERATIONS)[number];

interface OperationTraits {
  /** A read can be retried after a transient failure; a write never is. */
  kind: "read" | "write";
  /** Tebra's documented minimum interval between calls, in milliseconds (0: none). */
  documentedIntervalMs: number;
}

export const OPERATION_TRAITS: Readonly<Record<Operation, OperationTraits>> = {
  GetAppointments: { kind: "read", documentedIntervalMs: 1000 },
  GetAppointment: { kind: "read", documentedIntervalMs: 500 },
  CreateAppointment: { kind: "write", documentedIntervalMs: 500 },
  UpdateAppointment: { kind: "write", documentedIntervalMs: 500 },
  GetPatient: { kind: "read", documentedIntervalMs: 250 },
  GetPatients: { kind: "read", documentedIntervalMs: 1000 },
  GetProviders: { kind: "read", documentedIntervalMs: 500 },
  GetPractices: { kind: "read", documentedIntervalMs: 500 },
  GetServiceLocations: { kind: "read", documentedIntervalMs: 500 },
  GetThrottles: { kind: "read", documentedIntervalMs: 5000 },
  // Not in Tebra's table; spaced like the other light reads to stay polite.
  GetCustomerIdFromKey: { kind: "read", documentedIntervalMs: 500 },
};

export function isOperation(value: string): value is Operation {
  return (OPERATIONS as readonly string[]).includes(value);
}

/** The SOAPAction header Tebra dispatches on, quotes included (quirk 1). */
export function soapAction(operation: Operation): string {
  return `"http://www.kareo.com/api/schemas/KareoServices/${operation}"`;
}
