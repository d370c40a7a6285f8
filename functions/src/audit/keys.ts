// The HMAC keys that sign seals, from the secret store. New seals use the newest enabled
// version and record its number; the verifier reads the version a seal names, so a rotated
// key still verifies what it sealed as long as its version stays enabled. Key versions are
// immutable, so a value once read is kept for the life of the process.
import { randomBytes } from "node:crypto";
import {
  SecretUnavailableError,
  type SecretStore,
  type SecretValue,
} from "../platform/secrets.ts";

export class SealKeys {
  private readonly store: SecretStore;
  private readonly secret: string;
  private readonly byVersion = new Map<string, Promise<string | null>>();

  constructor(store: SecretStore, secret: string) {
    this.store = store;
    this.secret = secret;
  }

  /**
   * The key new seals are signed with. On a project's first seal there is none yet: the
   * sealer creates the first version (32 random bytes) so the trail never waits on a person.
   */
  async current(): Promise<SecretValue> {
    try {
      return await this.store.access(this.secret, "latest");
    } catch (error) {
      if (!(error instanceof SecretUnavailableError) || error.reason !== "not-found")
        throw error;
      const versions = await this.store.listVersions(this.secret);
      if (versions.length > 0) throw error;
      await this.store.addVersion(this.secret, randomBytes(32).toString("base64url"));
      return this.store.access(this.secret, "latest");
    }
  }

  /** The value of a version, or null when it is missing, disabled or destroyed. */
  version(version: string): Promise<string | null> {
    let value = this.byVersion.get(version);
    if (!value) {
      value = this.store.access(this.secret, version).then(
        (secret) => secret.value,
        (error: unknown) => {
          // A failure to reach the store is not a verdict on the seal: try again next time.
          this.byVersion.delete(version);
          if (error instanceof SecretUnavailableError) return null;
          throw error;
        },
      );
      this.byVersion.set(version, value);
    }
    return value;
  }
}
