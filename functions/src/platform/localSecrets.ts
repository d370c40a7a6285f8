// A SecretStore in Firestore for the local demo project only. Secret Manager has no
// emulator, and the emulator's function workers, the start script and the tests run in
// different processes, so they share secrets through the Firestore emulator: one document
// per secret in `_localSecrets`, with versions, states and aliases as Secret Manager has
// them. It refuses to run for any project whose id does not start with "demo-", which can
// never reach real Google services.
//
// The secrets a local stack needs are seeded on first read with synthetic values (the
// local Tebra accepts exactly these); no real credential is ever stored here.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import {
  SecretUnavailableError,
  type SecretStore,
  type SecretValue,
  type SecretVersionInfo,
  type SecretVersionState,
} from "./secrets.ts";

export const LOCAL_SECRETS_COLLECTION = "_localSecrets";

/** The local Tebra's synthetic API user (functions/dev/local-tebra accepts these). */
export const LOCAL_TEBRA_CREDENTIALS = {
  customerKey: "local-customer-key",
  user: "local-api-user",
  password: "local-password-not-secret",
} as const;

/** Secrets created on first read in a demo project, by name. */
export const LOCAL_SEEDS: Readonly<Record<string, string>> = {
  "tebra-credentials": JSON.stringify(LOCAL_TEBRA_CREDENTIALS),
};

interface StoredVersion {
  version: string;
  value: string;
  state: SecretVersionState;
  createTime: Timestamp;
}

interface StoredSecret {
  versions: StoredVersion[];
  aliases: Record<string, string>;
}

export function isDemoProject(projectId: string | undefined): boolean {
  return typeof projectId === "string" && projectId.startsWith("demo-");
}

export class FirestoreSecretStore implements SecretStore {
  private readonly db: Firestore;
  private readonly seeds: Readonly<Record<string, string>>;

  constructor(db: Firestore, projectId: string | undefined, seeds = LOCAL_SEEDS) {
    if (!isDemoProject(projectId)) {
      throw new Error("the Firestore secret store is for demo-* projects only");
    }
    this.db = db;
    this.seeds = seeds;
  }

  private ref(secret: string) {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(secret)) throw new Error("not a secret id");
    return this.db.collection(LOCAL_SECRETS_COLLECTION).doc(secret);
  }

  /** The stored secret, seeding it first when it is one of the local seeds. */
  private async read(secret: string): Promise<StoredSecret | null> {
    const ref = this.ref(secret);
    const snapshot = await ref.get();
    if (snapshot.exists) return snapshot.data() as StoredSecret;
    const seed = this.seeds[secret];
    if (seed === undefined) return null;
    return this.db.runTransaction(async (tx) => {
      const again = await tx.get(ref);
      if (again.exists) return again.data() as StoredSecret;
      const created: StoredSecret = {
        versions: [
          { version: "1", value: seed, state: "enabled", createTime: Timestamp.now() },
        ],
        aliases: {},
      };
      tx.set(ref, created);
      return created;
    });
  }

  private async change(
    secret: string,
    mutate: (stored: StoredSecret) => StoredSecret,
    create = false,
  ): Promise<StoredSecret> {
    await this.read(secret);
    const ref = this.ref(secret);
    return this.db.runTransaction(async (tx) => {
      const snapshot = await tx.get(ref);
      if (!snapshot.exists && !create)
        throw new SecretUnavailableError(secret, "not-found");
      const current = snapshot.exists
        ? (snapshot.data() as StoredSecret)
        : { versions: [], aliases: {} };
      const next = mutate(current);
      tx.set(ref, next);
      return next;
    });
  }

  async access(secret: string, versionOrAlias = "latest"): Promise<SecretValue> {
    const stored = await this.read(secret);
    if (!stored) throw new SecretUnavailableError(secret, "not-found");
    const found =
      versionOrAlias === "latest"
        ? stored.versions.find((v) => v.state === "enabled")
        : stored.versions.find(
            (v) => v.version === (stored.aliases[versionOrAlias] ?? versionOrAlias),
          );
    if (!found) throw new SecretUnavailableError(secret, "not-found");
    if (found.state !== "enabled") throw new SecretUnavailableError(secret, "disabled");
    if (!found.value) throw new SecretUnavailableError(secret, "empty");
    return { version: found.version, value: found.value };
  }

  async listVersions(secret: string): Promise<SecretVersionInfo[]> {
    const stored = await this.read(secret);
    return (stored?.versions ?? []).map((v) => ({
      version: v.version,
      state: v.state,
      createTime: v.createTime.toDate(),
    }));
  }

  async addVersion(secret: string, value: string): Promise<string> {
    let added = "";
    await this.change(
      secret,
      (stored) => {
        added = String(stored.versions.length + 1);
        const version = { version: added, value, state: "enabled" as const };
        return {
          ...stored,
          versions: [{ ...version, createTime: Timestamp.now() }, ...stored.versions],
        };
      },
      true,
    );
    return added;
  }

  private setState(secret: string, version: string, state: SecretVersionState) {
    return this.change(secret, (stored) => {
      if (!stored.versions.some((v) => v.version === version)) {
        throw new SecretUnavailableError(secret, "not-found");
      }
      return {
        ...stored,
        versions: stored.versions.map((v) =>
          v.version === version ? { ...v, state } : v,
        ),
      };
    });
  }

  async disableVersion(secret: string, version: string): Promise<void> {
    await this.setState(secret, version, "disabled");
  }

  async enableVersion(secret: string, version: string): Promise<void> {
    await this.setState(secret, version, "enabled");
  }

  async aliases(secret: string): Promise<Record<string, string>> {
    const stored = await this.read(secret);
    return { ...(stored?.aliases ?? {}) };
  }

  async setAlias(secret: string, alias: string, version: string): Promise<void> {
    await this.change(secret, (stored) => {
      if (!stored.versions.some((v) => v.version === version)) {
        throw new SecretUnavailableError(secret, "not-found");
      }
      return { ...stored, aliases: { ...stored.aliases, [alias]: version } };
    });
  }
}
