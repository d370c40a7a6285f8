// Rate limits shared by every function instance: one small document per key in
// `rateLimits`, read and updated in a transaction. A refused call writes nothing, so a key's
// write rate never exceeds its own limit (120 calls a minute is two writes a second at
// most, within what one Firestore document sustains). `expiresAt` lets a TTL policy on the
// collection remove idle keys.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import {
  decide,
  peek,
  type LimitDecision,
  type LimitRule,
  type WindowState,
} from "./window.ts";

export const RATE_LIMITS = "rateLimits";

export interface RateLimiter {
  /** Counts one call against the key when it fits; a refused call is not counted. */
  consume(key: string, rule: LimitRule): Promise<LimitDecision>;
  /** Whether the key is over its limit now, without counting. */
  check(key: string, rule: LimitRule): Promise<LimitDecision>;
}

interface StoredWindow {
  windowStart: number;
  current: number;
  previous: number;
  expiresAt: Timestamp;
}

function stateOf(data: unknown): WindowState | undefined {
  const stored = data as Partial<StoredWindow> | undefined;
  if (
    typeof stored?.windowStart !== "number" ||
    typeof stored.current !== "number" ||
    typeof stored.previous !== "number"
  ) {
    return undefined;
  }
  return {
    windowStart: stored.windowStart,
    current: stored.current,
    previous: stored.previous,
  };
}

/** A document id from a key: "/" and other characters Firestore refuses are escaped. */
export function rateLimitDocId(key: string): string {
  return encodeURIComponent(key).replace(/\./g, "%2E").slice(0, 1400);
}

export class FirestoreRateLimiter implements RateLimiter {
  private readonly firestore: Firestore;
  private readonly now: () => number;

  constructor(firestore: Firestore, now: () => number = Date.now) {
    this.firestore = firestore;
    this.now = now;
  }

  consume(key: string, rule: LimitRule): Promise<LimitDecision> {
    const ref = this.firestore.collection(RATE_LIMITS).doc(rateLimitDocId(key));
    return this.firestore.runTransaction(async (transaction) => {
      const snapshot = await transaction.get(ref);
      const now = this.now();
      const decision = decide(stateOf(snapshot.data()), now, rule);
      if (decision.allowed) {
        const stored: StoredWindow = {
          ...decision.next,
          // Two windows on, the key's count no longer matters to any decision.
          expiresAt: Timestamp.fromMillis(
            decision.next.windowStart + 2 * rule.windowSeconds * 1000,
          ),
        };
        transaction.set(ref, stored);
      }
      return decision;
    });
  }

  async check(key: string, rule: LimitRule): Promise<LimitDecision> {
    const ref = this.firestore.collection(RATE_LIMITS).doc(rateLimitDocId(key));
    const snapshot = await ref.get();
    return peek(stateOf(snapshot.data()), this.now(), rule);
  }
}

/** The same arithmetic in one process's memory: for unit tests of the callers. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, WindowState>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  consume(key: string, rule: LimitRule): Promise<LimitDecision> {
    const decision = decide(this.windows.get(key), this.now(), rule);
    if (decision.allowed) this.windows.set(key, decision.next);
    return Promise.resolve(decision);
  }

  check(key: string, rule: LimitRule): Promise<LimitDecision> {
    return Promise.resolve(peek(this.windows.get(key), this.now(), rule));
  }
}
