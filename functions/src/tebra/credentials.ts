// Tebra's API credentials, from one secret whose value is JSON
// `{"customerKey": …, "user": …, "password": …}`. The version read is the alias "current"
// when the secret has one (so a rotation can stage a version before switching to it), else
// the newest enabled one. Reads go through the store's short cache; a missing, disabled,
// empty or malformed secret fails the call at once as `configuration`, naming the secret
// but never a value.
import { z } from "zod";
import { SecretUnavailableError, type SecretStore } from "../platform/secrets.ts";
import * as logs from "../logs.ts";
import { TebraError } from "./errors.ts";
import type { TebraCredentials } from "./requests.ts";

export const CURRENT_ALIAS = "current";

const credentialsSchema = z.object({
  customerKey: z.string().trim().min(1),
  user: z.string().trim().min(1),
  password: z.string().min(1),
});

export interface CredentialSource {
  get(): Promise<TebraCredentials>;
  /** Tebra refused them: read the secret again on the next call. */
  invalidate(): void;
}

interface InvalidatingStore extends SecretStore {
  invalidate?(secret?: string): void;
}

export class SecretCredentials implements CredentialSource {
  private readonly store: InvalidatingStore;
  private readonly secret: string;
  private lastVersion: string | null = null;

  constructor(store: InvalidatingStore, secret: string) {
    this.store = store;
    this.secret = secret;
  }

  private async read() {
    try {
      return await this.store.access(this.secret, CURRENT_ALIAS);
    } catch (error) {
      if (!(error instanceof SecretUnavailableError) || error.reason !== "not-found") {
        throw error;
      }
      return this.store.access(this.secret, "latest");
    }
  }

  async get(): Promise<TebraCredentials> {
    let value;
    try {
      value = await this.read();
    } catch (error) {
      const reason =
        error instanceof SecretUnavailableError ? error.reason : "secret-store-failed";
      logs.secretUnavailable(this.secret, reason);
      throw new TebraError("configuration", { reason: `secret-${reason}` });
    }

    let json: unknown;
    try {
      json = JSON.parse(value.value);
    } catch {
      json = null;
    }
    const parsed = credentialsSchema.safeParse(json);
    if (!parsed.success) {
      // A fixed version may follow soon: do not keep serving the malformed one.
      this.invalidate();
      logs.secretUnavailable(this.secret, "malformed");
      throw new TebraError("configuration", { reason: "secret-malformed" });
    }
    if (value.version !== this.lastVersion) {
      this.lastVersion = value.version;
      logs.secretLoaded(this.secret, value.version);
    }
    return parsed.data;
  }

  invalidate(): void {
    this.store.invalidate?.(this.secret);
  }
}

/** Fixed credentials (unit tests and the benchmark). */
export function fixedCredentials(credentials: TebraCredentials): CredentialSource {
  return { get: () => Promise.resolve(credentials), invalidate: () => undefined };
}
