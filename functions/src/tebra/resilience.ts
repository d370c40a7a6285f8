// Timeouts, retries and the circuit breaker, from cockatiel.
//
// - Every attempt has a timeout.
// - Reads are retried after transient failures (faults, 5xx, resets, timeouts) and after
//   throttling, with decorrelated-jitter exponential backoff; a throttled retry waits at
//   least the interval Tebra named. Writes are never retried: after a timeout the first
//   attempt may have succeeded.
// - A breaker opens after consecutive transient failures and lets one trial call through
//   after a pause; its state is shown by the `health` function. It lives per process.
import {
  ConsecutiveBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  TimeoutStrategy,
  circuitBreaker,
  decorrelatedJitterGenerator,
  handleWhen,
  retry,
  timeout,
  wrap,
  CircuitState,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IPolicy,
  type IRetryBackoffContext,
  type TimeoutPolicy,
} from "cockatiel";
import { isTebraError } from "./errors.ts";
import * as logs from "../logs.ts";

export interface ResilienceOptions {
  /** Per attempt, in milliseconds. */
  timeoutMs: number;
  /** Retries after the first attempt, for reads. */
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive transient failures that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before a trial call. */
  halfOpenAfterMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  timeoutMs: 30_000,
  retries: 2,
  initialDelayMs: 250,
  maxDelayMs: 8_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 30_000,
};

export type BreakerState = "closed" | "open" | "half-open" | "isolated";

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "isolated",
};

export interface Resilience {
  /** Retries (reads only) around the breaker. */
  read: IPolicy;
  /** The breaker alone. */
  write: IPolicy;
  /** Wraps each attempt. */
  timeout: TimeoutPolicy;
  breaker: CircuitBreakerPolicy;
  breakerState(): BreakerState;
}

/** Backoff for a retried read: jittered exponential, never shorter than Tebra's wait. */
function readBackoff(options: ResilienceOptions) {
  const exponential = new ExponentialBackoff({
    generator: decorrelatedJitterGenerator,
    initialDelay: options.initialDelayMs,
    maxDelay: options.maxDelayMs,
  });
  return new DelegateBackoff<
    IRetryBackoffContext<unknown>,
    IBackoff<unknown> | undefined
  >((context, state) => {
    const next = state ? state.next(context) : exponential.next();
    const error = "error" in context.result ? context.result.error : undefined;
    const tebraWait = isTebraError(error, "throttled") ? (error.retryAfterMs ?? 0) : 0;
    return { delay: Math.max(next.duration, tebraWait), state: next };
  });
}

export function createResilience(
  options: ResilienceOptions = DEFAULT_RESILIENCE,
): Resilience {
  const breaker = circuitBreaker(
    handleWhen((error) => isTebraError(error) && error.tripsBreaker),
    {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    },
  );
  breaker.onStateChange((state) => logs.tebraBreakerStateChanged(STATE_NAMES[state]));

  const retries = retry(
    handleWhen((error) => isTebraError(error) && error.retryable),
    { maxAttempts: options.retries, backoff: readBackoff(options) },
  );

  return {
    read: wrap(retries, breaker),
    write: breaker,
    timeout: timeout(options.timeoutMs, TimeoutStrategy.Aggressive),
    breaker,
    breakerState: () => STATE_NAMES[breaker.state],
  };
}

let processResilience: Resilience | undefined;

/** The process's policies: one breaker for every Tebra call this instance makes. */
export function sharedResilience(options?: ResilienceOptions): Resilience {
  processResilience ??= createResilience(options);
  return processResilience;
}

/** The breaker state of this instance, or "closed" before the first call. */
export function sharedBreakerState(): BreakerState {
  return processResilience?.breakerState() ?? "closed";
}
