import { describe, expect, it } from "vitest";
import {
  AUDIT_RETENTION_MIN_YEARS,
  PROTECTED_COLLECTIONS,
  ProtectedCollectionError,
  assertMayPurge,
  mayPurge,
} from "../../../src/audit/retention.ts";

describe("the retention guard", () => {
  it("protects the audit events, seals, chain state, reports and alerts", () => {
    expect([...PROTECTED_COLLECTIONS].sort()).toEqual([
      "auditEvents",
      "auditSeals",
      "auditState",
      "complianceReports",
      "securityAlerts",
    ]);
    expect(AUDIT_RETENTION_MIN_YEARS).toBeGreaterThanOrEqual(6);
  });

  it("refuses any path in a protected collection, however it is written", () => {
    for (const path of [
      "auditEvents",
      "auditEvents/evt-1",
      "/auditSeals/00-0000000001",
      "complianceReports/daily-2026-03-08/",
      "securityAlerts/a-1",
    ]) {
      expect(mayPurge(path)).toBe(false);
      expect(() => assertMayPurge(path)).toThrow(ProtectedCollectionError);
    }
  });

  it("refuses a protected collection nested under another document", () => {
    expect(mayPurge("practices/1/auditEvents/x")).toBe(false);
  });

  it("allows the operational data retention exists for", () => {
    expect(mayPurge("practices/1/schedules/2019-01-02")).toBe(true);
    expect(mayPurge("practices/1/schedules/2019-01-02/visits/appt-1")).toBe(true);
    // A document merely named like a collection is not one.
    expect(mayPurge("practices/auditEvents")).toBe(true);
    expect(() => assertMayPurge("rateLimits/u1")).not.toThrow();
  });

  it("cannot be loosened at run time", () => {
    expect(() => (PROTECTED_COLLECTIONS as string[]).pop()).toThrow(TypeError);
  });
});
