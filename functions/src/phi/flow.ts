// moveAppointment and cancelAppointment: an appointment moves through the patient flow.
// Tebra's UpdateAppointment replaces the whole appointment, so the appointment is read
// first and written back with only the status changed (appointmentUpdateFrom). The move
// must be one the board allows (flow/status.ts, mirrored by the rules). Moving to the
// status the appointment already has changes nothing in Tebra, so a retried call is
// harmless. When the day is synced the visit's flow fields are written too, as the app
// would write them; other fields of the visit stay as they are.
import { HttpsError } from "firebase-functions/https";
import type { z } from "zod";
import type {
  AppointmentView,
  cancelAppointmentRequest,
  MoveTarget,
  moveAppointmentRequest,
} from "../contract/index.ts";
import {
  canMove,
  flowStatusFromTebra,
  STEP_TIMESTAMPS,
  tebraStatusForFlow,
} from "../flow/status.ts";
import type { OperationContext } from "../http/callable.ts";
import * as logs from "../logs.ts";
import { appointmentUpdateFrom } from "../tebra/client.ts";
import { clinicDayOf } from "../tebra/dates.ts";
import { requireSamePractice } from "./access.ts";
import { ensureOurs } from "./appointments.ts";
import type { PhiDeps } from "./deps.ts";
import { providerLabel } from "./referenceData.ts";
import { currentStatus, recordView } from "./views.ts";
import { readVisit, recordMove } from "./visits.ts";

async function move(
  appointmentId: string,
  target: MoveTarget,
  room: string | undefined,
  { caller, audit }: OperationContext,
  deps: PhiDeps,
): Promise<AppointmentView> {
  requireSamePractice(caller, deps);
  const practiceId = deps.practice.id;
  audit.entityId = appointmentId;

  const record = await deps.tebra.getAppointment(appointmentId);
  ensureOurs(record, deps);
  if (!record.patientId) {
    throw new HttpsError(
      "failed-precondition",
      "appointmentId: not a patient's appointment",
      { reason: "no-patient" },
    );
  }
  audit.patientIds.push(record.patientId);

  const date = clinicDayOf(record.startTime, deps.practice.timeZone);
  const visit = await readVisit(deps.firestore, practiceId, date, appointmentId);
  const from = currentStatus(flowStatusFromTebra(record.status).status, visit);

  let updated = record;
  if (from !== target) {
    if (!canMove(from, target)) {
      throw new HttpsError(
        "failed-precondition",
        `status: cannot move from ${from} to ${target}`,
        { reason: "transition-not-allowed", from, to: target },
      );
    }
    // Every move target has a Tebra status (MOVE_TARGETS leaves out the app-only ones).
    const status = tebraStatusForFlow(target)!;
    updated = await deps.tebra.updateAppointment({
      ...appointmentUpdateFrom(record),
      status,
    });
    audit.fieldsWritten.push("status");
  }

  let after = visit;
  const visitChanges =
    visit !== null &&
    (visit.status !== target || (room !== undefined && room !== visit.room));
  if (visitChanges) {
    const synced = await recordMove(
      deps.firestore,
      { practiceId, date, appointmentId },
      {
        status: target,
        ...(room !== undefined && { room }),
        uid: caller.uid,
      },
    );
    if (synced) {
      const step = STEP_TIMESTAMPS[target];
      audit.fieldsWritten.push("status", "flowUpdatedBy", "flowUpdatedAt");
      if (step) audit.fieldsWritten.push(step);
      if (room !== undefined) audit.fieldsWritten.push("room");
      logs.visitFlowUpdated(target);
      after = await readVisit(deps.firestore, practiceId, date, appointmentId);
    }
  } else if (visit === null) {
    logs.visitNotSynced();
  }

  return recordView(updated, {
    practiceId,
    timeZone: deps.practice.timeZone,
    visit: after,
    patient: null,
    providerLabel: await providerLabel(deps, updated.providerId),
  });
}

export function moveAppointment(
  input: z.output<typeof moveAppointmentRequest>,
  context: OperationContext,
  deps: PhiDeps,
): Promise<AppointmentView> {
  return move(input.appointmentId, input.status, input.room, context, deps);
}

export function cancelAppointment(
  input: z.output<typeof cancelAppointmentRequest>,
  context: OperationContext,
  deps: PhiDeps,
): Promise<AppointmentView> {
  return move(input.appointmentId, "cancelled", undefined, context, deps);
}
