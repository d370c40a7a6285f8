// The arithmetic of a sliding-window counter: two fixed windows (the current one and the
// one before), with the previous window's count weighted by how much of it still overlaps
// the sliding window. It needs one small document per key, smooths the burst a fixed window
// allows at its boundary, and tells a refused caller when a call would next be allowed.
// Pure: the caller brings the stored state and the time.

export interface LimitRule {
  /** Calls allowed per window. */
  limit: number;
  windowSeconds: number;
}

/** What is stored per key. `windowStart` is in milliseconds since the epoch. */
export interface WindowState {
  windowStart: number;
  current: number;
  previous: number;
}

export interface LimitDecision {
  allowed: boolean;
  /** Whole seconds until a call would be allowed again; 0 when allowed. */
  retryAfterSeconds: number;
  /** The state after this call (counted only when allowed). */
  next: WindowState;
}

/** The state moved to the window that holds `now`, with older counts rolled over. */
export function rollTo(
  state: WindowState | undefined,
  now: number,
  rule: LimitRule,
): WindowState {
  const windowMs = rule.windowSeconds * 1000;
  const start = Math.floor(now / windowMs) * windowMs;
  if (!state || state.windowStart > start)
    return { windowStart: start, current: 0, previous: 0 };
  if (state.windowStart === start) return state;
  const previous = state.windowStart === start - windowMs ? state.current : 0;
  return { windowStart: start, current: 0, previous };
}

/** The estimated count of calls in the sliding window ending at `now`. */
export function estimate(state: WindowState, now: number, rule: LimitRule): number {
  const windowMs = rule.windowSeconds * 1000;
  const overlap = 1 - (now - state.windowStart) / windowMs;
  return state.previous * overlap + state.current;
}

/** Milliseconds from `now` until one more call fits, with no other calls in between. */
function waitMs(state: WindowState, now: number, rule: LimitRule): number {
  const windowMs = rule.windowSeconds * 1000;
  const elapsed = now - state.windowStart;
  const room = rule.limit - 1 - state.current;
  if (room >= 0 && state.previous > 0) {
    // Within this window, once the previous window's weight has decayed enough.
    const at = windowMs * (1 - room / state.previous);
    return Math.max(0, at - elapsed);
  }
  // Next window: this window's count becomes the decaying `previous`.
  const untilNext = windowMs - elapsed;
  const nextRoom = rule.limit - 1;
  const at = state.current > 0 ? windowMs * Math.max(0, 1 - nextRoom / state.current) : 0;
  return untilNext + at;
}

/** Decides one call: counts it when it fits, otherwise says how long to wait. */
export function decide(
  stored: WindowState | undefined,
  now: number,
  rule: LimitRule,
): LimitDecision {
  const state = rollTo(stored, now, rule);
  if (estimate(state, now, rule) + 1 <= rule.limit) {
    return {
      allowed: true,
      retryAfterSeconds: 0,
      next: { ...state, current: state.current + 1 },
    };
  }
  // One extra millisecond keeps the rounding on the allowed side of the boundary.
  const retryAfterSeconds = Math.max(1, Math.ceil((waitMs(state, now, rule) + 1) / 1000));
  return { allowed: false, retryAfterSeconds, next: state };
}

/** Whether the key is over its limit now, without counting a call. */
export function peek(
  stored: WindowState | undefined,
  now: number,
  rule: LimitRule,
): LimitDecision {
  const decision = decide(stored, now, rule);
  return decision.allowed
    ? { allowed: true, retryAfterSeconds: 0, next: rollTo(stored, now, rule) }
    : decision;
}
