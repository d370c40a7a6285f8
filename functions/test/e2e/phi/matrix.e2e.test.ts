// The role × operation × session matrix, driven by the policy table, through the Functions
// emulator: for every PHI and reference operation, every role, with a fresh session, one
// without a second factor and a stale one, over the callable protocol and over the HTTPS
// API. Each allowed call succeeds with exactly the fields its role may see; each other call
// is refused with the code and reason the policy implies; every call leaves one audit event.
import { beforeAll, describe, expect, it } from "vitest";
import {
  CALLABLE_NAMES,
  CALLABLES,
  type CallableName,
} from "../../../src/contract/index.ts";
import { ROLES } from "../../../src/identity/caller.ts";
import { clinicToday } from "../../../src/tebra/dates.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { clearAuth } from "../../support/authEmulator.ts";
import { functionsBaseUrl, PROJECT_ID } from "../../support/emulators.ts";
import {
  apiCallFor,
  auditCount,
  expectedFor,
  pathsIn,
  SESSION_KINDS,
  sessionsOf,
  viaApi,
  viaCallable,
  warmUp,
  type Reply,
  type Sessions,
} from "./support.ts";

const ZONE = "America/Chicago";
/** A day other e2e files leave alone, within the care-relationship window. */
const DAY = (() => {
  const today = new Date(`${clinicToday(ZONE)}T12:00:00Z`);
  return new Date(today.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
})();

let baseUrl: string;
let callableSessions: Sessions;
let apiSessions: Sessions;
const requests = {} as Record<CallableName, Record<string, unknown>>;

interface Row {
  appointmentId: string;
  patientId: string | null;
  status: string;
  patientName: string | null;
  patientDob: string | null;
}

beforeAll(async () => {
  baseUrl = await functionsBaseUrl();
  await clearAuth(PROJECT_ID);
  await clearFirestore();
  callableSessions = await sessionsOf("mx-call");
  apiSessions = await sessionsOf("mx-api");
  const warm = await sessionsOf("mx-warm");
  await warmUp(baseUrl, warm.auditor.fresh);

  // Two scheduled appointments of the day: one to move, one to cancel (both idempotent).
  const schedule = await viaCallable(
    baseUrl,
    "getSchedule",
    { date: DAY },
    callableSessions.staff.fresh,
  );
  expect(schedule.status, schedule.text).toBe(200);
  const rows = (schedule.result as { appointments: Row[] }).appointments;
  const open = rows.filter((row) => row.patientId && row.status === "scheduled");
  const [moving, cancelling] = open;
  if (!moving || !cancelling)
    throw new Error(`fewer than two scheduled visits on ${DAY}`);

  // The patient of the moving appointment is in care: the day holds their visit.
  await adminDb().doc(`practices/1/schedules/${DAY}/visits/${moving.appointmentId}`).set({
    practiceId: "1",
    date: DAY,
    appointmentId: moving.appointmentId,
    patientId: moving.patientId,
  });
  // The schedule's rows lack the date of birth; the appointment carries it (GetPatient).
  const appointment = await viaCallable(
    baseUrl,
    "getAppointment",
    { appointmentId: moving.appointmentId },
    callableSessions.staff.fresh,
  );
  expect(appointment.status, appointment.text).toBe(200);
  const patient = appointment.result as Row;
  const [lastName] = (patient.patientName ?? "").split(",");

  Object.assign(requests, {
    getSchedule: { date: DAY },
    getAppointment: { appointmentId: moving.appointmentId },
    createAppointment: {
      patientId: moving.patientId,
      providerId: "101",
      serviceLocationId: "201",
      startTime: `${DAY}T23:00:00Z`,
      endTime: `${DAY}T23:15:00Z`,
    },
    moveAppointment: { appointmentId: moving.appointmentId, status: "confirmed" },
    cancelAppointment: { appointmentId: cancelling.appointmentId },
    searchPatients: { lastName: lastName!.trim(), dateOfBirth: patient.patientDob },
    getPatient: { patientId: moving.patientId },
    getProviders: {},
    getServiceLocations: {},
    getPractice: {},
  });
}, 600_000);

const surfaces = {
  callable: (name: CallableName, token: string) =>
    viaCallable(baseUrl, name, requests[name], token),
  api: (name: CallableName, token: string) =>
    viaApi(baseUrl, apiCallFor(name, requests[name]), token),
} as const;

async function once(run: () => Promise<Reply>, name: CallableName): Promise<Reply> {
  const before = await auditCount(name);
  const reply = await run();
  expect(await auditCount(name), `${name}: audit events for one call`).toBe(before + 1);
  return reply;
}

for (const [surface, send] of Object.entries(surfaces)) {
  describe(`the ${surface} surface`, () => {
    for (const name of CALLABLE_NAMES) {
      for (const role of ROLES) {
        for (const kind of SESSION_KINDS) {
          const expected = expectedFor(name, role, kind);
          const outcome =
            expected.kind === "success"
              ? "succeeds with its role's fields"
              : `is refused ${expected.status} (${expected.reason})`;
          it(`${name} by a ${role} with a ${kind} session ${outcome}`, async () => {
            const sessions = surface === "api" ? apiSessions : callableSessions;
            const reply = await once(() => send(name, sessions[role][kind]), name);
            if (expected.kind === "success") {
              expect(reply.status, reply.text).toBe(200);
              expect(CALLABLES[name].reply.safeParse(reply.result).success).toBe(true);
              expect([...pathsIn(reply.result)].sort()).toEqual(
                [...expected.fields].sort(),
              );
            } else {
              expect(reply.status, reply.text).toBe(expected.httpStatus);
              expect(reply.error?.status).toBe(expected.status);
              expect(reply.error?.details).toMatchObject({ reason: expected.reason });
            }
          });
        }
      }
    }
  });
}
