// Whether a moment falls inside the clinic's opening hours, in the practice's time zone
// (daylight saving time included). Events arrive in time order, so the answer is cached
// for the current quarter hour: every time zone's offset is a multiple of 15 minutes, so
// all moments of one UTC quarter hour share a local date, weekday and hour.
import { DateTime } from "luxon";
import type { ClinicHours } from "./settings.ts";

const QUARTER_HOUR_MS = 15 * 60 * 1000;

export interface LocalMoment {
  /** YYYY-MM-DD in the practice's time zone. */
  date: string;
  open: boolean;
}

export class ClinicClock {
  private readonly hours: ClinicHours;
  private cachedQuarter = Number.NaN;
  private cached: LocalMoment = { date: "", open: false };

  constructor(hours: ClinicHours) {
    this.hours = hours;
  }

  at(ms: number): LocalMoment {
    const quarter = Math.floor(ms / QUARTER_HOUR_MS);
    if (quarter !== this.cachedQuarter) {
      const local = DateTime.fromMillis(quarter * QUARTER_HOUR_MS, {
        zone: this.hours.timeZone,
      });
      const open =
        this.hours.days.includes(local.weekday) &&
        local.hour >= this.hours.openHour &&
        local.hour < this.hours.closeHour;
      this.cachedQuarter = quarter;
      this.cached = { date: local.toISODate() ?? "", open };
    }
    return this.cached;
  }
}
