// Tebra's credentials from the secret store: the "current" alias first, else the newest
// enabled version; a rotation takes effect when the cache expires (or at once after Tebra
// refuses the old ones); a missing, disabled, empty or malformed secret fails fast.
import { describe, expect, it } from "vitest";
import { CachingSecretStore } from "../../../src/platform/secretCache.ts";
import { InMemorySecretStore } from "../../../src/platform/secrets.ts";
import { SecretCredentials } from "../../../src/tebra/credentials.ts";
import { TebraError } from "../../../src/tebra/errors.ts";
import { captureLogs } from "../../support/tebra.ts";

const SECRET = "tebra-credentials";
const V1 = {
  customerKey: "rotation-key-one",
  user: "local-api-user",
  password: "first-not-secret",
};
const V2 = {
  customerKey: "rotation-key-two",
  user: "local-api-user",
  password: "second-not-secret",
};

function setup(ttlMs = 300_000) {
  let now = 0;
  const inner = new InMemorySecretStore();
  const store = new CachingSecretStore(inner, ttlMs, () => now);
  return {
    inner,
    store,
    credentials: new SecretCredentials(store, SECRET),
    advance: (ms: number) => (now += ms),
  };
}

async function configurationError(promise: Promise<unknown>): Promise<TebraError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TebraError);
    expect((error as TebraError).kind).toBe("configuration");
    expect((error as TebraError).code).toBe("failed-precondition");
    return error as TebraError;
  }
  throw new Error("did not fail");
}

describe("SecretCredentials", () => {
  it("reads the newest enabled version when there is no 'current' alias", async () => {
    const { inner, credentials } = setup();
    await inner.addVersion(SECRET, JSON.stringify(V1));
    await inner.addVersion(SECRET, JSON.stringify(V2));
    expect(await credentials.get()).toEqual(V2);
  });

  it("prefers the version the 'current' alias names", async () => {
    const { inner, credentials } = setup();
    await inner.addVersion(SECRET, JSON.stringify(V1));
    await inner.addVersion(SECRET, JSON.stringify(V2));
    await inner.setAlias(SECRET, "current", "1");
    expect(await credentials.get()).toEqual(V1);
  });

  it("takes a rotation into account within the cache's time to live, without a redeploy", async () => {
    const { inner, credentials, advance } = setup(300_000);
    await inner.addVersion(SECRET, JSON.stringify(V1));
    expect(await credentials.get()).toEqual(V1);
    await inner.addVersion(SECRET, JSON.stringify(V2));
    advance(60_000);
    expect(await credentials.get()).toEqual(V1);
    advance(240_001);
    expect(await credentials.get()).toEqual(V2);
  });

  it("reads again at once after Tebra refused the cached credentials", async () => {
    const { inner, credentials } = setup();
    await inner.addVersion(SECRET, JSON.stringify(V1));
    await credentials.get();
    await inner.addVersion(SECRET, JSON.stringify(V2));
    credentials.invalidate();
    expect(await credentials.get()).toEqual(V2);
  });

  it("fails fast when the secret is missing", async () => {
    const { credentials } = setup();
    const error = await configurationError(credentials.get());
    expect(error.reason).toBe("secret-not-found");
  });

  it("fails fast when the version in use is disabled", async () => {
    const { inner, credentials } = setup();
    await inner.addVersion(SECRET, JSON.stringify(V1));
    await inner.setAlias(SECRET, "current", "1");
    await inner.disableVersion(SECRET, "1");
    expect((await configurationError(credentials.get())).reason).toBe("secret-disabled");
  });

  it("fails fast when the secret is empty or not the expected JSON", async () => {
    for (const value of ["", "not json", JSON.stringify({ ...V1, password: "" }), "[]"]) {
      const { inner, credentials } = setup();
      await inner.addVersion(SECRET, value);
      await configurationError(credentials.get());
    }
  });

  it("never puts a credential in an error or a log line", async () => {
    const logs = captureLogs();
    try {
      const { inner, credentials } = setup();
      await inner.addVersion(SECRET, JSON.stringify({ ...V1, password: "" }));
      const error = await configurationError(credentials.get());
      await inner.addVersion(SECRET, JSON.stringify(V2));
      await credentials.get();
      const text = JSON.stringify({
        error: error.toJSON(),
        message: error.message,
        logs: logs.entries,
      });
      for (const value of [V1.customerKey, V2.customerKey, V2.password]) {
        expect(text).not.toContain(value);
      }
      expect(logs.events()).toEqual(["secret.unavailable", "secret.loaded"]);
      expect(logs.entries[0]).toMatchObject({
        severity: "ALERT",
        secret: SECRET,
        reason: "malformed",
      });
    } finally {
      logs.restore();
    }
  });
});

describe("CachingSecretStore", () => {
  it("reads the inner store once per time to live, and once for concurrent readers", async () => {
    let now = 0;
    let reads = 0;
    const inner = new InMemorySecretStore();
    await inner.addVersion(SECRET, "value-one");
    const counting = Object.assign(Object.create(inner) as InMemorySecretStore, {
      access: (secret: string, version?: string) => {
        reads++;
        return inner.access(secret, version);
      },
    });
    const store = new CachingSecretStore(counting, 1000, () => now);
    await Promise.all([store.access(SECRET), store.access(SECRET), store.access(SECRET)]);
    expect(reads).toBe(1);
    now = 999;
    await store.access(SECRET);
    expect(reads).toBe(1);
    now = 1000;
    await store.access(SECRET);
    expect(reads).toBe(2);
  });

  it("forgets a secret when it is changed through the store", async () => {
    const store = new CachingSecretStore(new InMemorySecretStore(), 60_000, () => 0);
    await store.addVersion(SECRET, "value-one");
    expect((await store.access(SECRET)).value).toBe("value-one");
    await store.addVersion(SECRET, "value-two");
    expect((await store.access(SECRET)).value).toBe("value-two");
    await store.disableVersion(SECRET, "2");
    expect((await store.access(SECRET)).value).toBe("value-one");
  });

  it("does not cache failures", async () => {
    const store = new CachingSecretStore(new InMemorySecretStore(), 60_000, () => 0);
    await expect(store.access(SECRET)).rejects.toThrow(/not-found/);
    await store.addVersion(SECRET, "now-present");
    expect((await store.access(SECRET)).value).toBe("now-present");
  });
});
