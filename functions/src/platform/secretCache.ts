// A SecretStore that remembers what it read for a short time. Secrets are read per call
// (never fixed at deploy time), and this cache bounds how often: a new version, or an
// alias moved to another version, takes effect within `ttlMs` on every instance without a
// redeploy. Only successful reads are cached, and any change made through the store
// forgets the secret at once.
import type { SecretStore, SecretValue, SecretVersionInfo } from "./secrets.ts";

export const DEFAULT_SECRET_CACHE_MS = 5 * 60_000;

interface Entry {
  value: SecretValue;
  readAt: number;
}

export class CachingSecretStore implements SecretStore {
  private readonly inner: SecretStore;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<SecretValue>>();

  constructor(
    inner: SecretStore,
    ttlMs = DEFAULT_SECRET_CACHE_MS,
    now = () => Date.now(),
  ) {
    this.inner = inner;
    this.ttlMs = ttlMs;
    this.now = now;
  }

  private key(secret: string, versionOrAlias: string): string {
    return `${secret}\u0000${versionOrAlias}`;
  }

  access(secret: string, versionOrAlias = "latest"): Promise<SecretValue> {
    const key = this.key(secret, versionOrAlias);
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.readAt < this.ttlMs)
      return Promise.resolve(entry.value);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = Promise.resolve()
        .then(() => this.inner.access(secret, versionOrAlias))
        .then((value) => {
          this.entries.set(key, { value, readAt: this.now() });
          return value;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** Forgets one secret (or all), e.g. after Tebra refused the credentials. */
  invalidate(secret?: string): void {
    for (const key of [...this.entries.keys()]) {
      if (secret === undefined || key.startsWith(`${secret}\u0000`))
        this.entries.delete(key);
    }
  }

  listVersions(secret: string): Promise<SecretVersionInfo[]> {
    return this.inner.listVersions(secret);
  }

  async addVersion(secret: string, value: string): Promise<string> {
    try {
      return await this.inner.addVersion(secret, value);
    } finally {
      this.invalidate(secret);
    }
  }

  async disableVersion(secret: string, version: string): Promise<void> {
    try {
      return await this.inner.disableVersion(secret, version);
    } finally {
      this.invalidate(secret);
    }
  }

  async enableVersion(secret: string, version: string): Promise<void> {
    try {
      return await this.inner.enableVersion(secret, version);
    } finally {
      this.invalidate(secret);
    }
  }

  aliases(secret: string): Promise<Record<string, string>> {
    return this.inner.aliases(secret);
  }

  async setAlias(secret: string, alias: string, version: string): Promise<void> {
    try {
      return await this.inner.setAlias(secret, alias, version);
    } finally {
      this.invalidate(secret);
    }
  }
}
