// Dates between Tebra and the backend, independent of the process's own time zone.
//
// - A clinic day is a calendar date in the practice's time zone (PRACTICE_TIME_ZONE);
//   its bounds are computed there and sent to Tebra as UTC instants with `Z`. Local
//   midnight is 05:00Z or 06:00Z in Chicago depending on daylight saving, never a constant.
// - List replies (GetAppointments) carry practice-local text such as `9/23/2026 1:00:00 PM`
//   with no offset; text with an offset or `Z` is taken at its word.
// - CRUD operations (GetAppointment, CreateAppointment, UpdateAppointment) use UTC ISO
//   8601 with `Z`; text without an offset there is UTC.
// - A date of birth is a date, not an instant: it is read as written, never shifted.
import { DateTime } from "luxon";
import { isKnownZone, isoUtc, localDate, wallTimeToUtc } from "./zoneTime.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const LIST_FORMATS = [
  "M/d/yyyy h:mm:ss a",
  "M/d/yyyy h:mm a",
  "M/d/yyyy H:mm:ss",
  "M/d/yyyy",
];
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
/** Tebra's list text: `9/23/2026 1:00:00 PM`, `9/23/2026 1:00 PM`, `9/23/2026 13:00:00`. */
const US_DATE_TIME =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(:\d{2}|)( ?[AaPp][Mm]|)$/;
/** ISO 8601 with Z or an offset, which Date.parse reads exactly. */
const ISO_INSTANT =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}|)(\.\d{1,3}|)(Z|[+-]\d{2}:\d{2})$/;

/** Raised for text that is not a date; the message never repeats the text. */
export class TebraDateError extends Error {
  override name = "TebraDateError";
}

const knownZones = new Set<string>();

function checkZone(zone: string): void {
  if (knownZones.has(zone)) return;
  if (!isKnownZone(zone)) throw new TebraDateError("unknown time zone");
  knownZones.add(zone);
}

/** The fast path for Tebra's usual list text; null when another parser must decide. */
function fastListDateTime(text: string, zone: string): string | null {
  const m = US_DATE_TIME.exec(text);
  if (!m) return null;
  const [month, day, year, minute] = [
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[5]),
  ];
  const second = m[6] ? Number(m[6].slice(1)) : 0;
  let hour = Number(m[4]);
  const meridiem = m[7]?.trim().toUpperCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === "PM" ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  const utc = wallTimeToUtc(zone, wall);
  return utc === null ? null : isoUtc(utc);
}

function utcIso(value: DateTime): string {
  return value.toUTC().toISO({ suppressMilliseconds: true })!;
}

/** A local wall time that happens twice (the fall-back night) as its earlier instant. */
function earliest(local: DateTime): DateTime {
  return local
    .getPossibleOffsets()
    .reduce(
      (first, candidate) => (candidate.toMillis() < first.toMillis() ? candidate : first),
      local,
    );
}

/** `YYYY-MM-DD` as a valid calendar date, or a TebraDateError. */
export function parseClinicDay(day: string, zone: string): DateTime {
  checkZone(zone);
  const start = DAY.test(day) ? DateTime.fromISO(day, { zone }) : null;
  if (!start?.isValid) throw new TebraDateError("not a calendar date (YYYY-MM-DD)");
  return start.startOf("day");
}

export interface ClinicDayWindow {
  /** First instant of the local day, UTC with Z. */
  start: string;
  /** Last whole second of the local day, UTC with Z. */
  end: string;
}

/** The clinic day's bounds in UTC: 23, 24 or 25 hours long across DST changes. */
export function clinicDayWindow(day: string, zone: string): ClinicDayWindow {
  const start = parseClinicDay(day, zone);
  const end = start.plus({ days: 1 }).minus({ seconds: 1 });
  return { start: utcIso(start), end: utcIso(end) };
}

/** The clinic day an instant falls on. */
export function clinicDayOf(instant: string, zone: string): string {
  checkZone(zone);
  if (ISO_INSTANT.test(instant)) {
    const ms = Date.parse(instant);
    if (Number.isFinite(ms)) return localDate(zone, ms);
  }
  const parsed = DateTime.fromISO(instant, { setZone: true });
  if (!parsed.isValid) throw new TebraDateError("not an ISO 8601 instant");
  return parsed.setZone(zone).toISODate()!;
}

/** Today's clinic day. */
export function clinicToday(zone: string, now: Date = new Date()): string {
  checkZone(zone);
  return DateTime.fromJSDate(now).setZone(zone).toISODate()!;
}

/**
 * A date-time from a list reply as a UTC instant with Z. Text without an offset is
 * practice-local; in the repeated hour of a fall-back night the earlier instant is taken.
 */
export function parseListDateTime(text: string, zone: string): string {
  checkZone(zone);
  const trimmed = text.trim();
  const fast = fastListDateTime(trimmed, zone);
  if (fast !== null) return fast;
  if (/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) {
    const parsed = HAS_OFFSET.test(trimmed)
      ? DateTime.fromISO(trimmed, { setZone: true })
      : earliest(DateTime.fromISO(trimmed, { zone }));
    if (parsed.isValid) return utcIso(parsed);
  } else {
    for (const format of LIST_FORMATS) {
      const parsed = DateTime.fromFormat(trimmed, format, { zone, locale: "en-US" });
      if (parsed.isValid) return utcIso(earliest(parsed));
    }
  }
  throw new TebraDateError("not a date-time Tebra sends");
}

/** A CRUD date-time (`xs:dateTime`, UTC) normalised to ISO 8601 with Z. */
export function parseCrudDateTime(text: string): string {
  const trimmed = text.trim();
  const parsed = HAS_OFFSET.test(trimmed)
    ? DateTime.fromISO(trimmed, { setZone: true })
    : DateTime.fromISO(trimmed, { zone: "utc" });
  if (!parsed.isValid) throw new TebraDateError("not an ISO 8601 date-time");
  return parsed.toUTC().toISO();
}

/** An instant (ISO 8601 with an offset or Z) as a list filter's text: UTC, seconds, Z. */
export function toListInstant(instant: string): string {
  const trimmed = instant.trim();
  if (!HAS_OFFSET.test(trimmed))
    throw new TebraDateError("an instant needs an offset or Z");
  const parsed = DateTime.fromISO(trimmed, { setZone: true });
  if (!parsed.isValid) throw new TebraDateError("not an ISO 8601 instant");
  return utcIso(parsed);
}

/** An instant (ISO 8601 with an offset or Z) as Tebra's CRUD text: UTC, milliseconds, Z. */
export function toCrudDateTime(instant: string): string {
  if (!HAS_OFFSET.test(instant.trim())) {
    throw new TebraDateError("an instant needs an offset or Z");
  }
  const parsed = DateTime.fromISO(instant.trim(), { setZone: true });
  if (!parsed.isValid) throw new TebraDateError("not an ISO 8601 instant");
  return parsed.toUTC().toISO();
}

/**
 * A date of birth as `YYYY-MM-DD`, read from the text as written (`5/17/1980 12:00:00 AM`,
 * `1980-05-17`, `1980-05-17T00:00:00`); no time zone conversion can move it.
 */
export function parseDateOfBirth(text: string): string {
  const trimmed = text.trim();
  let year: number, month: number, day: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:T|$)/.exec(trimmed);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s|$)/.exec(trimmed);
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (us) [year, month, day] = [Number(us[3]), Number(us[1]), Number(us[2])];
  else throw new TebraDateError("not a date of birth Tebra sends");
  const date = DateTime.fromObject({ year, month, day }, { zone: "utc" });
  if (!date.isValid) throw new TebraDateError("not a calendar date");
  return date.toISODate();
}

/** Whether `YYYY-MM-DD` names a day that exists (no 2025-02-30). */
export function isCalendarDate(date: string): boolean {
  return DAY.test(date) && DateTime.fromISO(date, { zone: "utc" }).isValid;
}

/** The day after a `YYYY-MM-DD` date (PatientFilter.ToDateOfBirth is exclusive). */
export function nextDate(date: string): string {
  const parsed = DAY.test(date) ? DateTime.fromISO(date, { zone: "utc" }) : null;
  if (!parsed?.isValid) throw new TebraDateError("not a calendar date (YYYY-MM-DD)");
  return parsed.plus({ days: 1 }).toISODate();
}
