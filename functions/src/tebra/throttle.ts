// Outbound throttling shared by every function instance. Tebra counts its per-operation
// intervals per account, so a limiter inside one instance is not enough: each call first
// reserves a start time ("slot") in Firestore, in a transaction on the operation's document
// `tebraThrottle/{operation}`, and then waits for it.
//
//   slot       = max(now, nextSlotAt)
//   nextSlotAt = slot + interval + margin
//
// Transactions on one document are serialised, so two instances can never be given slots
// closer than interval + margin, and a slot whose transaction committed late (more than half
// the margin after it) is given up rather than used. The interval is Tebra's current one (GetThrottles, cached
// in `tebraThrottle/GetThrottles`) or else the documented one; the margin (at least 250 ms)
// absorbs clock skew between instances and Tebra's own rounding (quirk 24). When Tebra
// throttles a call anyway, `penalize` pushes the operation's next slot past the wait it named.
import type { Firestore } from "firebase-admin/firestore";
import { TebraError } from "./errors.ts";
import { OPERATIONS, OPERATION_TRAITS, type Operation } from "./operations.ts";
import type { ThrottleEntry } from "./results.ts";

export const THROTTLE_COLLECTION = "tebraThrottle";
/** The document holding the GetThrottles table (it is also GetThrottles' own slot). */
const TABLE_FIELD = "table";

export const MIN_MARGIN_MS = 250;

export interface Throttle {
  /** Waits until this instance may call `operation`. */
  acquire(operation: Operation): Promise<void>;
  /** Takes a slot only if one is free now (used for GetThrottles' own refresh). */
  tryAcquire(operation: Operation): Promise<boolean>;
  /** Tebra throttled a call: nobody calls `operation` for `waitMs` (plus the margin). */
  penalize(operation: Operation, waitMs: number): Promise<void>;
  /** Whether GetThrottles should be asked again: the shared table is missing or old. */
  tableIsStale(): Promise<boolean>;
  /** Applies (and shares) a fresh GetThrottles table. */
  useTable(entries: readonly ThrottleEntry[]): Promise<ThrottleTable>;
}

/** Raised when the shared state cannot be read or written; the call is not made. */
export class ThrottleStoreError extends Error {
  override name = "ThrottleStoreError";
}

export interface ThrottleTable {
  /** Interval per operation from GetThrottles, in milliseconds. */
  intervals: Partial<Record<Operation, number>>;
  fetchedAt: number;
}

/** Maps GetThrottles' endpoint names onto our operations, loosely (case, prefixes). */
export function throttleTableFrom(
  entries: readonly ThrottleEntry[],
  now: number,
): ThrottleTable {
  const normal = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");
  const intervals: Partial<Record<Operation, number>> = {};
  for (const entry of entries) {
    const endpoint = normal(entry.endpoint);
    const operation = OPERATIONS.find((op) => {
      const name = normal(op);
      return endpoint === name || endpoint.endsWith(name);
    });
    if (operation) intervals[operation] = Math.ceil(entry.intervalMs);
  }
  return { intervals, fetchedAt: now };
}

export interface FirestoreThrottleOptions {
  marginMs: number;
  /** A slot further away than this is refused as `throttled` instead of waited for. */
  maxWaitMs: number;
  /** How long the cached GetThrottles table is trusted before it is refreshed. */
  tableTtlMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export class FirestoreThrottle implements Throttle {
  private readonly db: Firestore;
  private readonly options: Required<FirestoreThrottleOptions>;
  private table: ThrottleTable | null = null;
  private tableReadAt = -Infinity;
  private readonly queues = new Map<Operation, Promise<void>>();

  constructor(db: Firestore, options: FirestoreThrottleOptions) {
    this.db = db;
    this.options = {
      now: () => Date.now(),
      sleep: realSleep,
      ...options,
      marginMs: Math.max(MIN_MARGIN_MS, options.marginMs),
    };
  }

  private doc(operation: Operation) {
    return this.db.collection(THROTTLE_COLLECTION).doc(operation);
  }

  /** The spacing between two calls of `operation` right now. */
  spacingMs(operation: Operation): number {
    const live = this.table?.intervals[operation];
    const interval = live ?? OPERATION_TRAITS[operation].documentedIntervalMs;
    return interval + this.options.marginMs;
  }

  /**
   * Reserves the next slot and answers it (milliseconds since the epoch). Reservations of
   * one operation queue inside this instance, so Firestore sees at most one transaction per
   * operation per instance: contention on the document comes only from other instances.
   */
  reserve(operation: Operation, maxWaitMs = this.options.maxWaitMs): Promise<number> {
    const previous = this.queues.get(operation) ?? Promise.resolve();
    const next = previous.then(() => this.reserveNow(operation, maxWaitMs));
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(operation, settled);
    void settled.then(() => {
      if (this.queues.get(operation) === settled) this.queues.delete(operation);
    });
    return next;
  }

  private async reserveNow(operation: Operation, maxWaitMs: number): Promise<number> {
    const spacing = this.spacingMs(operation);
    const ref = this.doc(operation);
    try {
      return await this.db.runTransaction(async (tx) => {
        const snapshot = await tx.get(ref);
        const now = this.options.now();
        const next = Number(snapshot.get("nextSlotAt") ?? 0);
        const slot = Math.max(now, Number.isFinite(next) ? next : 0);
        if (slot - now > maxWaitMs) {
          throw new TebraError("throttled", {
            operation,
            retryAfterMs: slot - now,
            reason: "local-queue",
            retryable: false,
          });
        }
        tx.set(ref, { nextSlotAt: slot + spacing, spacingMs: spacing }, { merge: true });
        return slot;
      });
    } catch (error) {
      if (error instanceof TebraError) throw error;
      throw new ThrottleStoreError("the shared throttle state is unavailable");
    }
  }

  /**
   * Waits for a slot. A slot is only safe to use close to its time: the next holder may
   * start at slot + interval + margin, so a caller that finds itself more than half the
   * margin past its slot (a transaction that committed late, a timer that fired late on a
   * busy instance) gives it up and reserves another.
   */
  async acquire(operation: Operation): Promise<void> {
    await this.loadTable();
    const lateness = Math.floor(this.options.marginMs / 2);
    for (let attempt = 1; attempt <= 4; attempt++) {
      const slot = await this.reserve(operation);
      const wait = slot - this.options.now();
      if (wait > 0) await this.options.sleep(wait);
      if (this.options.now() - slot <= lateness) return;
    }
    throw new TebraError("throttled", {
      operation,
      retryAfterMs: this.spacingMs(operation),
      reason: "slot-missed",
    });
  }

  async tryAcquire(operation: Operation): Promise<boolean> {
    try {
      await this.reserve(operation, 0);
      return true;
    } catch (error) {
      if (error instanceof TebraError) return false;
      throw error;
    }
  }

  async penalize(operation: Operation, waitMs: number): Promise<void> {
    const ref = this.doc(operation);
    try {
      await this.db.runTransaction(async (tx) => {
        const snapshot = await tx.get(ref);
        const until = this.options.now() + waitMs + this.options.marginMs;
        const next = Number(snapshot.get("nextSlotAt") ?? 0);
        if (next < until) tx.set(ref, { nextSlotAt: until }, { merge: true });
      });
    } catch {
      // The reservation will still space calls; the retry waits at least `waitMs`.
    }
  }

  // ---- The GetThrottles table -----------------------------------------------------------

  private stale(): boolean {
    return (
      !this.table || this.options.now() - this.table.fetchedAt > this.options.tableTtlMs
    );
  }

  async tableIsStale(): Promise<boolean> {
    await this.loadTable();
    return this.stale();
  }

  /** Reads the shared table at most once a minute per instance. */
  async loadTable(): Promise<ThrottleTable | null> {
    const now = this.options.now();
    if (this.table && !this.stale()) return this.table;
    if (now - this.tableReadAt < 60_000) return this.table;
    this.tableReadAt = now;
    try {
      const snapshot = await this.doc("GetThrottles").get();
      const stored = snapshot.get(TABLE_FIELD) as ThrottleTable | undefined;
      if (stored && typeof stored.fetchedAt === "number") this.table = stored;
    } catch {
      // Documented intervals apply until the table can be read.
    }
    return this.table;
  }

  /** Applies a table fetched from GetThrottles and stores it for every instance. */
  async useTable(entries: readonly ThrottleEntry[]): Promise<ThrottleTable> {
    const table = throttleTableFrom(entries, this.options.now());
    this.table = table;
    await this.doc("GetThrottles").set({ [TABLE_FIELD]: table }, { merge: true });
    return table;
  }

  /** The table this instance uses, for tests and the health of the limiter. */
  currentTable(): ThrottleTable | null {
    return this.table;
  }
}

/** No shared state: spacing within this process only (tests and the benchmark). */
export class LocalThrottle implements Throttle {
  private readonly next = new Map<Operation, number>();
  private readonly marginMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    options: {
      marginMs?: number;
      now?: () => number;
      sleep?: (ms: number) => Promise<void>;
    } = {},
  ) {
    this.marginMs = options.marginMs ?? MIN_MARGIN_MS;
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? realSleep;
  }

  private table: ThrottleTable | null = null;

  private spacing(operation: Operation): number {
    const live = this.table?.intervals[operation];
    return (live ?? OPERATION_TRAITS[operation].documentedIntervalMs) + this.marginMs;
  }

  async acquire(operation: Operation): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.next.get(operation) ?? 0);
    this.next.set(operation, slot + this.spacing(operation));
    if (slot > now) await this.sleep(slot - now);
  }

  tryAcquire(operation: Operation): Promise<boolean> {
    const now = this.now();
    if ((this.next.get(operation) ?? 0) > now) return Promise.resolve(false);
    this.next.set(operation, now + this.spacing(operation));
    return Promise.resolve(true);
  }

  penalize(operation: Operation, waitMs: number): Promise<void> {
    const until = this.now() + waitMs + this.marginMs;
    if ((this.next.get(operation) ?? 0) < until) this.next.set(operation, until);
    return Promise.resolve();
  }

  /** Never refreshed on its own; tests and the benchmark call useTable when they want. */
  tableIsStale(): Promise<boolean> {
    return Promise.resolve(false);
  }

  useTable(entries: readonly ThrottleEntry[]): Promise<ThrottleTable> {
    this.table = throttleTableFrom(entries, this.now());
    return Promise.resolve(this.table);
  }
}

/** No spacing at all (unit tests of other behaviour). */
export const NO_THROTTLE: Throttle = {
  acquire: () => Promise.resolve(),
  tryAcquire: () => Promise.resolve(true),
  penalize: () => Promise.resolve(),
  tableIsStale: () => Promise.resolve(false),
  useTable: (entries) => Promise.resolve(throttleTableFrom(entries, Date.now())),
};
