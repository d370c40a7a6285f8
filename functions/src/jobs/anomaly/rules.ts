// The anomaly rules, applied to one user's events in time order. Each rule counts events in
// a time bucket (an hour, a short window, a clinic day) and, once the count reaches its
// threshold, reports a finding for that bucket; the scan turns findings into security
// alerts, one per rule, user and bucket. Buckets are fixed (aligned to the epoch or to the
// clinic's date) so that every run, and a re-run, names the same alert.
import type { ClinicClock } from "./clinicHours.ts";
import type { ScanEvent } from "./scanEvent.ts";
import type { AnomalySettings } from "./settings.ts";
import {
  count,
  EVENT_SAMPLE_SIZE,
  roll,
  type Counter,
  type UserState,
} from "./userState.ts";

export const ANOMALY_RULES = [
  "volumeAboveBaseline",
  "manyDistinctPatients",
  "outsideClinicHours",
  "repeatedDenials",
  "breakGlassUse",
  "inactiveUserActivity",
  "bulkRead",
] as const;
export type AnomalyRule = (typeof ANOMALY_RULES)[number];

export type AlertSeverity = "medium" | "high";

export const RULE_SEVERITY: Readonly<Record<AnomalyRule, AlertSeverity>> = {
  volumeAboveBaseline: "high",
  manyDistinctPatients: "high",
  outsideClinicHours: "medium",
  repeatedDenials: "medium",
  breakGlassUse: "high",
  inactiveUserActivity: "high",
  bulkRead: "high",
};

/** A rule's threshold reached in a bucket; `count` is the bucket's total so far. */
export interface Finding {
  rule: AnomalyRule;
  subjectUid: string | null;
  /** Names the bucket: its start (ISO, UTC), a clinic date, or an event id. */
  bucket: string;
  fromMs: number;
  toMs: number;
  count: number;
  eventIds: string[];
}

export type FindingSink = (finding: Finding) => void;

/** Whether the user's profile was inactive at a moment (see profiles.ts). */
export type InactiveAt = (uid: string, ms: number) => boolean;

const HOUR_MS = 60 * 60 * 1000;
/** The baseline is a moving mean over about this many of the user's active hours. */
export const BASELINE_SPAN_HOURS = 40;

function startOf(ms: number, sizeMs: number): number {
  return Math.floor(ms / sizeMs) * sizeMs;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export class AnomalyRules {
  private readonly settings: AnomalySettings;
  private readonly clock: ClinicClock;
  private readonly inactiveAt: InactiveAt;
  private readonly distinctWindowMs: number;
  private readonly denialWindowMs: number;
  /** The most patient ids kept per window: enough to report how far over it went. */
  private readonly distinctCap: number;

  constructor(settings: AnomalySettings, clock: ClinicClock, inactiveAt: InactiveAt) {
    this.settings = settings;
    this.clock = clock;
    this.inactiveAt = inactiveAt;
    this.distinctWindowMs = settings.distinctWindowMinutes * 60 * 1000;
    this.denialWindowMs = settings.denialWindowMinutes * 60 * 1000;
    this.distinctCap = settings.distinctPatients * 4;
  }

  /** The hourly count above which a user's volume is anomalous. */
  volumeThreshold(state: UserState): number {
    const { baseline } = state;
    const { volumeMinEvents, volumeMultiplier, newUserHourlyEvents } = this.settings;
    if (baseline.activeHours < this.settings.baselineMinHours) {
      return Math.max(volumeMinEvents, newUserHourlyEvents);
    }
    return Math.max(volumeMinEvents, Math.ceil(volumeMultiplier * baseline.mean));
  }

  /** Applies every rule to one event of the state's user; events come in time order. */
  observe(state: UserState, event: ScanEvent, report: FindingSink): void {
    state.through = { micros: event.recordedMicros, id: event.id };
    const subjectUid = state.uid;

    if (event.outcome === "denied") {
      this.windowed(state.denials, event, this.denialWindowMs, this.settings.denials, {
        rule: "repeatedDenials",
        subjectUid,
        report,
      });
    }
    // Everything else is about a signed-in user or service.
    if (subjectUid === null) return;

    this.volume(state, event, report);
    if (event.outcome === "success" && event.singleRecord) {
      this.distinctPatients(state, event, report);
    }
    if (event.patientIds.length > 0 && event.kind === "user") {
      this.outsideHours(state.afterHours, event, subjectUid, report);
    }
    if (event.breakGlass) {
      this.windowed(state.breakGlass, event, HOUR_MS, 1, {
        rule: "breakGlassUse",
        subjectUid,
        report,
      });
    }
    if (this.inactiveAt(subjectUid, event.recordedMs)) {
      this.windowed(state.inactive, event, HOUR_MS, 1, {
        rule: "inactiveUserActivity",
        subjectUid,
        report,
      });
    }
    if (event.patientIds.length >= this.settings.bulkReadPatients) {
      report({
        rule: "bulkRead",
        subjectUid,
        bucket: event.id,
        fromMs: event.recordedMs,
        toMs: event.recordedMs,
        count: event.patientIds.length,
        eventIds: [event.id],
      });
    }
  }

  /** Counts the event in a fixed window and reports once the count reaches `threshold`. */
  private windowed(
    counter: Counter,
    event: ScanEvent,
    sizeMs: number,
    threshold: number,
    target: { rule: AnomalyRule; subjectUid: string | null; report: FindingSink },
  ): void {
    const start = startOf(event.recordedMs, sizeMs);
    roll(counter, start);
    count(counter, event.id);
    if (counter.count < threshold) return;
    target.report({
      rule: target.rule,
      subjectUid: target.subjectUid,
      bucket: iso(start),
      fromMs: start,
      toMs: start + sizeMs,
      count: counter.count,
      eventIds: [...counter.sample],
    });
  }

  private volume(state: UserState, event: ScanEvent, report: FindingSink): void {
    const hour = startOf(event.recordedMs, HOUR_MS);
    if (state.volume.bucket !== hour) this.foldHour(state);
    roll(state.volume, hour);
    count(state.volume, event.id);
    if (state.volume.count <= this.volumeThreshold(state)) return;
    report({
      rule: "volumeAboveBaseline",
      subjectUid: state.uid,
      bucket: iso(hour),
      fromMs: hour,
      toMs: hour + HOUR_MS,
      count: state.volume.count,
      eventIds: [...state.volume.sample],
    });
  }

  /**
   * Adds the finished hour to the user's baseline. An hour counts at most at the current
   * threshold, so a burst (an incident) cannot teach the baseline that bursts are normal.
   */
  private foldHour(state: UserState): void {
    const finished = state.volume.count;
    if (finished === 0) return;
    const baseline = state.baseline;
    const contribution = Math.min(finished, this.volumeThreshold(state));
    baseline.activeHours += 1;
    const span = Math.min(baseline.activeHours, BASELINE_SPAN_HOURS);
    baseline.mean += (contribution - baseline.mean) / span;
  }

  private distinctPatients(
    state: UserState,
    event: ScanEvent,
    report: FindingSink,
  ): void {
    const start = startOf(event.recordedMs, this.distinctWindowMs);
    const patients = state.patients;
    if (patients.bucket !== start) patients.ids = [];
    roll(patients, start);
    let added = false;
    for (const patientId of event.patientIds) {
      if (patients.ids.length >= this.distinctCap) break;
      if (!patients.ids.includes(patientId)) {
        patients.ids.push(patientId);
        added = true;
      }
    }
    if (!added) return;
    patients.count = patients.ids.length;
    if (patients.sample.length < EVENT_SAMPLE_SIZE) patients.sample.push(event.id);
    if (patients.count < this.settings.distinctPatients) return;
    report({
      rule: "manyDistinctPatients",
      subjectUid: state.uid,
      bucket: iso(start),
      fromMs: start,
      toMs: start + this.distinctWindowMs,
      count: patients.count,
      eventIds: [...patients.sample],
    });
  }

  private outsideHours(
    counter: Counter,
    event: ScanEvent,
    subjectUid: string,
    report: FindingSink,
  ): void {
    const local = this.clock.at(event.recordedMs);
    if (local.open) return;
    // One alert per user and clinic day; merging findings widens its window from the
    // first such event to the last.
    roll(counter, local.date);
    count(counter, event.id);
    report({
      rule: "outsideClinicHours",
      subjectUid,
      bucket: local.date,
      fromMs: event.recordedMs,
      toMs: event.recordedMs,
      count: counter.count,
      eventIds: [...counter.sample],
    });
  }
}
