// The fast wall-time conversion (zoneTime.ts) must agree with luxon's own, everywhere:
// random wall times in zones with daylight saving, half-hour and 45-minute offsets.
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { clinicDayOf, parseListDateTime } from "../../../src/tebra/dates.ts";
import { localDate, offsetMinutes, wallTimeToUtc } from "../../../src/tebra/zoneTime.ts";

const ZONES = [
  "America/Chicago",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "Europe/London",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
  "Pacific/Chatham",
  "UTC",
];

/** luxon alone: the wall time in the zone, the earlier instant when it happens twice. */
function reference(text: string, zone: string): string {
  const local = DateTime.fromFormat(text, "M/d/yyyy h:mm:ss a", {
    zone,
    locale: "en-US",
  });
  const first = local
    .getPossibleOffsets()
    .reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a), local);
  return first.toUTC().toISO({ suppressMilliseconds: true })!;
}

const wallTime = fc.record({
  year: fc.integer({ min: 1995, max: 2040 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
});

function tebraText(t: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}) {
  const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  const mm = String(t.minute).padStart(2, "0");
  const ss = String(t.second).padStart(2, "0");
  return `${t.month}/${t.day}/${t.year} ${h12}:${mm}:${ss} ${t.hour < 12 ? "AM" : "PM"}`;
}

describe("fast wall-time conversion", () => {
  it("agrees with luxon for any wall time in zones with unusual offsets", () => {
    fc.assert(
      fc.property(wallTime, fc.constantFrom(...ZONES), (t, zone) => {
        const text = tebraText(t);
        expect(parseListDateTime(text, zone)).toBe(reference(text, zone));
      }),
      { numRuns: 3_000 },
    );
  });

  it("agrees with luxon on every Sunday night of a Chicago transition month, 2000-2040", () => {
    for (let year = 2000; year <= 2040; year++) {
      for (const month of [3, 4, 10, 11]) {
        for (let day = 1; day <= 31; day++) {
          for (const hour of [0, 1, 2, 3]) {
            const date = DateTime.fromObject({ year, month, day }, { zone: "utc" });
            // Every US transition of the period falls on a Sunday.
            if (!date.isValid || date.weekday !== 7) continue;
            const text = tebraText({ year, month, day, hour, minute: 30, second: 0 });
            expect(parseListDateTime(text, "America/Chicago")).toBe(
              reference(text, "America/Chicago"),
            );
          }
        }
      }
    }
  });

  it("puts instants on the same local date as luxon", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...ZONES),
        (ms, zone) => {
          const iso = new Date(ms).toISOString();
          expect(clinicDayOf(iso, zone)).toBe(
            DateTime.fromMillis(ms, { zone }).toISODate(),
          );
          expect(localDate(zone, ms)).toBe(DateTime.fromMillis(ms, { zone }).toISODate());
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("knows a spring-forward gap has no instant and a fall-back hour has two", () => {
    expect(wallTimeToUtc("America/Chicago", Date.UTC(2026, 2, 8, 2, 30))).toBeNull();
    expect(wallTimeToUtc("America/Chicago", Date.UTC(2026, 10, 1, 1, 30))).toBe(
      Date.UTC(2026, 10, 1, 6, 30),
    );
    expect(offsetMinutes("America/Chicago", Date.UTC(2026, 6, 1))).toBe(-300);
  });
});
