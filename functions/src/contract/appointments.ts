// Appointments and the day's schedule: what the web app sends and what it gets back. A
// reply carries only the fields the caller's role may see (identity/policy.ts), so every
// field that some role does not see is optional here.
import { z } from "zod";
import { FLOW_STATUSES, type FlowStatus } from "../flow/status.ts";
import {
  appointmentId,
  clinicDate,
  instant,
  patientId,
  providerId,
  serviceLocationId,
  tebraId,
  text,
} from "./values.ts";

/** The flow statuses a caller may move an appointment to (the app keeps the others). */
export const MOVE_TARGETS = [
  "scheduled",
  "confirmed",
  "checked-in",
  "roomed",
  "ready-for-provider",
  "checked-out",
  "no-show",
  "cancelled",
] as const satisfies readonly FlowStatus[];
export type MoveTarget = (typeof MOVE_TARGETS)[number];

/** The longest appointment the backend books. */
export const MAX_APPOINTMENT_MINUTES = 12 * 60;

// ---- Requests ---------------------------------------------------------------------------

export const getScheduleRequest = z.strictObject({
  date: clinicDate,
  providerId: providerId.optional(),
});
export type GetScheduleRequest = z.input<typeof getScheduleRequest>;

export const getAppointmentRequest = z.strictObject({ appointmentId });
export type GetAppointmentRequest = z.input<typeof getAppointmentRequest>;

export const createAppointmentRequest = z
  .strictObject({
    patientId,
    providerId,
    serviceLocationId,
    startTime: instant,
    endTime: instant,
    reasonId: tebraId("AppointmentReasonID").optional(),
    mode: z.enum(["InOffice", "Telehealth"]).optional(),
    notes: text(2000).optional(),
  })
  .refine(
    ({ startTime, endTime }) => {
      const minutes = (Date.parse(endTime) - Date.parse(startTime)) / 60_000;
      return minutes > 0 && minutes <= MAX_APPOINTMENT_MINUTES;
    },
    { message: "must be after startTime, by at most 12 hours", path: ["endTime"] },
  );
export type CreateAppointmentRequest = z.input<typeof createAppointmentRequest>;

/** The room a patient is put in; as short as the board's column (the rules allow 20). */
export const room = text(20);

export const moveAppointmentRequest = z
  .strictObject({
    appointmentId,
    status: z.enum(MOVE_TARGETS),
    room: room.optional(),
  })
  .refine((move) => move.room === undefined || move.status === "roomed", {
    message: "only with status roomed",
    path: ["room"],
  });
export type MoveAppointmentRequest = z.input<typeof moveAppointmentRequest>;

export const cancelAppointmentRequest = z.strictObject({ appointmentId });
export type CancelAppointmentRequest = z.input<typeof cancelAppointmentRequest>;

// ---- Replies ----------------------------------------------------------------------------

const nullableText = z.string().nullable();
/** ISO 8601 UTC, or null when the step has not happened. */
const stamp = z.string().nullable();

/** One appointment as the flow board shows it. */
export const appointmentView = z.strictObject({
  appointmentId: z.string(),
  /** Null for a block of provider time without a patient. */
  patientId: z.string().nullable(),
  practiceId: z.string(),
  /** The clinic-local date of its start. */
  date: z.string(),
  startTime: z.string(),
  endTime: z.string().nullable(),
  /** Tebra's AppointmentType: P (patient), O (other), U (unavailable). */
  appointmentType: nullableText,
  providerId: nullableText,
  providerLabel: nullableText,
  serviceLocationId: nullableText,
  status: z.enum(FLOW_STATUSES),
  tebraStatus: nullableText,
  room: nullableText,
  checkedInAt: stamp,
  roomedAt: stamp,
  readyForProviderAt: stamp,
  seenByProviderAt: stamp,
  checkedOutAt: stamp,
  flowUpdatedAt: stamp,
  // Front desk and providers:
  patientName: nullableText.optional(),
  patientDob: nullableText.optional(),
  patientPhone: nullableText.optional(),
  // Providers only:
  appointmentReason: nullableText.optional(),
  notes: nullableText.optional(),
  patientAlert: nullableText.optional(),
});
export type AppointmentView = z.output<typeof appointmentView>;

export const getScheduleReply = z.strictObject({
  date: z.string(),
  practiceId: z.string(),
  providerId: nullableText,
  /** When the day was last copied to Firestore; null when it never was. */
  syncedAt: stamp,
  appointments: z.array(appointmentView),
});
export type GetScheduleReply = z.output<typeof getScheduleReply>;

export const getAppointmentReply = appointmentView;
export type GetAppointmentReply = AppointmentView;
export const createAppointmentReply = appointmentView;
export type CreateAppointmentReply = AppointmentView;
export const moveAppointmentReply = appointmentView;
export type MoveAppointmentReply = AppointmentView;
export const cancelAppointmentReply = appointmentView;
export type CancelAppointmentReply = AppointmentView;
