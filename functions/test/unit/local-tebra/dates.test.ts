import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  datesBetween,
  isoUtc,
  listDate,
  listDateTime,
  parseCrudDateTime,
  parseFilterDate,
} from "../../../dev/local-tebra/dates.ts";

const ZONE = "America/Chicago";

describe("Tebra's date texts", () => {
  it("writes list dates as practice-local M/D/YYYY h:mm:ss AM", () => {
    const instant = DateTime.fromISO("2026-09-23T18:00:00Z");
    expect(listDateTime(instant, ZONE)).toBe("9/23/2026 1:00:00 PM");
    expect(listDate("1984-03-02")).toBe("3/2/1984 12:00:00 AM");
  });

  it("writes CRUD times as ISO 8601 UTC", () => {
    expect(isoUtc(DateTime.fromISO("2026-09-23T13:00:00-05:00"))).toBe(
      "2026-09-23T18:00:00Z",
    );
  });

  it.each([
    ["2026-03-08", "2026-03-08", true],
    ["3/8/2026", "2026-03-08", true],
    ["3/8/2026 11:30:00 PM", "2026-03-08", false],
    ["2026-03-08T06:00:00Z", "2026-03-08", false],
    // 05:00Z is local midnight only in summer: on this day it is still 11 PM the day before.
    ["2026-03-08T05:00:00Z", "2026-03-07", false],
    ["2026-11-01T05:00:00Z", "2026-11-01", false],
    ["2026-11-01T05:00:00", "2026-11-01", false],
  ])("reads the filter text %s as clinic date %s", (text, localDate, dateOnly) => {
    expect(parseFilterDate(text, ZONE)).toMatchObject({ localDate, dateOnly });
  });

  it("answers null for text that is no date", () => {
    expect(parseFilterDate("yesterday", ZONE)).toBeNull();
    expect(parseFilterDate("13/45/2026", ZONE)).toBeNull();
  });

  it("takes CRUD times only with Z or an offset", () => {
    expect(parseCrudDateTime("2026-03-08T15:00:00Z")?.toISO()).toBe(
      "2026-03-08T15:00:00.000Z",
    );
    expect(parseCrudDateTime("2026-03-08T10:00:00-05:00")?.toISO()).toBe(
      "2026-03-08T15:00:00.000Z",
    );
    expect(parseCrudDateTime("2026-03-08T15:00:00")).toBeNull();
  });

  it("lists the dates of a range, both ends included, across a DST change", () => {
    expect(datesBetween("2026-03-07", "2026-03-09")).toEqual([
      "2026-03-07",
      "2026-03-08",
      "2026-03-09",
    ]);
  });
});

describe("list dates around the daylight-saving changes", () => {
  it.each([
    ["2026-03-08T07:59:59Z", "3/8/2026 1:59:59 AM"],
    ["2026-03-08T08:00:00Z", "3/8/2026 3:00:00 AM"],
    ["2026-11-01T06:30:00Z", "11/1/2026 1:30:00 AM"],
    ["2026-11-01T07:30:00Z", "11/1/2026 1:30:00 AM"],
    ["2026-11-01T08:00:00Z", "11/1/2026 2:00:00 AM"],
    ["2026-07-01T05:00:00Z", "7/1/2026 12:00:00 AM"],
    ["2026-07-01T17:05:09Z", "7/1/2026 12:05:09 PM"],
  ])("writes %s as %s in Chicago, as Luxon does", (iso, text) => {
    const instant = DateTime.fromISO(iso);
    expect(listDateTime(instant, ZONE)).toBe(text);
    expect(listDateTime(instant, ZONE)).toBe(
      instant.setZone(ZONE).toFormat("M/d/yyyy h:mm:ss a", { locale: "en-US" }),
    );
  });
});
