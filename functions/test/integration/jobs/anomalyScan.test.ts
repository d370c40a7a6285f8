import functionsTest from "firebase-functions-test";
import { Timestamp } from "firebase-admin/firestore";
import { DateTime } from "luxon";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { anomalyScan } from "../../../src/jobs/anomaly/function.ts";
import { ANOMALY_RULES } from "../../../src/jobs/anomaly/rules.ts";
import { SCAN_STATE_PATH, runAnomalyScan } from "../../../src/jobs/anomaly/scan.ts";
import { DEFAULT_ANOMALY_SETTINGS } from "../../../src/jobs/anomaly/settings.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import {
  INACTIVE_UID,
  PRACTICE_ZONE,
  incident,
  normalWeek,
  seedEvents,
  type SeededEvent,
} from "../../support/anomalyWeek.ts";
import { useDemoParams } from "../../support/demoParams.ts";
import { invokeScheduled } from "../../support/scheduled.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
afterAll(() => fft.cleanup());
beforeAll(() => useDemoParams());
beforeEach(() => clearFirestore());

// The week lies ahead of the real clock, so that a profile switched off now was already
// off when the seeded events happen; the scan is told that the week is over.
const WEEK_START = DateTime.now()
  .setZone(PRACTICE_ZONE)
  .startOf("week")
  .plus({ weeks: 2 });
const AFTER_WEEK = WEEK_START.plus({ days: 9 }).toMillis();

function scan(options: { pageSize?: number; now?: number } = {}) {
  return runAnomalyScan({
    db: adminDb(),
    settings: DEFAULT_ANOMALY_SETTINGS,
    now: () => options.now ?? AFTER_WEEK,
    pageSize: options.pageSize ?? 500,
  });
}

interface StoredAlert {
  id: string;
  rule: string;
  count: number;
  eventIds: string[];
  window: { from: Timestamp; to: Timestamp };
  createdAt: Timestamp;
  acknowledgedBy: string | null;
}

async function alerts() {
  const snapshot = await adminDb().collection("securityAlerts").orderBy("rule").get();
  return snapshot.docs.map((doc) => ({ id: doc.id, ...doc.data() }) as StoredAlert);
}

async function markInactive(uid: string) {
  await adminDb().doc(`users/${uid}`).set({ role: "staff", active: false });
}

function everyIncident(): SeededEvent[] {
  return ANOMALY_RULES.flatMap((rule) => incident(rule, WEEK_START));
}

// Each test seeds a clinic week (about 2,000 events); on a busy machine that takes a while.
describe("runAnomalyScan on the Firestore emulator", { timeout: 120_000 }, () => {
  it("raises nothing over a normal week and leaves its cursor on the last event", async () => {
    const week = normalWeek({ weekStart: WEEK_START });
    await seedEvents(adminDb(), week);

    const result = await scan();

    expect(result).toMatchObject({
      status: "completed",
      eventsScanned: week.length,
      alertsRaised: 0,
      caughtUp: true,
    });
    expect(await alerts()).toEqual([]);
    const state = await adminDb().doc(SCAN_STATE_PATH).get();
    expect(state.get("through.id")).toBe(week[week.length - 1]!.id);
    expect(state.get("lease")).toBeNull();
  });

  it("raises one alert per seeded incident, in the documented shape", async () => {
    await markInactive(INACTIVE_UID);
    await seedEvents(adminDb(), [
      ...normalWeek({ weekStart: WEEK_START }),
      ...everyIncident(),
    ]);

    const result = await scan();
    const stored = await alerts();

    expect(result.alertsRaised).toBe(ANOMALY_RULES.length);
    expect(stored.map((a) => a.rule).sort()).toEqual([...ANOMALY_RULES].sort());
    for (const alert of stored) {
      expect(alert).toMatchObject({
        severity: expect.stringMatching(/^(medium|high)$/),
        subjectUid: expect.any(String),
        count: expect.any(Number),
        acknowledgedAt: null,
        acknowledgedBy: null,
        raisedBy: "anomalyScan",
      });
      expect(alert.createdAt).toBeInstanceOf(Timestamp);
      expect(alert.window.from).toBeInstanceOf(Timestamp);
      expect(alert.window.to.toMillis()).toBeGreaterThanOrEqual(
        alert.window.from.toMillis(),
      );
      expect(alert.eventIds.length).toBeGreaterThan(0);
      expect(alert.eventIds.length).toBeLessThanOrEqual(20);
      expect(alert.id.startsWith(`${alert.rule}-`)).toBe(true);
      expect(alert.id.slice(alert.rule.length + 1)).toMatch(/^[0-9a-f]{24}$/);
    }
  });

  it("finds the same alerts when the week arrives in two parts, run after run", async () => {
    await markInactive(INACTIVE_UID);
    const events = [...normalWeek({ weekStart: WEEK_START }), ...everyIncident()].sort(
      (a, b) => a.data.recorded.getTime() - b.data.recorded.getTime(),
    );
    const half = Math.floor(events.length / 2);
    const midpoint = events[half]!.data.recorded.getTime();

    await seedEvents(adminDb(), events.slice(0, half));
    await scan({ now: midpoint + 60_001 });
    await seedEvents(adminDb(), events.slice(half));
    await scan();
    const split = (await alerts()).map(({ id, count }) => ({ id, count }));

    await clearFirestore();
    await markInactive(INACTIVE_UID);
    await seedEvents(adminDb(), events);
    await scan();
    const whole = (await alerts()).map(({ id, count }) => ({ id, count }));

    expect(split).toEqual(whole);
    expect(whole).toHaveLength(ANOMALY_RULES.length);
  });

  it("counts nothing twice when a run is repeated from an older cursor", async () => {
    await markInactive(INACTIVE_UID);
    const events = [...normalWeek({ weekStart: WEEK_START }), ...everyIncident()];
    await seedEvents(adminDb(), events);
    await scan();
    const first = await alerts();

    // As if the last cursor write had been lost: the next run reads everything again.
    await adminDb().doc(SCAN_STATE_PATH).set({ through: null });
    const again = await scan();

    expect(again.eventsSkipped).toBe(
      events.filter((e) => e.data.agent.kind !== "system").length,
    );
    expect(again.alertsRaised).toBe(0);
    const second = await alerts();
    expect(second.map(({ id, count, eventIds }) => ({ id, count, eventIds }))).toEqual(
      first.map(({ id, count, eventIds }) => ({ id, count, eventIds })),
    );
  });

  it("raises nothing new when a run stopped after its alerts, before its states", async () => {
    await markInactive(INACTIVE_UID);
    await seedEvents(adminDb(), [
      ...normalWeek({ weekStart: WEEK_START }),
      ...everyIncident(),
    ]);
    await scan();
    const first = await alerts();

    // As if neither the users' states nor the cursor had been written.
    await adminDb().recursiveDelete(adminDb().collection("anomalyBaselines"));
    await adminDb().doc(SCAN_STATE_PATH).set({ through: null });
    const again = await scan();

    expect(again.eventsSkipped).toBe(0);
    expect(again.alertsRaised).toBe(0);
    expect((await alerts()).map(({ id, count }) => ({ id, count }))).toEqual(
      first.map(({ id, count }) => ({ id, count })),
    );
  });

  it("keeps an alert's acknowledgement when a later run widens it", async () => {
    const denials = incident("repeatedDenials", WEEK_START);
    await seedEvents(adminDb(), denials.slice(0, 5));
    await scan();
    const [alert] = await alerts();
    await adminDb()
      .doc(`securityAlerts/${alert!["id"]}`)
      .update({ acknowledgedAt: Timestamp.now(), acknowledgedBy: "admin-1" });

    await seedEvents(adminDb(), denials.slice(5));
    await scan();

    const [widened] = await alerts();
    expect(widened).toMatchObject({
      id: alert!["id"],
      count: 6,
      acknowledgedBy: "admin-1",
    });
  });

  it("reads each event once across pages, even events committed in the same instant", async () => {
    const at = Timestamp.fromMillis(WEEK_START.plus({ days: 1, hours: 10 }).toMillis());
    const sameInstant = Array.from({ length: 7 }, (_, i) => i);
    const batch = adminDb().batch();
    for (const i of sameInstant) {
      batch.set(adminDb().doc(`auditEvents/same-${i}`), {
        agent: { uid: "staff-1", role: "staff", kind: "user", breakGlass: false },
        outcome: "denied",
        entity: { type: "patient", id: `p${i}` },
        patientIds: [],
        // Microseconds apart for the first three; the same instant for the rest.
        recorded: i < 3 ? new Timestamp(at.seconds, at.nanoseconds + i * 1000) : at,
      });
    }
    await batch.commit();

    const result = await scan({ pageSize: 2 });

    expect(result.eventsScanned).toBe(7);
    const [alert] = await alerts();
    expect(alert).toMatchObject({ rule: "repeatedDenials", count: 7 });
  });

  it("does not hold activity against a user whose profile changed after it", async () => {
    // Events from last week; the profile is switched off now, after them.
    const lastWeek = DateTime.now()
      .setZone(PRACTICE_ZONE)
      .startOf("week")
      .minus({ weeks: 1 });
    await seedEvents(adminDb(), incident("inactiveUserActivity", lastWeek));
    await markInactive(INACTIVE_UID);

    await scan({ now: Date.now() });

    expect(await alerts()).toEqual([]);
  });

  it("answers busy and reads nothing while another run holds the lease", async () => {
    await seedEvents(adminDb(), incident("bulkRead", WEEK_START));
    await adminDb()
      .doc(SCAN_STATE_PATH)
      .set({
        lease: { runId: "other", until: Timestamp.fromMillis(AFTER_WEEK + 60_000) },
      });

    const result = await scan();

    expect(result).toMatchObject({ status: "busy", eventsScanned: 0 });
    expect(await alerts()).toEqual([]);
  });
});

describe("anomalyScan (scheduled function, wrapped, on the emulator)", () => {
  it("scans the trail when invoked and raises the alert of a break-glass access", async () => {
    // Recorded a few minutes ago: inside the scan's window, whatever today is.
    const recent = DateTime.now().minus({ minutes: 5 }).setZone(PRACTICE_ZONE);
    await seedEvents(
      adminDb(),
      incident("breakGlassUse").map((e) => ({
        ...e,
        data: { ...e.data, recorded: recent.toJSDate() },
      })),
    );

    await invokeScheduled(fft, anomalyScan);

    const stored = await alerts();
    expect(stored.map((a) => a.rule)).toContain("breakGlassUse");
    const state = await adminDb().doc(SCAN_STATE_PATH).get();
    expect(state.get("through.id")).toMatch(/^inc-breakGlassUse-/);
  });
});
