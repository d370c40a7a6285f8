import { DateTime } from "luxon";
import { beforeEach, describe, expect, it } from "vitest";
import { dailyReview, previousClinicDay } from "../../../src/audit/review.ts";
import { sealAll } from "../../../src/audit/sealer.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { testTrail, type TestTrail } from "./trail.ts";

const ZONE = "America/Chicago";
const today = () => DateTime.now().setZone(ZONE).toISODate()!;

beforeEach(() => clearFirestore());

function reviewDeps(trail: TestTrail) {
  return { ...trail.deps, recorder: trail.recorder, timeZone: ZONE };
}

describe("dailyReview (on the emulator)", () => {
  it("verifies the day, stores its report once, and records that it ran", async () => {
    const trail = await testTrail();
    await trail.record(8);
    await sealAll(trail.deps);

    const first = await dailyReview(reviewDeps(trail), {
      date: today(),
      requestId: "run-1",
    });
    expect(first).toMatchObject({ reportId: `daily-${today()}`, stored: true });
    expect(first.report.verification).toMatchObject({ ok: true, checkedEvents: 8 });
    expect(first.report.totals.events).toBe(8);

    const stored = await adminDb().doc(`complianceReports/daily-${today()}`).get();
    expect(stored.data()).toMatchObject({
      kind: "daily",
      date: today(),
      timeZone: ZONE,
      verified: true,
      totalEvents: 8,
    });
    expect(stored.get("html")).toContain("The trail verified");

    const again = await dailyReview(reviewDeps(trail), {
      date: today(),
      requestId: "run-2",
    });
    expect(again.stored).toBe(false);
    const reports = await adminDb().collection("complianceReports").get();
    expect(reports.size).toBe(1);

    const runs = await adminDb()
      .collection("auditEvents")
      .where("source.function", "==", "auditDailyReview")
      .get();
    expect(runs.docs.map((d) => d.data()["entity"] as unknown)).toEqual([
      { type: "report", id: `daily-${today()}` },
      { type: "report", id: `daily-${today()}` },
    ]);
  });

  it("raises a security alert naming the events when the trail does not verify", async () => {
    const trail = await testTrail();
    const ids = await trail.record(4);
    await sealAll(trail.deps);
    await adminDb().doc(`auditEvents/${ids[1]}`).delete();

    const result = await dailyReview(reviewDeps(trail), {
      date: today(),
      requestId: "run-3",
    });
    expect(result.report.verification).toMatchObject({
      ok: false,
      byKind: { deleted: 1 },
    });
    const alerts = await adminDb()
      .collection("securityAlerts")
      .where("rule", "==", "audit-integrity")
      .get();
    expect(alerts.size).toBe(1);
    expect(alerts.docs[0]!.data()).toMatchObject({
      severity: "high",
      bucket: today(),
      eventIds: [ids[1]],
      raisedBy: "auditDailyReview",
    });
  });

  it("reviews the clinic day before the run, in the practice's zone", () => {
    // 03:30 in Chicago on 9 March is 08:30 UTC: the day under review is 8 March.
    expect(previousClinicDay(new Date("2026-03-09T08:30:00Z"), ZONE)).toBe("2026-03-08");
  });
});
