import { FieldValue, Timestamp } from "firebase-admin/firestore";
import { DateTime } from "luxon";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../../dev/local-tebra/server.ts";
import { isEnvelope } from "../../../../src/crypto/fieldCipher.ts";
import {
  dayRef,
  patientCacheRef,
  syncStateRef,
  visitRef,
} from "../../../../src/jobs/sync/paths.ts";
import { syncDay } from "../../../../src/jobs/sync/run.ts";
import { acquireLease } from "../../../../src/jobs/sync/state.ts";
import { adminDb, clearFirestore } from "../../../support/admin.ts";
import { captureLogs } from "../../../support/tebra.ts";
import {
  DAY,
  SETTINGS,
  changeInTebra,
  failingAfter,
  harness,
  keyStore,
  patientAppointments,
  request,
  updateTimes,
  visitsOf,
  type Harness,
} from "./support.ts";

let tebra: LocalTebra;
let h: Harness;
const logs = captureLogs();

afterAll(() => logs.restore());
beforeAll(async () => {
  tebra = await startLocalTebra({
    port: 0,
    rateScale: 0,
    appointmentsPerDay: 12,
    seed: 7,
  });
  h = harness(tebra, await keyStore());
});
afterAll(() => tebra.close());
beforeEach(async () => {
  await clearFirestore();
  tebra.reset();
});

describe("the schedule sync on a first run of the day", () => {
  it("writes one visit per patient appointment under the clinic date, and the day", async () => {
    const expected = patientAppointments(tebra);
    const result = await syncDay(h.deps(), request());

    expect(result).toMatchObject({
      status: "completed",
      mode: "full",
      created: expected.length,
      updated: 0,
      skipped: 1,
      appointmentCount: expected.length,
    });
    const visits = await visitsOf();
    expect([...visits.keys()].sort()).toEqual(expected.map((a) => String(a.id)).sort());

    const first = expected[0]!;
    const patient = tebra.practice.patient(first.patientId!)!;
    expect(visits.get(String(first.id))).toMatchObject({
      practiceId: "1",
      date: DAY,
      appointmentId: String(first.id),
      patientId: String(patient.id),
      patientName: `${patient.lastName}, ${patient.firstName}`,
      patientDob: patient.dateOfBirth,
      startTime: first.start.toUTC().toISO({ suppressMilliseconds: true }),
      providerId: String(first.providerId),
      room: null,
      flowUpdatedAt: null,
    });
    expect(visits.get(String(first.id))!["providerLabel"]).toMatch(/\S/);

    const day = (await dayRef(adminDb(), "1", DAY).get()).data();
    expect(day).toMatchObject({
      practiceId: "1",
      date: DAY,
      appointmentCount: expected.length,
      syncedAt: result.syncedAt,
      lastSync: { mode: "full", complete: true, trigger: "schedule" },
    });
  });

  it("maps Tebra's statuses onto the flow", async () => {
    const [a, b] = patientAppointments(tebra);
    changeInTebra(tebra, a!.id, { status: "CheckedIn" });
    changeInTebra(tebra, b!.id, { status: "Cancelled" });
    await syncDay(h.deps(), request());

    const visits = await visitsOf();
    expect(visits.get(String(a!.id))).toMatchObject({
      status: "checked-in",
      tebraStatus: "Check-in",
    });
    expect(visits.get(String(a!.id))!["checkedInAt"]).toBeInstanceOf(Timestamp);
    expect(visits.get(String(b!.id))).toMatchObject({ status: "cancelled" });
  });

  it("keeps patient details in the cache encrypted, bound to their document", async () => {
    const [first] = patientAppointments(tebra);
    await syncDay(h.deps(), request());
    const patient = tebra.practice.patient(first!.patientId!)!;
    const entry = await patientCacheRef(adminDb(), "1", String(patient.id)).get();

    expect(isEnvelope(entry.get("name"))).toBe(true);
    expect(isEnvelope(entry.get("dob"))).toBe(true);
    expect(JSON.stringify(entry.data())).not.toContain(patient.lastName);
    expect(JSON.stringify(entry.data())).not.toContain(patient.dateOfBirth);
  });
});

describe("the schedule sync run again", () => {
  it("writes nothing and makes at most two Tebra calls when nothing changed", async () => {
    await syncDay(h.deps(), request());
    const before = await updateTimes();
    const callsBefore = tebra.calls.count();

    const again = await syncDay(h.deps(), request());

    expect(again).toMatchObject({ status: "completed", mode: "incremental", created: 0 });
    expect(again.updated).toBe(0);
    expect(tebra.calls.count() - callsBefore).toBeLessThanOrEqual(2);
    expect(again.tebraCalls).toBeLessThanOrEqual(2);
    expect(await updateTimes()).toEqual(before);
  });

  it("asks Tebra only for what changed since its cursor, and applies it", async () => {
    await syncDay(h.deps(), request());
    const [, second] = patientAppointments(tebra);
    changeInTebra(tebra, second!.id, { status: "Confirmed", notes: "moved" });

    const again = await syncDay(h.deps(), request());

    expect(again).toMatchObject({ mode: "incremental", updated: 1, created: 0 });
    expect((await visitsOf()).get(String(second!.id))).toMatchObject({
      status: "confirmed",
      tebraStatus: "Confirmed",
    });
    const listing = tebra.calls.list().filter((c) => c.operation === "GetAppointments");
    expect(listing.at(-1)?.outcome).toBe("ok");
  });

  it("reuses cached patients instead of asking Tebra again", async () => {
    const first = await syncDay(h.deps(), request());
    const getPatient = tebra.calls.count("GetPatient");
    expect(first.patientsFetched).toBe(getPatient);

    const full = await syncDay(h.deps(), request({ full: true }));

    expect(full).toMatchObject({
      mode: "full",
      patientsFetched: 0,
      created: 0,
      updated: 0,
    });
    expect(full.patientsFromCache).toBe(patientAppointments(tebra).length);
    expect(tebra.calls.count("GetPatient")).toBe(getPatient);
  });

  it("replaces a cached patient Tebra changed, found with one GetPatients", async () => {
    await syncDay(h.deps(), request());
    const [first] = patientAppointments(tebra);
    const patient = tebra.practice.patient(first!.patientId!)!;
    tebra.updatePatient(patient.id, { lastName: "Renamed" });
    const getPatient = tebra.calls.count("GetPatient");

    const again = await syncDay(h.deps(), request());

    expect(again).toMatchObject({ patientsRefreshed: 1, updated: 1, tebraCalls: 2 });
    expect(tebra.calls.count("GetPatient")).toBe(getPatient);
    expect((await visitsOf()).get(String(first!.id))).toMatchObject({
      patientName: `Renamed, ${patient.firstName}`,
    });
  });
});

describe("the flow fields staff set", () => {
  async function moveLocally(appointmentId: number, flow: Record<string, unknown>) {
    await visitRef(adminDb(), "1", DAY, String(appointmentId)).update({
      ...flow,
      flowUpdatedBy: "staff-uid-1",
      flowUpdatedAt: FieldValue.serverTimestamp(),
    });
  }

  it("survive an older status change in Tebra", async () => {
    await syncDay(h.deps(), request());
    const [first] = patientAppointments(tebra);
    await moveLocally(first!.id, {
      status: "roomed",
      room: "Exam 3",
      roomedAt: FieldValue.serverTimestamp(),
    });
    // Tebra's check-in was recorded a minute before the front desk roomed the patient.
    changeInTebra(
      tebra,
      first!.id,
      { status: "CheckedIn" },
      DateTime.now().minus({ minutes: 1 }),
    );

    const again = await syncDay(h.deps(), request());

    expect(again.keptLocalStatus).toBe(1);
    expect((await visitsOf()).get(String(first!.id))).toMatchObject({
      status: "roomed",
      room: "Exam 3",
      flowUpdatedBy: "staff-uid-1",
      tebraStatus: "Check-in",
    });
  });

  it("give way to a newer change in Tebra, which keeps the room and who moved it", async () => {
    await syncDay(h.deps(), request());
    const [first] = patientAppointments(tebra);
    await moveLocally(first!.id, { status: "checked-in", room: "Exam 1" });
    changeInTebra(
      tebra,
      first!.id,
      { status: "Cancelled" },
      DateTime.now().plus({ seconds: 2 }),
    );

    await syncDay(h.deps(), request({ full: true }));

    expect((await visitsOf()).get(String(first!.id))).toMatchObject({
      status: "cancelled",
      room: "Exam 1",
      flowUpdatedBy: "staff-uid-1",
    });
  });
});

describe("appointments that leave the day in Tebra", () => {
  it("take their visit with them, unless staff have worked on it", async () => {
    await syncDay(h.deps(), request());
    const [moved, movedButSeen] = patientAppointments(tebra);
    await visitRef(adminDb(), "1", DAY, String(movedButSeen!.id)).update({
      status: "checked-in",
      flowUpdatedBy: "staff-uid-1",
      flowUpdatedAt: FieldValue.serverTimestamp(),
    });
    for (const a of [moved!, movedButSeen!]) {
      changeInTebra(tebra, a.id, {
        start: a.start.plus({ days: 1 }),
        end: a.end.plus({ days: 1 }),
      });
    }

    const result = await syncDay(h.deps(), request({ full: true }));

    expect(result).toMatchObject({ removed: 1, kept: 1 });
    const visits = await visitsOf();
    expect(visits.has(String(moved!.id))).toBe(false);
    expect(visits.get(String(movedButSeen!.id))).toMatchObject({
      status: "checked-in",
      tebraRemovedAt: result.syncedAt,
    });
    expect(result.appointmentCount).toBe(visits.size);
  });
});

describe("appointments deleted in Tebra", () => {
  it("leave the board at the next full listing", async () => {
    await syncDay(h.deps(), request());
    const [deleted] = patientAppointments(tebra);
    tebra.schedule.remove(deleted!.id);

    const incremental = await syncDay(h.deps(), request());
    expect(incremental.removed).toBe(0);
    const full = await syncDay(h.deps(), request({ full: true }));

    expect(full).toMatchObject({ mode: "full", removed: 1 });
    expect((await visitsOf()).has(String(deleted!.id))).toBe(false);
  });
});

describe("an interrupted sync", () => {
  it("keeps what it wrote, and the next run completes without duplicates", async () => {
    const settings = { ...SETTINGS, visitsPerTransaction: 4, patientConcurrency: 1 };
    const broken = h.deps({ settings });
    await expect(
      syncDay({ ...broken, source: failingAfter(broken.source, 6) }, request()),
    ).rejects.toThrow("interrupted");

    const partial = await updateTimes();
    expect(partial.size).toBe(4);
    const state = (await syncStateRef(adminDb(), "1", DAY).get()).data();
    expect(state?.["lease"]).toBeNull();
    expect(state?.["appointmentsCheckedAt"] ?? null).toBeNull();

    const resumed = await syncDay(h.deps({ settings }), request());

    const expected = patientAppointments(tebra).length;
    expect(resumed).toMatchObject({ status: "completed", created: expected - 4 });
    const after = await updateTimes();
    expect(after.size).toBe(expected);
    for (const [id, time] of partial) expect(after.get(id)).toBe(time);
  });

  it("that ran out of time stops fetching patients and says it is partial", async () => {
    const result = await syncDay(h.deps(), request({ deadline: Date.now() - 1 }));

    expect(result).toMatchObject({ status: "partial", created: 0 });
    const state = (await syncStateRef(adminDb(), "1", DAY).get()).data();
    expect(state?.["lastFullListingAt"] ?? null).toBeNull();
    expect((await dayRef(adminDb(), "1", DAY).get()).get("lastSync")).toMatchObject({
      complete: false,
    });
  });
});

describe("two runs of the same day", () => {
  it("never work at once: the second answers busy and calls nothing", async () => {
    const ref = syncStateRef(adminDb(), "1", DAY);
    await acquireLease(adminDb(), ref, "someone-else", Date.now(), 60_000);
    const calls = tebra.calls.count();

    const result = await syncDay(h.deps(), request());

    expect(result.status).toBe("busy");
    expect(tebra.calls.count()).toBe(calls);
  });
});
