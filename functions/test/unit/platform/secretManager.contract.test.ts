// Contract test of the real Secret Manager client. Secret Manager has no emulator, so the
// real @google-cloud/secret-manager client (gRPC) talks to a small gRPC server on loopback
// built from the protos the package ships. The test proves the calls SecretManagerStore
// makes (resource names, alias access, version add/disable/enable, alias update) and how
// it reads the answers and the errors.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SecretManagerStore } from "../../../src/platform/secretManager.ts";
import { SecretUnavailableError } from "../../../src/platform/secrets.ts";

const require = createRequire(import.meta.url);
const PACKAGE = dirname(require.resolve("@google-cloud/secret-manager/package.json"));
/** google-gax's protos (google/api, google/protobuf), nested or hoisted by npm. */
const GAX_PROTOS = [
  join(PACKAGE, "node_modules/google-gax/build/protos"),
  join(PACKAGE, "../../google-gax/build/protos"),
].find((dir) => existsSync(join(dir, "google/api/annotations.proto")));
if (!GAX_PROTOS) throw new Error("google-gax's protos were not found beside the client");
const PROTOS = join(PACKAGE, "build/protos");
const PROJECT = "demo-contract-project";

interface Version {
  number: number;
  data: Buffer;
  state: "ENABLED" | "DISABLED" | "DESTROYED";
  createSeconds: number;
}

interface FakeSecret {
  versions: Version[];
  aliases: Record<string, number>;
}

type Handler = (
  call: { request: Record<string, unknown> },
  done: grpc.sendUnaryData<unknown>,
) => void;

/** A Secret Manager that keeps secrets in memory and records every request. */
function fakeSecretManager() {
  const secrets = new Map<string, FakeSecret>();
  const calls: { method: string; request: Record<string, unknown> }[] = [];
  const notFound = (what: string) => ({
    code: grpc.status.NOT_FOUND,
    details: `${what} not found`,
  });

  function secretOf(name: string) {
    const match = /^projects\/([^/]+)\/secrets\/([^/]+)$/.exec(name);
    return match ? { id: match[2]!, secret: secrets.get(match[2]!) } : null;
  }
  function versionOf(name: string) {
    const match = /^(projects\/[^/]+\/secrets\/[^/]+)\/versions\/([^/]+)$/.exec(name);
    if (!match) return null;
    const found = secretOf(match[1]!);
    if (!found?.secret) return null;
    const which = match[2]!;
    const secret = found.secret;
    const number =
      which === "latest"
        ? Math.max(
            0,
            ...secret.versions.filter((v) => v.state === "ENABLED").map((v) => v.number),
          )
        : /^\d+$/.test(which)
          ? Number(which)
          : secret.aliases[which];
    const version = secret.versions.find((v) => v.number === number);
    return version ? { parent: match[1]!, version } : null;
  }
  const versionMessage = (parent: string, v: Version) => ({
    name: `${parent}/versions/${v.number}`,
    state: v.state,
    createTime: { seconds: v.createSeconds, nanos: 0 },
  });

  const record =
    (method: string, handler: Handler): Handler =>
    (call, done) => {
      calls.push({ method, request: call.request });
      handler(call, done);
    };

  const handlers: Record<string, Handler> = {
    AccessSecretVersion: record("AccessSecretVersion", ({ request }, done) => {
      const found = versionOf(String(request["name"]));
      if (!found) return done(notFound("version"));
      if (found.version.state !== "ENABLED") {
        return done({
          code: grpc.status.FAILED_PRECONDITION,
          details: "version is disabled",
        });
      }
      done(null, {
        name: `${found.parent}/versions/${found.version.number}`,
        payload: { data: found.version.data },
      });
    }),
    ListSecretVersions: record("ListSecretVersions", ({ request }, done) => {
      const parent = String(request["parent"]);
      const found = secretOf(parent);
      if (!found?.secret) return done(notFound("secret"));
      done(null, {
        versions: found.secret.versions.map((v) => versionMessage(parent, v)),
        nextPageToken: "",
        totalSize: found.secret.versions.length,
      });
    }),
    AddSecretVersion: record("AddSecretVersion", ({ request }, done) => {
      const parent = String(request["parent"]);
      const found = secretOf(parent);
      if (!found) return done(notFound("secret"));
      const secret = found.secret ?? { versions: [], aliases: {} };
      secrets.set(found.id, secret);
      const version: Version = {
        number: secret.versions.length + 1,
        data: Buffer.from((request["payload"] as { data: Buffer }).data),
        state: "ENABLED",
        createSeconds: 1_767_225_600 + secret.versions.length,
      };
      secret.versions.push(version);
      done(null, versionMessage(parent, version));
    }),
    DisableSecretVersion: record("DisableSecretVersion", ({ request }, done) => {
      const found = versionOf(String(request["name"]));
      if (!found) return done(notFound("version"));
      found.version.state = "DISABLED";
      done(null, versionMessage(found.parent, found.version));
    }),
    EnableSecretVersion: record("EnableSecretVersion", ({ request }, done) => {
      const found = versionOf(String(request["name"]));
      if (!found) return done(notFound("version"));
      found.version.state = "ENABLED";
      done(null, versionMessage(found.parent, found.version));
    }),
    GetSecret: record("GetSecret", ({ request }, done) => {
      const name = String(request["name"]);
      const found = secretOf(name);
      if (!found?.secret) return done(notFound("secret"));
      done(null, { name, versionAliases: found.secret.aliases });
    }),
    UpdateSecret: record("UpdateSecret", ({ request }, done) => {
      const update = request["secret"] as {
        name: string;
        versionAliases: Record<string, string>;
      };
      const found = secretOf(update.name);
      if (!found?.secret) return done(notFound("secret"));
      found.secret.aliases = Object.fromEntries(
        Object.entries(update.versionAliases).map(([alias, v]) => [alias, Number(v)]),
      );
      done(null, { name: update.name, versionAliases: found.secret.aliases });
    }),
  };

  return {
    calls,
    handlers,
    /** A secret created outside the store (the console or Terraform would). */
    create(id: string) {
      secrets.set(id, { versions: [], aliases: {} });
    },
  };
}

let server: grpc.Server;
let fake: ReturnType<typeof fakeSecretManager>;
let store: SecretManagerStore;

beforeAll(async () => {
  const definition = protoLoader.loadSync("google/cloud/secretmanager/v1/service.proto", {
    includeDirs: [PROTOS, GAX_PROTOS],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: {
      cloud: {
        secretmanager: {
          v1: { SecretManagerService: { service: grpc.ServiceDefinition } };
        };
      };
    };
  };
  fake = fakeSecretManager();
  server = new grpc.Server();
  server.addService(
    loaded.google.cloud.secretmanager.v1.SecretManagerService.service,
    fake.handlers,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  const client = new SecretManagerServiceClient({
    apiEndpoint: "127.0.0.1",
    port,
    sslCreds: grpc.credentials.createInsecure(),
  });
  store = new SecretManagerStore(PROJECT, client);
});

afterAll(() => server.forceShutdown());
beforeEach(() => {
  fake.calls.length = 0;
});

describe("SecretManagerStore against the real client", () => {
  it("adds versions under projects/{project}/secrets/{secret} and reads the latest", async () => {
    fake.create("tebra-credentials");
    expect(await store.addVersion("tebra-credentials", '{"v":1}')).toBe("1");
    expect(await store.addVersion("tebra-credentials", '{"v":2}')).toBe("2");
    expect(await store.access("tebra-credentials")).toEqual({
      version: "2",
      value: '{"v":2}',
    });
    expect(
      fake.calls.map((c) => [c.method, c.request["parent"] ?? c.request["name"]]),
    ).toEqual([
      ["AddSecretVersion", `projects/${PROJECT}/secrets/tebra-credentials`],
      ["AddSecretVersion", `projects/${PROJECT}/secrets/tebra-credentials`],
      [
        "AccessSecretVersion",
        `projects/${PROJECT}/secrets/tebra-credentials/versions/latest`,
      ],
    ]);
  });

  it("accesses an alias by name and answers the version it resolved to", async () => {
    await store.setAlias("tebra-credentials", "current", "1");
    expect(await store.access("tebra-credentials", "current")).toEqual({
      version: "1",
      value: '{"v":1}',
    });
    const access = fake.calls.find((c) => c.method === "AccessSecretVersion")!;
    expect(access.request["name"]).toBe(
      `projects/${PROJECT}/secrets/tebra-credentials/versions/current`,
    );
  });

  it("keeps other aliases when it moves one, with an update mask on version_aliases", async () => {
    await store.setAlias("tebra-credentials", "previous", "1");
    await store.setAlias("tebra-credentials", "current", "2");
    expect(await store.aliases("tebra-credentials")).toEqual({
      previous: "1",
      current: "2",
    });
    const update = fake.calls.filter((c) => c.method === "UpdateSecret").at(-1)!;
    expect(update.request["updateMask"]).toEqual({ paths: ["version_aliases"] });
  });

  it("disables and enables a version by its resource name", async () => {
    await store.disableVersion("tebra-credentials", "2");
    expect(await store.access("tebra-credentials")).toMatchObject({ version: "1" });
    await expect(store.access("tebra-credentials", "2")).rejects.toMatchObject({
      reason: "disabled",
    });
    await store.enableVersion("tebra-credentials", "2");
    expect(await store.access("tebra-credentials")).toMatchObject({ version: "2" });
    expect(fake.calls.map((c) => c.method)).toContain("DisableSecretVersion");
    expect(
      fake.calls.find((c) => c.method === "EnableSecretVersion")!.request["name"],
    ).toBe(`projects/${PROJECT}/secrets/tebra-credentials/versions/2`);
  });

  it("lists versions newest first with their states and creation times", async () => {
    const versions = await store.listVersions("tebra-credentials");
    expect(versions.map((v) => [v.version, v.state])).toEqual([
      ["2", "enabled"],
      ["1", "enabled"],
    ]);
    expect(versions[0]!.createTime).toEqual(new Date(1_767_225_601_000));
  });

  it("reports a missing secret or alias as not-found, without a value", async () => {
    await expect(store.access("no-such-secret")).rejects.toBeInstanceOf(
      SecretUnavailableError,
    );
    await expect(store.access("tebra-credentials", "nonexistent")).rejects.toMatchObject({
      reason: "not-found",
    });
  });

  it("reports an empty payload as empty", async () => {
    fake.create("empty-secret");
    await store.addVersion("empty-secret", "");
    await expect(store.access("empty-secret")).rejects.toMatchObject({ reason: "empty" });
  });
});
