import { describe, expect, it } from "vitest";
import {
  clinicDayOf,
  clinicDayWindow,
  clinicToday,
  isCalendarDate,
  nextDate,
  parseCrudDateTime,
  parseDateOfBirth,
  parseListDateTime,
  TebraDateError,
  toCrudDateTime,
} from "../../../src/tebra/dates.ts";
import { DST_CASES, ZONE } from "../../fixtures/tebra/dstCases.ts";

describe("Tebra dates across daylight-saving changes (in this process's TZ)", () => {
  for (const c of DST_CASES) {
    it(c.name, () => expect(c.run()).toEqual(c.expected));
  }
});

describe("clinic days", () => {
  it("refuses text that is not a calendar date, without repeating it", () => {
    expect(() => clinicDayWindow("2026-02-30", ZONE)).toThrow(TebraDateError);
    expect(() => clinicDayWindow("March 3", ZONE)).toThrow(/YYYY-MM-DD/);
    expect(() => clinicDayWindow("March 3", ZONE)).not.toThrow(/March/);
  });

  it("refuses an unknown time zone", () => {
    expect(() => clinicDayWindow("2026-03-03", "America/Atlantis")).toThrow(/time zone/);
  });

  it("takes today's date in the practice's zone, not in UTC", () => {
    // 02:00Z on 1 July is still 30 June in Chicago.
    expect(clinicToday(ZONE, new Date("2026-07-01T02:00:00Z"))).toBe("2026-06-30");
    expect(clinicToday("UTC", new Date("2026-07-01T02:00:00Z"))).toBe("2026-07-01");
  });

  it("knows which dates exist", () => {
    expect(isCalendarDate("2028-02-29")).toBe(true);
    expect(isCalendarDate("2026-02-29")).toBe(false);
    expect(nextDate("2026-12-31")).toBe("2027-01-01");
  });

  it("puts an instant on its clinic day", () => {
    expect(clinicDayOf("2026-03-13T00:00:00Z", ZONE)).toBe("2026-03-12");
    expect(clinicDayOf("2026-03-12T23:00:00-05:00", ZONE)).toBe("2026-03-12");
  });
});

describe("list reply dates", () => {
  it("reads Tebra's practice-local text in several shapes", () => {
    expect(parseListDateTime("3/12/2026 4:45:00 PM", ZONE)).toBe("2026-03-12T21:45:00Z");
    expect(parseListDateTime("3/12/2026 4:45 PM", ZONE)).toBe("2026-03-12T21:45:00Z");
    expect(parseListDateTime("3/12/2026 16:45:00", ZONE)).toBe("2026-03-12T21:45:00Z");
    expect(parseListDateTime("12/1/2026", ZONE)).toBe("2026-12-01T06:00:00Z");
  });

  it("takes text with an offset or Z at its word, and ISO without one as local", () => {
    expect(parseListDateTime("2026-03-12T16:45:00-05:00", ZONE)).toBe(
      "2026-03-12T21:45:00Z",
    );
    expect(parseListDateTime("2026-03-12T21:45:00Z", ZONE)).toBe("2026-03-12T21:45:00Z");
    expect(parseListDateTime("2026-03-12T16:45:00", ZONE)).toBe("2026-03-12T21:45:00Z");
  });

  it("refuses text that is no date", () => {
    expect(() => parseListDateTime("soon", ZONE)).toThrow(TebraDateError);
  });
});

describe("CRUD date-times (quirks 15 and 16)", () => {
  it("sends UTC ISO 8601 with milliseconds and Z", () => {
    expect(toCrudDateTime("2026-03-12T10:45:00-05:00")).toBe("2026-03-12T15:45:00.000Z");
    expect(toCrudDateTime("2026-11-01T01:30:00-05:00")).toBe("2026-11-01T06:30:00.000Z");
  });

  it("refuses an instant without an offset rather than guess its zone", () => {
    expect(() => toCrudDateTime("2026-03-12T10:45:00")).toThrow(/offset/);
  });

  it("reads replies as UTC, with or without the Z", () => {
    expect(parseCrudDateTime("2026-03-12T21:45:00Z")).toBe("2026-03-12T21:45:00.000Z");
    expect(parseCrudDateTime("2026-03-12T21:45:00")).toBe("2026-03-12T21:45:00.000Z");
  });
});

describe("dates of birth", () => {
  it("reads each shape Tebra uses as a plain date", () => {
    expect(parseDateOfBirth("6/14/2008 12:00:00 AM")).toBe("2008-06-14");
    expect(parseDateOfBirth("2008-06-14")).toBe("2008-06-14");
    expect(parseDateOfBirth("2008-06-14T00:00:00Z")).toBe("2008-06-14");
  });

  it("refuses impossible dates", () => {
    expect(() => parseDateOfBirth("2/30/2008")).toThrow(TebraDateError);
    expect(() => parseDateOfBirth("yesterday")).toThrow(TebraDateError);
  });
});
