// Secrets through one small interface, shaped after Secret Manager: named secrets with
// numbered versions, a state per version, and aliases ("current") that point at a version.
// Production uses Secret Manager (secretManager.ts); the emulator and the tests use the
// in-memory store below, because Secret Manager has no local server.
//
// Values are read per call (through a short cache), never from an environment variable
// fixed at deploy time, so a new version takes effect within minutes without a redeploy.

export type SecretVersionState = "enabled" | "disabled" | "destroyed";

export interface SecretVersionInfo {
  /** The version number as a string ("1", "2", …). */
  version: string;
  state: SecretVersionState;
  createTime: Date;
}

export interface SecretValue {
  version: string;
  value: string;
}

export interface SecretStore {
  /** The value of a version, an alias ("current") or "latest" (newest enabled). */
  access(secret: string, versionOrAlias?: string): Promise<SecretValue>;
  /** Every version, newest first. */
  listVersions(secret: string): Promise<SecretVersionInfo[]>;
  /** Adds a version and answers its number. */
  addVersion(secret: string, value: string): Promise<string>;
  disableVersion(secret: string, version: string): Promise<void>;
  enableVersion(secret: string, version: string): Promise<void>;
  /** The secret's aliases, alias → version. */
  aliases(secret: string): Promise<Record<string, string>>;
  setAlias(secret: string, alias: string, version: string): Promise<void>;
}

/** Raised when a secret, version or alias does not exist or is not enabled. */
export class SecretUnavailableError extends Error {
  override name = "SecretUnavailableError";
  readonly secret: string;
  readonly reason: "not-found" | "disabled" | "empty";

  constructor(secret: string, reason: "not-found" | "disabled" | "empty") {
    // The message names the secret, never a value.
    super(`secret ${secret} is unavailable: ${reason}`);
    this.secret = secret;
    this.reason = reason;
  }
}

interface StoredVersion extends SecretVersionInfo {
  value: string;
}

interface StoredSecret {
  versions: StoredVersion[];
  aliases: Record<string, string>;
}

/** An in-memory store for the emulator and the tests. */
export class InMemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, StoredSecret>();

  private readonly now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.now = now;
  }

  private secret(name: string, create = false): StoredSecret {
    let secret = this.secrets.get(name);
    if (!secret && create) {
      secret = { versions: [], aliases: {} };
      this.secrets.set(name, secret);
    }
    if (!secret) throw new SecretUnavailableError(name, "not-found");
    return secret;
  }

  private find(name: string, version: string): StoredVersion {
    const found = this.secret(name).versions.find((v) => v.version === version);
    if (!found) throw new SecretUnavailableError(name, "not-found");
    return found;
  }

  access(name: string, versionOrAlias = "latest"): Promise<SecretValue> {
    const secret = this.secret(name);
    let stored: StoredVersion | undefined;
    if (versionOrAlias === "latest") {
      stored = secret.versions.find((v) => v.state === "enabled");
    } else {
      const version = secret.aliases[versionOrAlias] ?? versionOrAlias;
      stored = secret.versions.find((v) => v.version === version);
    }
    if (!stored) return Promise.reject(new SecretUnavailableError(name, "not-found"));
    if (stored.state !== "enabled") {
      return Promise.reject(new SecretUnavailableError(name, "disabled"));
    }
    if (!stored.value) return Promise.reject(new SecretUnavailableError(name, "empty"));
    return Promise.resolve({ version: stored.version, value: stored.value });
  }

  listVersions(name: string): Promise<SecretVersionInfo[]> {
    const versions = this.secrets.get(name)?.versions ?? [];
    return Promise.resolve(
      versions.map(({ version, state, createTime }) => ({ version, state, createTime })),
    );
  }

  addVersion(name: string, value: string): Promise<string> {
    const secret = this.secret(name, true);
    const version = String(secret.versions.length + 1);
    secret.versions.unshift({ version, value, state: "enabled", createTime: this.now() });
    return Promise.resolve(version);
  }

  disableVersion(name: string, version: string): Promise<void> {
    this.find(name, version).state = "disabled";
    return Promise.resolve();
  }

  enableVersion(name: string, version: string): Promise<void> {
    this.find(name, version).state = "enabled";
    return Promise.resolve();
  }

  aliases(name: string): Promise<Record<string, string>> {
    return Promise.resolve({ ...(this.secrets.get(name)?.aliases ?? {}) });
  }

  setAlias(name: string, alias: string, version: string): Promise<void> {
    this.find(name, version);
    this.secret(name).aliases[alias] = version;
    return Promise.resolve();
  }
}
