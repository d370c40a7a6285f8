import functionsTest from "firebase-functions-test";
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FirestoreAuditRecorder } from "../../../src/audit/recorder.ts";
import { ProtectedCollectionError } from "../../../src/audit/retention.ts";
import { NEVER_PURGED } from "../../../src/jobs/retention/guard.ts";
import { purgeExpiredData } from "../../../src/jobs/retention/function.ts";
import {
  CountingWriter,
  purgeByTimestamp,
  purgeIdle,
  runRetention,
} from "../../../src/jobs/retention/purge.ts";
import type { RetentionSettings } from "../../../src/jobs/retention/settings.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { useDemoParams } from "../../support/demoParams.ts";
import { invokeScheduled } from "../../support/scheduled.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
afterAll(() => fft.cleanup());
beforeAll(() => useDemoParams());
beforeEach(() => clearFirestore());

const DAY = 24 * 60 * 60 * 1000;
// 2026-12-03, 09:00 in Chicago: thirty days back is 2026-11-03.
const NOW = new Date("2026-12-03T15:00:00Z");
const SETTINGS: RetentionSettings = {
  scheduleDays: 30,
  rateLimitDays: 1,
  throttleDays: 7,
  anomalyBaselineDays: 90,
  practiceTimeZone: "America/Chicago",
};

async function seedDay(db: Firestore, practice: string, date: string, visits: number) {
  const day = db.doc(`practices/${practice}/schedules/${date}`);
  await day.set({ date, visitCount: visits });
  for (let i = 0; i < visits; i++) {
    await day.collection("visits").doc(`appt-${date}-${i}`).set({ status: "scheduled" });
  }
}

/** One document in every collection retention must never touch, old enough to tempt it. */
async function seedKeptData(db: Firestore): Promise<string[]> {
  const old = Timestamp.fromMillis(NOW.getTime() - 4000 * DAY);
  const paths = NEVER_PURGED.map((collection) => `${collection}/kept-1`);
  for (const path of paths) {
    await db.doc(path).set({ recorded: old, expiresAt: old, createdAt: old });
  }
  return paths;
}

function run(now = NOW, runId = "run-1") {
  return runRetention({
    db: adminDb(),
    recorder: new FirestoreAuditRecorder(adminDb()),
    settings: SETTINGS,
    now,
    runId,
  });
}

async function exists(path: string) {
  return (await adminDb().doc(path).get()).exists;
}

async function visitCount(date: string, practice = "1") {
  const visits = await adminDb()
    .collection(`practices/${practice}/schedules/${date}/visits`)
    .get();
  return visits.size;
}

describe("runRetention on the Firestore emulator", () => {
  it("removes schedules older than the retention age together with their visits", async () => {
    const db = adminDb();
    await seedDay(db, "1", "2026-10-01", 3);
    await seedDay(db, "1", "2026-11-02", 2);
    await seedDay(db, "1", "2026-11-03", 2);
    await seedDay(db, "1", "2026-12-03", 4);
    await seedDay(db, "2", "2026-10-05", 1);

    const [schedules] = await run();

    expect(schedules).toMatchObject({
      target: "schedules",
      cutoff: "2026-11-03",
      outcome: "success",
      documents: 4 + 3 + 2, // each day document and its visits
    });
    expect(await exists("practices/1/schedules/2026-10-01")).toBe(false);
    expect(await visitCount("2026-10-01")).toBe(0);
    expect(await visitCount("2026-11-02")).toBe(0);
    expect(await visitCount("2026-10-05", "2")).toBe(0);
    expect(await exists("practices/1/schedules/2026-11-03")).toBe(true);
    expect(await visitCount("2026-11-03")).toBe(2);
    expect(await visitCount("2026-12-03")).toBe(4);
  });

  it("removes visits an older purge left behind under a day with no document", async () => {
    const orphan = adminDb().collection("practices/1/schedules/2026-09-15/visits");
    await orphan.doc("appt-a").set({ status: "checked-out" });
    await orphan.doc("appt-b").set({ status: "no-show" });

    await run();

    expect((await orphan.get()).size).toBe(0);
  });

  it("removes expired rate-limit windows and idle throttle and baseline state", async () => {
    const db = adminDb();
    // Throttle and baseline state written just now: a week and a day later the throttle
    // state is idle, the baseline not yet.
    const later = new Date(Date.now() + 8 * DAY);
    const at = (ms: number) => ({
      expiresAt: Timestamp.fromMillis(later.getTime() + ms),
    });
    await db.doc("rateLimits/old").set(at(-2 * DAY));
    await db.doc("rateLimits/recent").set(at(-DAY / 2));
    await db.doc("rateLimits/live").set(at(60_000));
    await db.doc("tebraThrottle/GetAppointments").set({ nextSlotAt: 1 });
    await db.doc("anomalyBaselines/staff-1").set({ through: null });

    const results = await run(later);

    expect(await exists("rateLimits/old")).toBe(false);
    expect(await exists("rateLimits/recent")).toBe(true);
    expect(await exists("rateLimits/live")).toBe(true);
    expect(await exists("tebraThrottle/GetAppointments")).toBe(false);
    expect(await exists("anomalyBaselines/staff-1")).toBe(true);
    expect(results.map((r) => [r.target, r.documents])).toEqual([
      ["schedules", 0],
      ["rateLimits", 1],
      ["tebraThrottle", 1],
      ["anomalyBaselines", 0],
    ]);
  });

  it("leaves every audit and evidence collection alone, however old", async () => {
    const kept = await seedKeptData(adminDb());

    await run(new Date(Date.now() + 5000 * DAY));

    for (const path of kept) expect(await exists(path), path).toBe(true);
  });

  it("records one audit event per target and run, with counts and no patient ids", async () => {
    await seedDay(adminDb(), "1", "2026-10-01", 3);

    await run(NOW, "2026-12-03T09:30:00.000Z");
    await run(NOW, "2026-12-03T09:30:00.000Z"); // a retry of the same tick

    const events = await adminDb()
      .collection("auditEvents")
      .where("source.function", "==", "purgeExpiredData")
      .get();
    expect(events.size).toBe(4);
    const schedules = events.docs.find((d) => d.get("entity.type") === "schedule")!;
    expect(schedules.data()).toMatchObject({
      action: "delete",
      outcome: "success",
      outcomeReason: "deleted=4",
      agent: { uid: null, kind: "system" },
      entity: { type: "schedule", id: "schedules:before=2026-11-03" },
      patientIds: [],
      purposeOfUse: "HSYSADMIN",
    });
  });
});

describe("the retention guard on the emulator", () => {
  it.each(NEVER_PURGED)(
    "refuses to purge %s, and deletes nothing there",
    async (collection) => {
      const db = adminDb();
      await db.doc(`${collection}/kept-1`).set({ expiresAt: Timestamp.fromMillis(0) });
      const counter = new CountingWriter(db);
      const future = Timestamp.fromMillis(Date.now() + 1000 * DAY);

      await expect(purgeIdle(db, collection, future, counter)).rejects.toThrow(
        ProtectedCollectionError,
      );
      await expect(
        purgeByTimestamp(db, collection, "expiresAt", future, counter),
      ).rejects.toThrow(ProtectedCollectionError);
      expect(() => counter.delete(db.doc(`${collection}/kept-1`))).toThrow(
        ProtectedCollectionError,
      );
      await counter.writer.close();
      expect(await exists(`${collection}/kept-1`)).toBe(true);
    },
  );
});

describe("purgeExpiredData (scheduled function, wrapped, on the emulator)", () => {
  it("purges when invoked and records its purges", async () => {
    await seedDay(adminDb(), "1", "2000-01-03", 2);

    await invokeScheduled(fft, purgeExpiredData);

    expect(await visitCount("2000-01-03")).toBe(0);
    const events = await adminDb()
      .collection("auditEvents")
      .where("source.function", "==", "purgeExpiredData")
      .get();
    expect(events.size).toBe(4);
  });
});
