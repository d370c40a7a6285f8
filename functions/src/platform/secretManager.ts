// The SecretStore on Google Cloud Secret Manager (production). Resource names are
// `projects/{project}/secrets/{secret}` and `…/versions/{version | alias | latest}`: Secret
// Manager resolves an alias such as "current" itself when a version is accessed. Values
// never appear in an error; failures become SecretUnavailableError with a reason.
//
// The client library (gRPC) is loaded on first use, so loading this module costs nothing.
import type { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import {
  SecretUnavailableError,
  type SecretStore,
  type SecretValue,
  type SecretVersionInfo,
  type SecretVersionState,
} from "./secrets.ts";

/** The calls this store makes: the real client, or anything shaped like it. */
export type SecretManagerClient = Pick<
  SecretManagerServiceClient,
  | "accessSecretVersion"
  | "listSecretVersions"
  | "addSecretVersion"
  | "disableSecretVersion"
  | "enableSecretVersion"
  | "getSecret"
  | "updateSecret"
>;

type ClientSource = SecretManagerClient | (() => Promise<SecretManagerClient>);

const GRPC_NOT_FOUND = 5;
const GRPC_FAILED_PRECONDITION = 9;

async function defaultClient(): Promise<SecretManagerClient> {
  const { SecretManagerServiceClient } = await import("@google-cloud/secret-manager");
  return new SecretManagerServiceClient();
}

function stateOf(value: unknown): SecretVersionState {
  const state = String(value);
  if (state === "ENABLED" || state === "1") return "enabled";
  if (state === "DISABLED" || state === "2") return "disabled";
  return "destroyed";
}

function dateOf(timestamp: unknown): Date {
  const t = timestamp as { seconds?: unknown; nanos?: unknown } | null | undefined;
  const seconds = Number(t?.seconds ?? 0);
  const nanos = Number(t?.nanos ?? 0);
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6));
}

/** The version number at the end of a version's resource name. */
function versionOf(name: unknown): string {
  return typeof name === "string" ? (name.split("/").pop() ?? "") : "";
}

export class SecretManagerStore implements SecretStore {
  private readonly projectId: string;
  private readonly source: ClientSource;
  private client: Promise<SecretManagerClient> | undefined;

  constructor(projectId: string, client: ClientSource = defaultClient) {
    if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(projectId)) {
      throw new Error("not a Google Cloud project id");
    }
    this.projectId = projectId;
    this.source = client;
  }

  private api(): Promise<SecretManagerClient> {
    this.client ??=
      typeof this.source === "function" ? this.source() : Promise.resolve(this.source);
    return this.client;
  }

  secretName(secret: string): string {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(secret)) throw new Error("not a secret id");
    return `projects/${this.projectId}/secrets/${secret}`;
  }

  versionName(secret: string, versionOrAlias: string): string {
    if (!/^[A-Za-z0-9_-]{1,63}$/.test(versionOrAlias)) throw new Error("not a version");
    return `${this.secretName(secret)}/versions/${versionOrAlias}`;
  }

  private unavailable(secret: string, error: unknown): Error {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === GRPC_NOT_FOUND) return new SecretUnavailableError(secret, "not-found");
    if (code === GRPC_FAILED_PRECONDITION) {
      return new SecretUnavailableError(secret, "disabled");
    }
    // Anything else (network, permission) keeps only its class and code.
    const wrapped = new Error(
      `Secret Manager call failed (code ${typeof code === "number" ? code : "none"})`,
    );
    wrapped.name = "SecretManagerError";
    return wrapped;
  }

  async access(secret: string, versionOrAlias = "latest"): Promise<SecretValue> {
    const api = await this.api();
    let response;
    try {
      [response] = await api.accessSecretVersion({
        name: this.versionName(secret, versionOrAlias),
      });
    } catch (error) {
      throw this.unavailable(secret, error);
    }
    const data = response.payload?.data;
    const value =
      typeof data === "string" ? data : data ? Buffer.from(data).toString("utf8") : "";
    if (!value) throw new SecretUnavailableError(secret, "empty");
    return { version: versionOf(response.name), value };
  }

  async listVersions(secret: string): Promise<SecretVersionInfo[]> {
    const api = await this.api();
    let versions;
    try {
      [versions] = await api.listSecretVersions({ parent: this.secretName(secret) });
    } catch (error) {
      throw this.unavailable(secret, error);
    }
    return versions
      .map((v) => ({
        version: versionOf(v.name),
        state: stateOf(v.state),
        createTime: dateOf(v.createTime),
      }))
      .sort((a, b) => Number(b.version) - Number(a.version));
  }

  async addVersion(secret: string, value: string): Promise<string> {
    const api = await this.api();
    try {
      const [version] = await api.addSecretVersion({
        parent: this.secretName(secret),
        payload: { data: Buffer.from(value, "utf8") },
      });
      return versionOf(version.name);
    } catch (error) {
      throw this.unavailable(secret, error);
    }
  }

  async disableVersion(secret: string, version: string): Promise<void> {
    const api = await this.api();
    try {
      await api.disableSecretVersion({ name: this.versionName(secret, version) });
    } catch (error) {
      throw this.unavailable(secret, error);
    }
  }

  async enableVersion(secret: string, version: string): Promise<void> {
    const api = await this.api();
    try {
      await api.enableSecretVersion({ name: this.versionName(secret, version) });
    } catch (error) {
      throw this.unavailable(secret, error);
    }
  }

  async aliases(secret: string): Promise<Record<string, string>> {
    const api = await this.api();
    let found;
    try {
      [found] = await api.getSecret({ name: this.secretName(secret) });
    } catch (error) {
      throw this.unavailable(secret, error);
    }
    const out: Record<string, string> = {};
    for (const [alias, version] of Object.entries(found.versionAliases ?? {})) {
      out[alias] = String(version);
    }
    return out;
  }

  /** Points an alias at a version, keeping the secret's other aliases. */
  async setAlias(secret: string, alias: string, version: string): Promise<void> {
    const existing = await this.aliases(secret);
    const versionAliases: Record<string, number> = {};
    for (const [name, v] of Object.entries({ ...existing, [alias]: version })) {
      versionAliases[name] = Number(v);
    }
    const api = await this.api();
    try {
      await api.updateSecret({
        secret: { name: this.secretName(secret), versionAliases },
        updateMask: { paths: ["version_aliases"] },
      });
    } catch (error) {
      throw this.unavailable(secret, error);
    }
  }
}
