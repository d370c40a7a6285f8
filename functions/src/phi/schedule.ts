// getSchedule: one clinic day's appointments as the flow board shows them, optionally for
// one provider. Tebra is read every time (it holds the truth); when the day is synced the
// visits' flow fields are laid over its rows. The audit event names the day and every
// patient on the reply.
import type { z } from "zod";
import type { GetScheduleReply, getScheduleRequest } from "../contract/index.ts";
import type { OperationContext } from "../http/callable.ts";
import * as logs from "../logs.ts";
import { requireSamePractice } from "./access.ts";
import type { PhiDeps } from "./deps.ts";
import { scheduledView } from "./views.ts";
import { readSyncedDay } from "./visits.ts";

export async function getSchedule(
  input: z.output<typeof getScheduleRequest>,
  { caller, audit }: OperationContext,
  deps: PhiDeps,
): Promise<GetScheduleReply> {
  requireSamePractice(caller, deps);
  const practiceId = deps.practice.id;
  audit.entityId = input.date;

  const [rows, day] = await Promise.all([
    deps.tebra.getAppointments({ fromDay: input.date }),
    readSyncedDay(deps.firestore, practiceId, input.date),
  ]);

  let unmapped = 0;
  const appointments = rows
    .filter((row) => !input.providerId || row.providerId === input.providerId)
    .map((row) => {
      const view = scheduledView(
        row,
        practiceId,
        day.visits.get(row.appointmentId) ?? null,
      );
      if (view.unmapped) unmapped++;
      return view.value;
    });
  if (unmapped > 0) logs.flowStatusUnmapped("getSchedule", unmapped);

  return {
    date: input.date,
    practiceId,
    providerId: input.providerId ?? null,
    syncedAt: day.syncedAt,
    appointments,
  };
}
