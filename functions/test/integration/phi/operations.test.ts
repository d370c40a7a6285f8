// The PHI operations through the shared wrapper against the real Firestore emulator (the
// synced day, care relationships, break-glass grants, the audit trail) and a local Tebra on
// loopback (its stored appointments and its call log).
import { Timestamp } from "firebase-admin/firestore";
import { HttpsError } from "firebase-functions/https";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../dev/local-tebra/server.ts";
import type { NewAuditEvent } from "../../../src/audit/event.ts";
import { FirestoreAuditRecorder } from "../../../src/audit/recorder.ts";
import type { CallableName } from "../../../src/contract/index.ts";
import { runOperation, type OperationDeps } from "../../../src/http/callable.ts";
import type { Role } from "../../../src/identity/caller.ts";
import { authorizePatientAccess } from "../../../src/identity/patientAccess.ts";
import type { PhiDeps } from "../../../src/phi/deps.ts";
import { phiOperations, type PhiOperations } from "../../../src/phi/operations.ts";
import { clinicToday } from "../../../src/tebra/dates.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import {
  factsFor,
  PRACTICE_ID,
  TIME_ZONE,
  testOperationDeps,
  testPhiDeps,
  type CallerOptions,
} from "../../support/phi.ts";
import { testClient } from "../../support/tebra.ts";

let tebra: LocalTebra;
let operations: PhiOperations;
let deps: OperationDeps;
let phi: PhiDeps;
let sequence = 0;
const TODAY = clinicToday(TIME_ZONE);

beforeAll(async () => {
  tebra = await startLocalTebra({ port: 0, rateScale: 0 });
  // One set of dependencies for the file, so the reference cache lives across calls.
  phi = testPhiDeps(testClient(tebra.url), adminDb());
  operations = phiOperations(() => phi);
});

afterAll(async () => {
  await tebra.close();
});

beforeEach(async () => {
  await clearFirestore();
  tebra.reset();
  deps = testOperationDeps({
    recorder: new FirestoreAuditRecorder(adminDb()),
    patientAccess: (caller, patientId) =>
      authorizePatientAccess(caller, patientId, {
        firestore: adminDb(),
        settings: {
          careRelationshipDays: 7,
          practiceTimeZone: TIME_ZONE,
          now: new Date(),
        },
      }),
  });
});

interface Outcome {
  reply?: Record<string, unknown>;
  error?: HttpsError;
  events: NewAuditEvent[];
}

/** Runs one call and answers its reply or error and the audit events it left. */
async function call(
  name: CallableName,
  role: Role,
  data: unknown,
  options: CallerOptions = {},
): Promise<Outcome> {
  const requestId = `int-${++sequence}`;
  const outcome: Outcome = { events: [] };
  try {
    outcome.reply = (await runOperation(
      operations[name],
      { facts: factsFor(role, options), data, requestId },
      deps,
    )) as Record<string, unknown>;
  } catch (error) {
    outcome.error = error as HttpsError;
  }
  const stored = await adminDb()
    .collection("auditEvents")
    .where("source.requestId", "==", requestId)
    .get();
  outcome.events = stored.docs.map((doc) => doc.data() as NewAuditEvent);
  return outcome;
}

/** Today's first appointment with a patient whose Tebra status is `status`. */
function appointmentWith(status: string) {
  const found = tebra.practice
    .generatedDay(TODAY)
    .find((a) => a.patientId !== null && a.status === status);
  if (!found) throw new Error(`no ${status} appointment today in the local Tebra`);
  return found;
}

async function syncVisit(appointment: { id: number; patientId: number | null }) {
  const day = adminDb().doc(`practices/${PRACTICE_ID}/schedules/${TODAY}`);
  await day.set({
    practiceId: PRACTICE_ID,
    date: TODAY,
    syncedAt: "2026-01-01T11:00:00Z",
  });
  await day
    .collection("visits")
    .doc(String(appointment.id))
    .set({
      practiceId: PRACTICE_ID,
      date: TODAY,
      appointmentId: String(appointment.id),
      patientId: String(appointment.patientId),
      patientName: "Synced, Name",
      patientDob: "1970-01-02",
      appointmentReason: "Synced reason",
      status: "scheduled",
      room: null,
      checkedInAt: null,
      roomedAt: null,
      readyForProviderAt: null,
      seenByProviderAt: null,
      checkedOutAt: null,
      flowUpdatedBy: null,
      flowUpdatedAt: null,
    });
  return day.collection("visits").doc(String(appointment.id));
}

describe("getSchedule", () => {
  it("answers the day's appointments from Tebra, projected for the role, one event naming them", async () => {
    const expected = tebra.schedule.onDate(TODAY).length;
    const staff = await call("getSchedule", "staff", { date: TODAY });
    const appointments = staff.reply!["appointments"] as Record<string, unknown>[];
    expect(appointments).toHaveLength(expected);
    expect(appointments[0]).not.toHaveProperty("notes");
    expect(appointments[0]).not.toHaveProperty("appointmentReason");
    expect(staff.events).toHaveLength(1);
    expect(staff.events[0]).toMatchObject({
      outcome: "success",
      action: "read",
      entity: { type: "schedule", id: TODAY },
    });
    const patients = new Set(appointments.map((a) => a["patientId"]).filter(Boolean));
    expect(new Set(staff.events[0]!.patientIds)).toEqual(patients);

    const provider = await call("getSchedule", "provider", { date: TODAY });
    const first = (provider.reply!["appointments"] as Record<string, unknown>[])[0]!;
    expect(first).toHaveProperty("appointmentReason");
    expect(provider.events[0]!.purposeOfUse).toBe("TREAT");
  });

  it("keeps one provider's appointments when asked, and lays a synced visit over Tebra", async () => {
    const appointment = appointmentWith("Scheduled");
    const visit = await syncVisit(appointment);
    await visit.update({ room: "Exam 4", status: "roomed" });
    const provider = String(appointment.providerId);

    const { reply } = await call("getSchedule", "staff", {
      date: TODAY,
      providerId: provider,
    });
    const rows = reply!["appointments"] as Record<string, unknown>[];
    expect(rows.every((row) => row["providerId"] === provider)).toBe(true);
    expect(reply!["syncedAt"]).toBe("2026-01-01T11:00:00Z");
    expect(
      rows.find((row) => row["appointmentId"] === String(appointment.id)),
    ).toMatchObject({ room: "Exam 4", patientDob: "1970-01-02" });
  });
});

describe("getAppointment", () => {
  it("answers the appointment with its patient as the board names them", async () => {
    const appointment = appointmentWith("Confirmed");
    const patient = tebra.practice.patient(appointment.patientId!)!;
    const { reply, events } = await call("getAppointment", "staff", {
      appointmentId: String(appointment.id),
    });
    expect(reply).toMatchObject({
      appointmentId: String(appointment.id),
      patientId: String(patient.id),
      patientName: `${patient.lastName}, ${patient.firstName}`,
      patientDob: patient.dateOfBirth,
      status: "confirmed",
    });
    expect(reply).not.toHaveProperty("notes");
    expect(events).toEqual([
      expect.objectContaining({
        outcome: "success",
        entity: expect.objectContaining({
          type: "appointment",
          id: String(appointment.id),
        }),
        patientIds: [String(patient.id)],
      }),
    ]);
  });

  it("answers not-found for an id Tebra does not know, recorded as failed", async () => {
    // Generated ids encode the day; the day holds far fewer than 9,999 appointments.
    const day = Math.floor(appointmentWith("Scheduled").id / 10_000);
    const { error, events } = await call("getAppointment", "staff", {
      appointmentId: String(day * 10_000 + 9_999),
    });
    expect(error?.code).toBe("not-found");
    expect(events).toEqual([expect.objectContaining({ outcome: "failed" })]);
  });
});

describe("moveAppointment", () => {
  it("reads before it writes, so Tebra keeps every other member of the appointment", async () => {
    const appointment = appointmentWith("Scheduled");
    tebra.calls.clear();
    const { reply, events } = await call("moveAppointment", "staff", {
      appointmentId: String(appointment.id),
      status: "checked-in",
    });
    expect(reply).toMatchObject({ status: "checked-in", tebraStatus: "CheckedIn" });
    expect(tebra.calls.list().map((c) => c.operation)).toEqual(
      expect.arrayContaining(["GetAppointment", "UpdateAppointment"]),
    );
    const stored = tebra.schedule.get(appointment.id)!;
    expect(stored.status).toBe("CheckedIn");
    expect({
      notes: stored.notes,
      reasonId: stored.reasonId,
      providerId: stored.providerId,
      patientCaseId: stored.patientCaseId,
      roomIds: stored.roomIds,
      start: stored.start.toMillis(),
    }).toEqual({
      notes: appointment.notes,
      reasonId: appointment.reasonId,
      providerId: appointment.providerId,
      patientCaseId: appointment.patientCaseId,
      roomIds: appointment.roomIds,
      start: appointment.start.toMillis(),
    });
    expect(events).toEqual([
      expect.objectContaining({
        action: "update",
        outcome: "success",
        patientIds: [String(appointment.patientId)],
      }),
    ]);
  });

  it("writes the move to a synced visit's flow fields only, stamped by the server", async () => {
    const appointment = appointmentWith("Scheduled");
    const visit = await syncVisit(appointment);
    const { reply } = await call("moveAppointment", "staff", {
      appointmentId: String(appointment.id),
      status: "checked-in",
    });
    const roomed = await call("moveAppointment", "provider", {
      appointmentId: String(appointment.id),
      status: "roomed",
      room: "Exam 3",
    });
    const stored = (await visit.get()).data()!;
    expect(stored).toMatchObject({
      status: "roomed",
      room: "Exam 3",
      flowUpdatedBy: "u-provider",
      patientName: "Synced, Name",
      appointmentReason: "Synced reason",
    });
    expect(stored["checkedInAt"]).toBeInstanceOf(Timestamp);
    expect(stored["roomedAt"]).toBeInstanceOf(Timestamp);
    expect(stored).not.toHaveProperty("tebraStatus");
    expect(reply!["checkedInAt"]).toEqual(expect.any(String));
    expect(roomed.reply).toMatchObject({ status: "roomed", room: "Exam 3" });
    expect(roomed.events[0]!.entity.fields).toEqual(
      expect.arrayContaining(["status", "room", "roomedAt"]),
    );
  });

  it("changes nothing in Tebra when the appointment already has the status", async () => {
    const appointment = appointmentWith("Confirmed");
    tebra.calls.clear();
    const { reply } = await call("moveAppointment", "staff", {
      appointmentId: String(appointment.id),
      status: "confirmed",
    });
    expect(reply).toMatchObject({ status: "confirmed" });
    expect(tebra.calls.count("UpdateAppointment")).toBe(0);
  });

  it("refuses a move the board does not allow, naming both statuses, writing nothing", async () => {
    const appointment = appointmentWith("CheckedOut");
    tebra.calls.clear();
    const { error, events } = await call("moveAppointment", "staff", {
      appointmentId: String(appointment.id),
      status: "roomed",
    });
    expect(error?.code).toBe("failed-precondition");
    expect(error?.message).toBe("status: cannot move from checked-out to roomed");
    expect(error?.details).toMatchObject({ reason: "transition-not-allowed" });
    expect(tebra.calls.count("UpdateAppointment")).toBe(0);
    expect(events).toEqual([
      expect.objectContaining({
        outcome: "failed",
        outcomeReason: "transition-not-allowed",
        patientIds: [String(appointment.patientId)],
      }),
    ]);
  });

  it("refuses a block of provider time, which has no patient", async () => {
    const block = tebra.practice.generatedDay(TODAY).find((a) => a.patientId === null)!;
    const { error } = await call("moveAppointment", "staff", {
      appointmentId: String(block.id),
      status: "confirmed",
    });
    expect(error?.code).toBe("failed-precondition");
    expect(error?.details).toMatchObject({ reason: "no-patient" });
  });

  it("leaves Firestore alone when the day is not synced", async () => {
    const appointment = appointmentWith("Scheduled");
    await call("moveAppointment", "staff", {
      appointmentId: String(appointment.id),
      status: "confirmed",
    });
    const visits = await adminDb().collectionGroup("visits").get();
    expect(visits.empty).toBe(true);
  });
});

describe("cancelAppointment", () => {
  it("cancels in Tebra, after which the appointment is closed to moves", async () => {
    const appointment = appointmentWith("Scheduled");
    const { reply, events } = await call("cancelAppointment", "staff", {
      appointmentId: String(appointment.id),
    });
    expect(reply).toMatchObject({ status: "cancelled", tebraStatus: "Cancelled" });
    expect(events[0]).toMatchObject({ source: { function: "cancelAppointment" } });
    const after = await call("moveAppointment", "staff", {
      appointmentId: String(appointment.id),
      status: "checked-in",
    });
    expect(after.error?.code).toBe("failed-precondition");
  });
});

describe("createAppointment", () => {
  it("books in Tebra and records the new id and the names of the fields written", async () => {
    const start = `${TODAY}T23:00:00Z`;
    const { reply, events } = await call("createAppointment", "provider", {
      patientId: "10001",
      providerId: "101",
      serviceLocationId: "201",
      startTime: start,
      endTime: `${TODAY}T23:30:00Z`,
      reasonId: "402",
      notes: "Booked by the integration test",
    });
    const id = reply!["appointmentId"] as string;
    expect(reply).toMatchObject({
      patientId: "10001",
      status: "scheduled",
      notes: "Booked by the integration test",
      providerLabel: expect.any(String),
    });
    expect(tebra.schedule.get(Number(id))?.notes).toBe("Booked by the integration test");
    expect(events[0]).toMatchObject({
      action: "create",
      entity: { id, type: "appointment" },
      patientIds: ["10001"],
    });
    expect(events[0]!.entity.fields).toContain("notes");
    expect(JSON.stringify(events)).not.toContain("Booked by");
  });

  it("passes Tebra's refusal on as invalid-argument without its text", async () => {
    const { error } = await call("createAppointment", "staff", {
      patientId: "10001",
      providerId: "101",
      serviceLocationId: "999",
      startTime: `${TODAY}T23:00:00Z`,
      endTime: `${TODAY}T23:30:00Z`,
    });
    expect(error).toBeInstanceOf(HttpsError);
    expect(error?.code).not.toBe("internal");
  });
});

describe("searchPatients", () => {
  it("finds a patient by last name and date of birth, names and ids only", async () => {
    const patient = tebra.practice.patient(10007)!;
    const { reply, events } = await call("searchPatients", "staff", {
      lastName: patient.lastName,
      dateOfBirth: patient.dateOfBirth,
    });
    const found = reply!["patients"] as Record<string, unknown>[];
    expect(found).toContainEqual(
      expect.objectContaining({ patientId: "10007", lastName: patient.lastName }),
    );
    expect(Object.keys(found[0]!).sort()).toEqual(
      ["dateOfBirth", "firstName", "lastName", "middleName", "patientId"].sort(),
    );
    expect(reply!["truncated"]).toBe(false);
    expect(events[0]!.patientIds).toContain("10007");
  });
});

describe("getPatient", () => {
  it("refuses a patient without a care relationship, before Tebra is asked", async () => {
    tebra.calls.clear();
    const { error, events } = await call("getPatient", "staff", { patientId: "10011" });
    expect(error?.code).toBe("permission-denied");
    expect(error?.details).toMatchObject({ reason: "no-care-relationship" });
    expect(tebra.calls.count("GetPatient")).toBe(0);
    expect(events).toEqual([
      expect.objectContaining({ outcome: "denied", patientIds: ["10011"] }),
    ]);
  });

  it("opens a patient with a visit this week, the front desk without clinical fields", async () => {
    const appointment = appointmentWith("Scheduled");
    await syncVisit(appointment);
    const patientId = String(appointment.patientId);
    const staff = await call("getPatient", "staff", { patientId });
    expect(staff.reply).toMatchObject({ patientId });
    expect(staff.reply).toHaveProperty("mobilePhone");
    expect(staff.reply).not.toHaveProperty("gender");
    const provider = await call("getPatient", "provider", { patientId });
    expect(provider.reply).toHaveProperty("gender");
  });

  it("opens a patient under a provider's break-glass grant, marked in the trail", async () => {
    await adminDb()
      .collection("breakGlass")
      .doc("grant-1")
      .set({
        uid: "u-provider",
        patientId: "10012",
        openedAt: Timestamp.fromMillis(Date.now() - 60_000),
        expiresAt: Timestamp.fromMillis(Date.now() + 600_000),
      });
    const { reply, events } = await call("getPatient", "provider", {
      patientId: "10012",
    });
    expect(reply).toMatchObject({ patientId: "10012" });
    expect(events[0]).toMatchObject({
      agent: expect.objectContaining({ breakGlass: true }),
      purposeOfUse: "ETREAT",
      severity: "high",
    });
  });
});

describe("the reference data", () => {
  it("reads providers from Tebra once for many calls, and practice details", async () => {
    phi.reference.clear();
    tebra.calls.clear();
    const first = await call("getProviders", "staff", {});
    await call("getProviders", "admin", null);
    expect(tebra.calls.count("GetProviders")).toBe(1);
    expect((first.reply!["providers"] as unknown[]).length).toBe(6);
    const practice = await call("getPractice", "provider", undefined);
    expect(practice.reply).toEqual({
      practiceId: "1",
      practiceName: "Lakeside Family Medicine (synthetic)",
      timeZone: TIME_ZONE,
      active: true,
    });
    const locations = await call("getServiceLocations", "staff", {});
    expect(locations.reply!["serviceLocations"]).toHaveLength(2);
  });

  it("refuses a caller of another practice before Tebra is asked", async () => {
    deps.lookups = {
      profile: () => Promise.resolve({ active: true, role: "staff", practiceId: "2" }),
      lockdownActive: () => Promise.resolve(false),
    };
    tebra.calls.clear();
    const { error } = await call("getServiceLocations", "staff", {}, { practiceId: "2" });
    expect(error?.code).toBe("permission-denied");
    expect(error?.details).toEqual({ reason: "other-practice" });
    expect(tebra.calls.count()).toBe(0);
  });
});

describe("Tebra failures", () => {
  it("answer the client's code and fixed message, and are recorded as failed", async () => {
    tebra.faults.inject({ operation: "GetAppointments", kind: "soap-fault" });
    try {
      const { error, events } = await call("getSchedule", "staff", { date: TODAY });
      expect(error?.code).toBe("unavailable");
      expect(error?.message).toBe("Tebra is unavailable; try again later");
      expect(events).toEqual([expect.objectContaining({ outcome: "failed" })]);
    } finally {
      tebra.faults.clear();
    }
  });
});
