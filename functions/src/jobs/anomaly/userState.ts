// What the scan keeps per user between runs, in `anomalyBaselines/{uid}`: the user's
// baseline and the counters of the windows still open. The scan's memory is one of these
// per user seen, whatever the number of events. `through` is the last event folded in, so
// a run interrupted after saving some users and before moving the cursor does not count
// an event twice when the next run reads it again.

export const ANOMALY_BASELINES = "anomalyBaselines";

/** The most event ids an open window (and so an alert) keeps as its sample. */
export const EVENT_SAMPLE_SIZE = 20;

/**
 * A position in the trail's total order: commit time, then document id. Firestore keeps
 * timestamps to the microsecond; a position rounded to milliseconds would skip or repeat
 * events committed within the same millisecond.
 */
export interface Position {
  micros: number;
  id: string;
}

export function isAfter(a: Position, b: Position): boolean {
  return a.micros > b.micros || (a.micros === b.micros && a.id > b.id);
}

/** Events in one time bucket (an hour, a window, a clinic day). */
export interface Counter {
  /** The bucket's key: its start in ms, or a clinic-local date. */
  bucket: number | string;
  count: number;
  sample: string[];
}

export interface UserState {
  /** The subject: the user's uid, or null for callers who were not signed in. */
  uid: string | null;
  through: Position | null;
  /** Mean events per active hour, and how many active hours it has seen. */
  baseline: { mean: number; activeHours: number };
  volume: Counter;
  /** Distinct patients opened one by one in the current window (ids, capped). */
  patients: Counter & { ids: string[] };
  denials: Counter;
  afterHours: Counter;
  breakGlass: Counter;
  inactive: Counter;
}

function emptyCounter(): Counter {
  return { bucket: -1, count: 0, sample: [] };
}

export function emptyUserState(uid: string | null): UserState {
  return {
    uid,
    through: null,
    baseline: { mean: 0, activeHours: 0 },
    volume: emptyCounter(),
    patients: { ...emptyCounter(), ids: [] },
    denials: emptyCounter(),
    afterHours: emptyCounter(),
    breakGlass: emptyCounter(),
    inactive: emptyCounter(),
  };
}

/** Reads a stored state, filling what an older version did not store. */
export function readUserState(uid: string | null, data: unknown): UserState {
  const empty = emptyUserState(uid);
  if (typeof data !== "object" || data === null) return empty;
  const stored = data as Partial<UserState>;
  return {
    ...empty,
    ...stored,
    uid,
    patients: { ...empty.patients, ...stored.patients },
  };
}

/** Moves a counter to `bucket`, emptying it when the bucket changed. */
export function roll(counter: Counter, bucket: number | string): void {
  if (counter.bucket === bucket) return;
  counter.bucket = bucket;
  counter.count = 0;
  counter.sample = [];
}

export function count(counter: Counter, eventId: string): void {
  counter.count += 1;
  if (counter.sample.length < EVENT_SAMPLE_SIZE) counter.sample.push(eventId);
}
