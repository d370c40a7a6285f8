// What one sync does to one visit, decided without Firestore: create it, change some of
// its fields, leave it alone, or (for an appointment gone from Tebra) delete or flag it.
//
// The sync owns the fields that come from Tebra (who, when, with whom, Tebra's status).
// The flow fields (FLOW_FIELDS: status, room, the step times, who moved it and when) belong
// to the people running the day. The rule that keeps Tebra from undoing their work:
//
//   Tebra's status is copied into the flow status only when Tebra's status itself changed
//   since the last sync AND Tebra changed the appointment after the last local flow change
//   (its LastModifiedDate is later than the visit's flowUpdatedAt, or nobody has moved the
//   visit locally yet). A Tebra edit that leaves the status alone (a new note, a new room)
//   never touches the flow; an older Tebra status never replaces a newer local one.
//
// When Tebra's status is taken, the time of that step (checkedInAt for a check-in, …) is
// set to Tebra's LastModifiedDate if the app has not stamped it already: the best time known
// for the step. Room, the other step times, flowUpdatedBy and flowUpdatedAt are never
// written by the sync; the audit trigger relies on the last two to tell a person's change
// from the sync's.
import { Timestamp, type DocumentData } from "firebase-admin/firestore";
import { FLOW_FIELDS } from "../../flow/visit.ts";
import {
  STEP_TIMESTAMPS,
  flowStatusFromTebra,
  type FlowStatus,
} from "../../flow/status.ts";
import type { ScheduledAppointment } from "../../tebra/results.ts";

/** What the board shows of a patient: the display name and the date of birth. */
export interface PatientDetails {
  /** "Last, First" */
  name: string;
  /** YYYY-MM-DD, or "" when Tebra has none. */
  dob: string;
}

/** The fields of a visit that come from Tebra; the sync may always rewrite them. */
export interface SyncFields {
  practiceId: string;
  date: string;
  appointmentId: string;
  patientId: string;
  patientName: string;
  patientDob: string;
  startTime: string;
  endTime: string;
  appointmentType: string;
  appointmentReason: string;
  providerId: string;
  providerLabel: string;
  serviceLocationId: string;
  /** Tebra's status text as the list reply carries it. */
  tebraStatus: string;
  /** When Tebra last changed the appointment (ISO, UTC); "" when Tebra did not say. */
  tebraModifiedAt: string;
  /** Set when the appointment left the day in Tebra but the visit was kept (see below). */
  tebraRemovedAt: string | null;
}

export const SYNC_FIELDS = [
  "practiceId",
  "date",
  "appointmentId",
  "patientId",
  "patientName",
  "patientDob",
  "startTime",
  "endTime",
  "appointmentType",
  "appointmentReason",
  "providerId",
  "providerLabel",
  "serviceLocationId",
  "tebraStatus",
  "tebraModifiedAt",
  "tebraRemovedAt",
] as const satisfies readonly (keyof SyncFields)[];

export interface FieldContext {
  practiceId: string;
  date: string;
  patient: PatientDetails | null;
  providerLabel: string | null;
}

/** The display name the board uses: "Last, First", else whatever Tebra gave. */
export function displayName(parts: {
  firstName: string | null;
  lastName: string | null;
  fullName: string | null;
}): string {
  if (parts.lastName && parts.firstName) return `${parts.lastName}, ${parts.firstName}`;
  return parts.fullName ?? parts.lastName ?? parts.firstName ?? "";
}

function endOf(appointment: ScheduledAppointment): string {
  if (appointment.endTime) return appointment.endTime;
  const minutes = appointment.durationMinutes ?? 0;
  return new Date(Date.parse(appointment.startTime) + minutes * 60_000)
    .toISOString()
    .replace(".000Z", "Z");
}

/** The visit's Tebra fields for an appointment row (one with a patient). */
export function syncFieldsOf(
  appointment: ScheduledAppointment,
  context: FieldContext,
): SyncFields {
  return {
    practiceId: context.practiceId,
    date: context.date,
    appointmentId: appointment.appointmentId,
    patientId: appointment.patientId ?? "",
    patientName: context.patient?.name || (appointment.patientFullName ?? ""),
    patientDob: context.patient?.dob ?? "",
    startTime: appointment.startTime,
    endTime: endOf(appointment),
    appointmentType: appointment.type ?? "",
    appointmentReason: appointment.reason ?? "",
    providerId: appointment.providerId ?? "",
    providerLabel: context.providerLabel ?? appointment.providerName ?? "",
    serviceLocationId: appointment.serviceLocationId ?? "",
    tebraStatus: appointment.confirmationStatus ?? "Unknown",
    tebraModifiedAt: appointment.lastModifiedAt ?? appointment.createdAt ?? "",
    tebraRemovedAt: null,
  };
}

export type VisitPlan =
  | { kind: "create"; data: DocumentData; keptLocalStatus: false }
  | {
      kind: "update";
      data: DocumentData;
      /** Tebra's status moved but a newer local flow change kept the visit's status. */
      keptLocalStatus: boolean;
    }
  | { kind: "unchanged"; keptLocalStatus: boolean }
  | { kind: "delete" };

/** Milliseconds of a stored time: a Firestore Timestamp (the rules write request.time), an
 *  ISO string, or a Date; null when absent or unreadable. */
export function millisOf(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Timestamp) return value.toMillis();
  if (value instanceof Date) return value.getTime();
  if (typeof value === "string") {
    const parsed = Date.parse(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  const maybe = value as { toMillis?: () => number };
  return typeof maybe.toMillis === "function" ? maybe.toMillis() : null;
}

function same(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

function stampOf(tebraModifiedAt: string): Timestamp | null {
  const at = Date.parse(tebraModifiedAt);
  return Number.isFinite(at) ? Timestamp.fromMillis(at) : null;
}

/** The flow fields of a visit the sync creates: Tebra's status, nothing else known. */
function newFlow(status: FlowStatus, tebraModifiedAt: string): DocumentData {
  const flow: DocumentData = {};
  for (const field of FLOW_FIELDS) flow[field] = null;
  flow["status"] = status;
  const step = STEP_TIMESTAMPS[status];
  if (step) flow[step] = stampOf(tebraModifiedAt);
  return flow;
}

/**
 * Create, update or leave one visit. `existing` is the stored visit (undefined when none);
 * `syncedAt` is this run's time (ISO), written only with an actual change.
 */
export function planVisit(
  existing: DocumentData | undefined,
  fields: SyncFields,
  syncedAt: string,
): VisitPlan {
  const mapped = flowStatusFromTebra(fields.tebraStatus);
  if (!existing) {
    return {
      kind: "create",
      data: { ...fields, syncedAt, ...newFlow(mapped.status, fields.tebraModifiedAt) },
      keptLocalStatus: false,
    };
  }

  const data: DocumentData = {};
  for (const field of SYNC_FIELDS) {
    if (!same(existing[field], fields[field])) data[field] = fields[field];
  }

  let keptLocalStatus = false;
  const tebraMoved = !same(existing["tebraStatus"], fields.tebraStatus);
  if (tebraMoved && existing["status"] !== mapped.status) {
    const localAt = millisOf(existing["flowUpdatedAt"]);
    const tebraAt = Date.parse(fields.tebraModifiedAt);
    const tebraIsNewer =
      localAt === null || (Number.isFinite(tebraAt) && tebraAt > localAt);
    if (tebraIsNewer) {
      data["status"] = mapped.status;
      const step = STEP_TIMESTAMPS[mapped.status];
      if (step && (existing[step] ?? null) === null) {
        data[step] = stampOf(fields.tebraModifiedAt);
      }
    } else {
      keptLocalStatus = true;
    }
  }

  if (Object.keys(data).length === 0) {
    return { kind: "unchanged", keptLocalStatus };
  }
  return { kind: "update", data: { ...data, syncedAt }, keptLocalStatus };
}

/**
 * An appointment no longer on the day in Tebra (deleted, or moved to another day). A visit
 * nobody has moved locally goes; one the front desk has worked on stays on the board,
 * flagged with `tebraRemovedAt`, so a patient in the building does not vanish from it.
 */
export function planRemoval(existing: DocumentData, syncedAt: string): VisitPlan {
  if (millisOf(existing["flowUpdatedAt"]) === null) return { kind: "delete" };
  if ((existing["tebraRemovedAt"] ?? null) !== null) {
    return { kind: "unchanged", keptLocalStatus: false };
  }
  return {
    kind: "update",
    data: { tebraRemovedAt: syncedAt, syncedAt },
    keptLocalStatus: false,
  };
}

/** New patient details (a name change in Tebra) for a visit whose appointment did not
 *  change; the rest of the visit stays as it is. */
export function planPatientUpdate(
  existing: DocumentData,
  patient: PatientDetails,
  syncedAt: string,
): VisitPlan {
  const data: DocumentData = {};
  if (patient.name && !same(existing["patientName"], patient.name)) {
    data["patientName"] = patient.name;
  }
  if (!same(existing["patientDob"], patient.dob)) data["patientDob"] = patient.dob;
  if (Object.keys(data).length === 0) {
    return { kind: "unchanged", keptLocalStatus: false };
  }
  return { kind: "update", data: { ...data, syncedAt }, keptLocalStatus: false };
}
