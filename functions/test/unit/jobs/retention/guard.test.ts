import { describe, expect, it } from "vitest";
import {
  PROTECTED_COLLECTIONS,
  ProtectedCollectionError,
} from "../../../../src/audit/retention.ts";
import {
  NEVER_PURGED,
  assertRetentionMayDelete,
  neverPurgedCollectionOf,
} from "../../../../src/jobs/retention/guard.ts";

describe("the retention guard", () => {
  it("covers every collection the audit trail protects, and the break-glass grants", () => {
    for (const collection of PROTECTED_COLLECTIONS)
      expect(NEVER_PURGED).toContain(collection);
    expect(NEVER_PURGED).toEqual(
      expect.arrayContaining([
        "auditEvents",
        "auditSeals",
        "auditState",
        "complianceReports",
        "securityAlerts",
        "breakGlass",
      ]),
    );
  });

  it.each([
    ["auditEvents/e1", "auditEvents"],
    ["auditState/anomalyScan", "auditState"],
    ["/securityAlerts/a1/", "securityAlerts"],
    ["breakGlass/g1", "breakGlass"],
    ["auditSeals", "auditSeals"],
  ])("refuses %s, naming %s", (path, collection) => {
    expect(neverPurgedCollectionOf(path)).toBe(collection);
    expect(() => assertRetentionMayDelete(path)).toThrow(ProtectedCollectionError);
  });

  it("allows the operational data retention is for", () => {
    for (const path of [
      "practices/1/schedules/2026-01-01",
      "practices/1/schedules/2026-01-01/visits/appt-1",
      "rateLimits/getSchedule%3Au1",
      "tebraThrottle/GetAppointments",
      "anomalyBaselines/staff-1",
    ]) {
      expect(() => assertRetentionMayDelete(path)).not.toThrow();
    }
  });

  it("judges collection segments only, not document ids that share a name", () => {
    expect(
      neverPurgedCollectionOf("practices/auditEvents/schedules/2026-01-01"),
    ).toBeNull();
  });
});
