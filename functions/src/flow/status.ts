// The patient flow: the statuses a visit moves through on the day, how they map to Tebra's
// AppointmentStatus, and which moves the front desk and providers may make. The Firestore
// rules mirror FLOW_TRANSITIONS; a test keeps the two in step.
import type { AppointmentStatus as TebraAppointmentStatus } from "./tebraStatus.ts";

export const FLOW_STATUSES = [
  "scheduled",
  "confirmed",
  "checked-in",
  "roomed",
  "ready-for-provider",
  "seen-by-provider",
  "checked-out",
  "no-show",
  "cancelled",
  "rescheduled",
] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

/** The visit's time stamp field for each step that has one. */
export const STEP_TIMESTAMPS: Partial<Record<FlowStatus, string>> = {
  "checked-in": "checkedInAt",
  roomed: "roomedAt",
  "ready-for-provider": "readyForProviderAt",
  "seen-by-provider": "seenByProviderAt",
  "checked-out": "checkedOutAt",
};

/**
 * Moves a client may make: forward along the day (skipping steps is allowed: the front desk
 * often checks a patient in without a confirmation), one step back to correct a mistake,
 * and from any open status to no-show or cancelled. Closed visits stay closed; rescheduling
 * happens in Tebra.
 */
export const FLOW_TRANSITIONS: Readonly<Record<FlowStatus, readonly FlowStatus[]>> = {
  scheduled: [
    "confirmed",
    "checked-in",
    "roomed",
    "ready-for-provider",
    "seen-by-provider",
    "checked-out",
    "no-show",
    "cancelled",
  ],
  confirmed: [
    "checked-in",
    "roomed",
    "ready-for-provider",
    "seen-by-provider",
    "checked-out",
    "scheduled",
    "no-show",
    "cancelled",
  ],
  "checked-in": [
    "roomed",
    "ready-for-provider",
    "seen-by-provider",
    "checked-out",
    "confirmed",
    "no-show",
    "cancelled",
  ],
  roomed: [
    "ready-for-provider",
    "seen-by-provider",
    "checked-out",
    "checked-in",
    "no-show",
    "cancelled",
  ],
  "ready-for-provider": [
    "seen-by-provider",
    "checked-out",
    "roomed",
    "no-show",
    "cancelled",
  ],
  "seen-by-provider": ["checked-out", "ready-for-provider", "no-show", "cancelled"],
  "checked-out": [],
  "no-show": [],
  cancelled: [],
  rescheduled: [],
};

export function canMove(from: FlowStatus, to: FlowStatus): boolean {
  return FLOW_TRANSITIONS[from].includes(to);
}

/**
 * Tebra → flow. List replies carry a free-text ConfirmationStatus ("Check-in", "No-show");
 * typed replies carry the enum ("CheckedIn"). Both are matched after dropping case, spaces
 * and hyphens. Anything unknown reads as scheduled; the caller logs the unmapped value.
 */
const FROM_TEBRA: Readonly<Record<string, FlowStatus>> = {
  scheduled: "scheduled",
  remindersent: "scheduled",
  tentative: "scheduled",
  unknown: "scheduled",
  confirmed: "confirmed",
  checkedin: "checked-in",
  checkin: "checked-in",
  roomed: "roomed",
  readytobeseen: "ready-for-provider",
  checkedout: "checked-out",
  checkout: "checked-out",
  noshow: "no-show",
  cancelled: "cancelled",
  rescheduled: "rescheduled",
  needsreschedule: "rescheduled",
};

export function flowStatusFromTebra(text: string): {
  status: FlowStatus;
  mapped: boolean;
} {
  const key = text.toLowerCase().replace(/[\s_-]+/g, "");
  const status = FROM_TEBRA[key];
  return status ? { status, mapped: true } : { status: "scheduled", mapped: false };
}

/** Flow → Tebra for UpdateAppointment; seen-by-provider exists only in the app. */
const TO_TEBRA: Readonly<Record<FlowStatus, TebraAppointmentStatus | null>> = {
  scheduled: "Scheduled",
  confirmed: "Confirmed",
  "checked-in": "CheckedIn",
  roomed: "Roomed",
  "ready-for-provider": "ReadyToBeSeen",
  "seen-by-provider": null,
  "checked-out": "CheckedOut",
  "no-show": "NoShow",
  cancelled: "Cancelled",
  rescheduled: "Rescheduled",
};

export function tebraStatusForFlow(status: FlowStatus): TebraAppointmentStatus | null {
  return TO_TEBRA[status];
}
