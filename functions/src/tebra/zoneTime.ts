// Wall-clock times in an IANA zone to instants and back, fast enough for a 300-row reply
// with four dates a row. The zone's offset comes from luxon (Intl under the hood) and is
// cached per quarter hour, the finest step at which any zone changes its offset; the
// process's own time zone is never consulted. dates.ts falls back to luxon's parser for
// anything this does not handle (a wall time inside a spring-forward gap).
import { IANAZone } from "luxon";

const QUARTER_HOUR = 15 * 60_000;
const DAY_MS = 86_400_000;
const CACHE_LIMIT = 20_000;

const zones = new Map<string, IANAZone>();
const offsets = new Map<string, number>();

function ianaZone(zone: string): IANAZone {
  let found = zones.get(zone);
  if (!found) {
    found = IANAZone.create(zone);
    zones.set(zone, found);
  }
  return found;
}

/** Whether luxon knows the zone. */
export function isKnownZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** The zone's offset from UTC at an instant, in minutes (Chicago in July: -300). */
export function offsetMinutes(zone: string, utcMs: number): number {
  const key = `${zone}|${Math.floor(utcMs / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size >= CACHE_LIMIT) offsets.clear();
    offset = ianaZone(zone).offset(utcMs);
    offsets.set(key, offset);
  }
  return offset;
}

/**
 * The instant of a local wall time (given as if it were UTC, `Date.UTC(...)`): the earlier
 * one when the wall time happens twice (a fall-back night), or null when it never happens
 * (a spring-forward gap). Assumes at most one offset change within a day of it.
 */
export function wallTimeToUtc(zone: string, wallMs: number): number | null {
  const before = offsetMinutes(zone, wallMs - DAY_MS);
  const after = offsetMinutes(zone, wallMs + DAY_MS);
  let best: number | null = null;
  for (const candidate of before === after ? [before] : [before, after]) {
    const utc = wallMs - candidate * 60_000;
    if (offsetMinutes(zone, utc) !== candidate) continue;
    if (best === null || utc < best) best = utc;
  }
  return best;
}

/** The local calendar date of an instant, `YYYY-MM-DD`. */
export function localDate(zone: string, utcMs: number): string {
  return new Date(utcMs + offsetMinutes(zone, utcMs) * 60_000).toISOString().slice(0, 10);
}

/** An instant as ISO 8601 UTC with Z, without milliseconds when they are zero. */
export function isoUtc(utcMs: number): string {
  const text = new Date(utcMs).toISOString();
  return text.endsWith(".000Z") ? `${text.slice(0, -5)}Z` : text;
}
