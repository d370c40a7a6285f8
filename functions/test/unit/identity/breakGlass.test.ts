import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import { associatedData, breakGlassAlertId } from "../../../src/identity/breakGlass.ts";
import { careWindow, grantInForce } from "../../../src/identity/patientAccess.ts";

const opened = new Date("2030-03-04T15:00:00.000Z");
const grant = {
  openedAt: Timestamp.fromDate(opened),
  expiresAt: Timestamp.fromMillis(opened.getTime() + 30 * 60_000),
};

describe("a break-glass grant", () => {
  it("is in force from its opening until it expires, and over from then on", () => {
    expect(grantInForce(grant, opened)).toBe(true);
    expect(grantInForce(grant, new Date(opened.getTime() + 29 * 60_000))).toBe(true);
    expect(grantInForce(grant, new Date(opened.getTime() + 30 * 60_000))).toBe(false);
    expect(grantInForce(grant, new Date(opened.getTime() + 24 * 3600_000))).toBe(false);
  });

  it("is not in force before it was opened, or when its times are missing", () => {
    expect(grantInForce(grant, new Date(opened.getTime() - 1))).toBe(false);
    expect(grantInForce({ openedAt: grant.openedAt }, opened)).toBe(false);
    expect(
      grantInForce({ openedAt: "2030-03-04", expiresAt: "2031-01-01" }, opened),
    ).toBe(false);
  });

  it("binds its encrypted reason to the document and the field", () => {
    expect(associatedData("breakGlass/g1", "reason")).toBe("breakGlass/g1#reason");
  });

  it("raises one alert per grant, under an id derived from it", () => {
    expect(breakGlassAlertId("g1")).toBe(breakGlassAlertId("g1"));
    expect(breakGlassAlertId("g1")).not.toBe(breakGlassAlertId("g2"));
    expect(breakGlassAlertId("g1")).toMatch(/^break-glass-[0-9a-f]{24}$/);
  });
});

describe("the care relationship's window", () => {
  it("spans the given days either side of today in the practice's time zone", () => {
    // 02:00 UTC on the 5th is still the 4th in Chicago.
    const now = new Date("2030-03-05T02:00:00.000Z");
    expect(
      careWindow({ careRelationshipDays: 7, practiceTimeZone: "America/Chicago", now }),
    ).toEqual({ from: "2030-02-25", to: "2030-03-11" });
    expect(careWindow({ careRelationshipDays: 0, practiceTimeZone: "UTC", now })).toEqual(
      {
        from: "2030-03-05",
        to: "2030-03-05",
      },
    );
  });
});
