// The practice's reference data (providers, service locations, the practice) changes a few
// times a year, and every Tebra call costs a throttle slot, so each instance keeps what it
// read for REFERENCE_TTL_MS. Callers that ask at once while the entry is missing share one
// Tebra call; a failed load is not kept, so the next call tries again.
import * as logs from "../logs.ts";

export const REFERENCE_TTL_MS = 10 * 60_000;

interface Entry {
  value: Promise<unknown>;
  loadedAt: number;
}

export interface ReferenceCacheOptions {
  ttlMs?: number;
  now?: () => number;
}

export class ReferenceCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: ReferenceCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? REFERENCE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The cached value of `key`, or what `load` answers (then cached). */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry && now - entry.loadedAt < this.ttlMs) return entry.value as Promise<T>;

    const value = load().then(
      (loaded) => {
        logs.referenceDataLoaded(key, Array.isArray(loaded) ? loaded.length : 1);
        return loaded;
      },
      (error: unknown) => {
        if (this.entries.get(key)?.value === value) this.entries.delete(key);
        throw error;
      },
    );
    this.entries.set(key, { value, loadedAt: now });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
