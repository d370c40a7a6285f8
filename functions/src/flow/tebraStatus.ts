// Tebra's AppointmentStatus enum (2025 WSDL, schema order), in a module of its own with no
// imports: the client sends and reads it, and the patient flow maps to it. It sits with the
// flow because the web app's contract exports the flow and must load nothing of the client
// (test/unit/phi/contract.test.ts).
export const APPOINTMENT_STATUSES = [
  "Unknown",
  "Scheduled",
  "ReminderSent",
  "Confirmed",
  "CheckedIn",
  "Roomed",
  "CheckedOut",
  "NeedsReschedule",
  "ReadyToBeSeen",
  "NoShow",
  "Cancelled",
  "Rescheduled",
  "Tentative",
] as const;

export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
