// Tebra's date texts. List replies carry practice-local text with no offset
// ("9/23/2026 1:00:00 PM"); typed CRUD members carry ISO 8601 in UTC. List filters are
// strings parsed loosely, as the real service does: ISO dates, ISO instants and the US
// "M/D/YYYY h:mm:ss AM" form.
import { DateTime } from "luxon";

const HOUR_MS = 3_600_000;
const offsets = new Map<string, number>();

/** The zone's UTC offset (ms) at an instant; zones change offset on whole hours (UTC). */
function offsetAt(millis: number, zone: string): number {
  const key = `${zone}|${Math.floor(millis / HOUR_MS)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = DateTime.fromMillis(millis, { zone }).offset * 60_000;
    offsets.set(key, offset);
  }
  return offset;
}

/**
 * "9/23/2026 1:00:00 PM" in the practice's zone. Written by hand over a cached offset:
 * Luxon's formatting was most of the cost of a 300-row reply.
 */
export function listDateTime(instant: DateTime, zone: string): string {
  const millis = instant.toMillis();
  const local = new Date(millis + offsetAt(millis, zone));
  const hour = local.getUTCHours();
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${local.getUTCMonth() + 1}/${local.getUTCDate()}/${local.getUTCFullYear()} ` +
    `${hour % 12 || 12}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ` +
    (hour < 12 ? "AM" : "PM")
  );
}

/** A date of birth as list replies carry it: "3/2/1984 12:00:00 AM". */
export function listDate(isoDate: string): string {
  const date = DateTime.fromISO(isoDate, { zone: "UTC" });
  return `${date.toFormat("M/d/yyyy")} 12:00:00 AM`;
}

/** ISO 8601 in UTC without fractions, as WCF writes a UTC DateTime. */
export function isoUtc(instant: DateTime): string {
  return instant.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

export interface FilterDate {
  /** The instant the text names (a bare date means the start of that clinic-local day). */
  instant: DateTime;
  /** The clinic-local calendar date, YYYY-MM-DD. */
  localDate: string;
  /** True when the text named a date without a time. */
  dateOnly: boolean;
}

const US_DATE =
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored, no nested repeats; one XML value
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;

/**
 * Parses a list filter's date text; answers null when it is not a date, which the caller
 * reports the way .NET does ("String was not recognized as a valid DateTime.").
 */
export function parseFilterDate(text: string, zone: string): FilterDate | null {
  const value = text.trim();
  let instant: DateTime | null = null;
  let dateOnly = false;

  const us = US_DATE.exec(value);
  if (us) {
    const [, month, day, year, hour, minute, second, meridiem] = us;
    let h = Number(hour ?? 0);
    if (meridiem) {
      if (h < 1 || h > 12) return null;
      h = (h % 12) + (/p/i.test(meridiem) ? 12 : 0);
    }
    dateOnly = hour === undefined;
    instant = DateTime.fromObject(
      {
        year: Number(year),
        month: Number(month),
        day: Number(day),
        hour: h,
        minute: Number(minute ?? 0),
        second: Number(second ?? 0),
      },
      { zone },
    );
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    dateOnly = true;
    instant = DateTime.fromISO(value, { zone });
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    // With Z or an offset it is an instant; without, clinic-local wall time.
    instant = DateTime.fromISO(value, { zone, setZone: false });
  }
  if (!instant?.isValid) return null;
  const local = instant.setZone(zone);
  return { instant: local, localDate: local.toISODate()!, dateOnly };
}

/** Parses a CRUD xs:dateTime; null when it carries no Z or offset (the zone would be a guess). */
export function parseCrudDateTime(text: string): DateTime | null {
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(text.trim())) return null;
  const instant = DateTime.fromISO(text.trim(), { setZone: true });
  return instant.isValid ? instant.toUTC() : null;
}

/** Whole days from 2000-01-01 to a YYYY-MM-DD date: the day part of appointment IDs. */
export function dayNumber(isoDate: string): number {
  const date = DateTime.fromISO(isoDate, { zone: "UTC" });
  return Math.round(date.diff(DateTime.utc(2000, 1, 1), "days").days);
}

export function dateFromDayNumber(day: number): string {
  return DateTime.utc(2000, 1, 1).plus({ days: day }).toISODate()!;
}

/** Every YYYY-MM-DD date from `first` to `last`, both included. */
export function datesBetween(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let day = dayNumber(first); day <= dayNumber(last); day++) {
    dates.push(dateFromDayNumber(day));
  }
  return dates;
}
