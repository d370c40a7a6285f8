// Whether an incident lockdown is in force: `config/runtime` field `lockdown.active`. While
// it is, the guard refuses everyone but admins. Every call reads it, so each instance keeps
// the answer for at most ten seconds: a lockdown takes hold everywhere within that time.
import type { Firestore } from "firebase-admin/firestore";

export const RUNTIME_CONFIG_DOC = "config/runtime";
export const LOCKDOWN_CACHE_MS = 10_000;

export function isLockdownActive(data: unknown): boolean {
  const lockdown = (data as { lockdown?: { active?: unknown } } | undefined)?.lockdown;
  return lockdown?.active === true;
}

export class LockdownState {
  private readonly firestore: () => Firestore;
  private readonly now: () => number;
  private readonly cacheMs: number;
  private cached: { active: boolean; readAt: number } | undefined;

  constructor(
    firestore: () => Firestore,
    now: () => number = Date.now,
    cacheMs = LOCKDOWN_CACHE_MS,
  ) {
    this.firestore = firestore;
    this.now = now;
    this.cacheMs = cacheMs;
  }

  /** A failed read rejects: the caller fails closed rather than guess. */
  async active(): Promise<boolean> {
    const cached = this.cached;
    if (cached && this.now() - cached.readAt < this.cacheMs) return cached.active;
    const snapshot = await this.firestore().doc(RUNTIME_CONFIG_DOC).get();
    const active = isLockdownActive(snapshot.data());
    this.cached = { active, readAt: this.now() };
    return active;
  }

  /** Forgets the cached answer (after this instance itself changed the lockdown). */
  forget(): void {
    this.cached = undefined;
  }
}
