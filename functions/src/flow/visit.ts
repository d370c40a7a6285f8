// What the patient-flow app reads for one visit on the day's board:
// practices/{practiceId}/schedules/{date}/visits/{appointmentId}. It holds only what the
// board shows. Fields below the line are the flow fields staff and providers write from the
// app (the rules allow no others); the sync never overwrites them with older Tebra data.
import type { Timestamp } from "firebase-admin/firestore";
import type { FlowStatus } from "./status.ts";

export interface Visit {
  practiceId: string;
  /** The clinic-local date, YYYY-MM-DD in the practice's time zone. */
  date: string;
  appointmentId: string;
  patientId: string;
  /** Display name as the board shows it ("Last, First"). */
  patientName: string;
  /** Date of birth, YYYY-MM-DD: the front desk's second identifier. */
  patientDob: string;
  /** Start and end of the appointment, ISO 8601 in UTC. */
  startTime: string;
  endTime: string;
  appointmentType: string;
  appointmentReason: string;
  providerId: string;
  providerLabel: string;
  serviceLocationId: string;
  /** Tebra's status at the last sync, and when Tebra last changed the appointment. */
  tebraStatus: string;
  tebraModifiedAt: string;
  syncedAt: string;

  // ---- Flow fields (written by the app under the rules, or by the flow callables) ----
  // Time stamps are Firestore timestamps (the rules require it; the server's clock sets
  // them); the callables' replies carry them as ISO strings.
  status: FlowStatus;
  room: string | null;
  checkedInAt: Timestamp | null;
  roomedAt: Timestamp | null;
  readyForProviderAt: Timestamp | null;
  seenByProviderAt: Timestamp | null;
  checkedOutAt: Timestamp | null;
  /** Who made the last flow change and when (request.time in the rules). */
  flowUpdatedBy: string | null;
  flowUpdatedAt: Timestamp | null;
}

export const FLOW_FIELDS = [
  "status",
  "room",
  "checkedInAt",
  "roomedAt",
  "readyForProviderAt",
  "seenByProviderAt",
  "checkedOutAt",
  "flowUpdatedBy",
  "flowUpdatedAt",
] as const;
