// The kill switch: Firestore `config/runtime`, field `tebraEnabled` (boolean; missing means
// enabled). Every Tebra call checks it first; the value is cached for at most 10 seconds,
// so switching Tebra off takes effect on every instance within that time. If the document
// cannot be read, the last value read in the past 5 minutes stands; with none, calls are
// refused rather than risk calling Tebra while it is meant to be off.
import type { Firestore } from "firebase-admin/firestore";
import { TebraError } from "./errors.ts";
import type { Operation } from "./operations.ts";
import * as logs from "../logs.ts";

export const RUNTIME_CONFIG_PATH = "config/runtime";
export const KILL_SWITCH_FIELD = "tebraEnabled";
export const KILL_SWITCH_TTL_MS = 10_000;
const LAST_KNOWN_GRACE_MS = 5 * 60_000;

export interface KillSwitch {
  /** Whether Tebra may be called now. */
  enabled(): Promise<boolean>;
  /** Refuses with `unavailable` "Tebra access is switched off" when it may not. */
  assertEnabled(operation: Operation): Promise<void>;
}

export class CachedKillSwitch implements KillSwitch {
  private readonly read: () => Promise<boolean>;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private value: boolean | null = null;
  private readAt = -Infinity;
  private inFlight: Promise<boolean> | null = null;

  constructor(
    read: () => Promise<boolean>,
    ttlMs = KILL_SWITCH_TTL_MS,
    now = () => Date.now(),
  ) {
    this.read = read;
    this.ttlMs = Math.min(ttlMs, KILL_SWITCH_TTL_MS);
    this.now = now;
  }

  async enabled(): Promise<boolean> {
    if (this.value !== null && this.now() - this.readAt < this.ttlMs) return this.value;
    this.inFlight ??= this.refresh().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async refresh(): Promise<boolean> {
    try {
      this.value = await this.read();
      this.readAt = this.now();
      return this.value;
    } catch {
      if (this.value !== null && this.now() - this.readAt < LAST_KNOWN_GRACE_MS) {
        return this.value;
      }
      throw new TebraError("transient", { reason: "kill-switch-unreadable" });
    }
  }

  async assertEnabled(operation: Operation): Promise<void> {
    if (await this.enabled()) return;
    logs.tebraSwitchedOff(operation);
    throw new TebraError("switched-off", { operation });
  }
}

/** Reads `config/runtime.tebraEnabled`: anything but an explicit false is enabled. */
export function firestoreKillSwitch(db: Firestore, ttlMs?: number): CachedKillSwitch {
  return new CachedKillSwitch(async () => {
    const snapshot = await db.doc(RUNTIME_CONFIG_PATH).get();
    return snapshot.get(KILL_SWITCH_FIELD) !== false;
  }, ttlMs);
}

/** Always on (unit tests of other behaviour, the benchmark). */
export const ALWAYS_ENABLED: KillSwitch = {
  enabled: () => Promise.resolve(true),
  assertEnabled: () => Promise.resolve(),
};
