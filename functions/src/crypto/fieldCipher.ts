// Encryption of sensitive fields the backend stores for its own use (break-glass reasons,
// cached patient details): AES-256-GCM under a key held in Secret Manager. Every ciphertext
// names the key version that sealed it, so a rotated key leaves old data readable for as
// long as its version stays enabled. The associated data binds a ciphertext to its place
// (document path and field), so it cannot be copied into another record and still open.
//
// Envelope: "enc:v1:<keyVersion>:<iv>:<tag>:<ciphertext>", the last three base64url.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { SecretStore } from "../platform/secrets.ts";

const PREFIX = "enc:v1:";
const IV_BYTES = 12;
const KEY_BYTES = 32;

export class FieldCipherError extends Error {
  override name = "FieldCipherError";
}

export function isEnvelope(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

export interface FieldCipherOptions {
  /** The secret holding base64 keys of 32 bytes, one per version. */
  secretName: string;
  /** How long the newest version is remembered before asking the store again. */
  latestTtlMs?: number;
  now?: () => number;
}

export class FieldCipher {
  private readonly store: SecretStore;
  private readonly secretName: string;
  private readonly latestTtlMs: number;
  private readonly now: () => number;
  /** Versions never change once written, so their keys are kept for the process's life. */
  private readonly keys = new Map<string, Buffer>();
  private latest: { version: string; fetchedAt: number } | undefined;

  constructor(store: SecretStore, options: FieldCipherOptions) {
    this.store = store;
    this.secretName = options.secretName;
    this.latestTtlMs = options.latestTtlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  private remember(version: string, encoded: string): Buffer {
    const key = Buffer.from(encoded, "base64");
    if (key.length !== KEY_BYTES) {
      throw new FieldCipherError(`key version ${version} is not ${KEY_BYTES} bytes`);
    }
    this.keys.set(version, key);
    return key;
  }

  private async currentKey(): Promise<{ version: string; key: Buffer }> {
    const cached = this.latest;
    if (cached && this.now() - cached.fetchedAt < this.latestTtlMs) {
      const key = this.keys.get(cached.version);
      if (key) return { version: cached.version, key };
    }
    const aliases = await this.store.aliases(this.secretName);
    const secret = await this.store.access(
      this.secretName,
      aliases["current"] ?? "latest",
    );
    this.latest = { version: secret.version, fetchedAt: this.now() };
    return { version: secret.version, key: this.remember(secret.version, secret.value) };
  }

  private async keyFor(version: string): Promise<Buffer> {
    const known = this.keys.get(version);
    if (known) return known;
    const secret = await this.store.access(this.secretName, version);
    return this.remember(version, secret.value);
  }

  async encrypt(plaintext: string, associatedData: string): Promise<string> {
    const { version, key } = await this.currentKey();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(associatedData, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [PREFIX + version, iv, tag, body]
      .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
      .join(":");
  }

  async decrypt(envelope: string, associatedData: string): Promise<string> {
    if (!isEnvelope(envelope)) throw new FieldCipherError("not an encrypted field");
    const parts = envelope.slice(PREFIX.length).split(":");
    if (parts.length !== 4) throw new FieldCipherError("malformed encrypted field");
    const [version, iv, tag, body] = parts as [string, string, string, string];
    const key = await this.keyFor(version);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(associatedData, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      const plain = Buffer.concat([
        decipher.update(Buffer.from(body, "base64url")),
        decipher.final(),
      ]);
      return plain.toString("utf8");
    } catch {
      // The cause would say only "unable to authenticate data"; the field is what matters.
      throw new FieldCipherError("encrypted field failed authentication");
    }
  }

  /** The key version an envelope was sealed with, for re-encryption after rotation. */
  static keyVersionOf(envelope: string): string | undefined {
    return isEnvelope(envelope) ? envelope.slice(PREFIX.length).split(":")[0] : undefined;
  }
}

/** A fresh random key, base64, for a new secret version. */
export function newFieldKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}
