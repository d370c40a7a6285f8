import { describe, expect, it } from "vitest";
import { SealKeys } from "../../../src/audit/keys.ts";
import { InMemorySecretStore } from "../../../src/platform/secrets.ts";

describe("SealKeys", () => {
  it("creates the first key version when the secret has none", async () => {
    const store = new InMemorySecretStore();
    const keys = new SealKeys(store, "audit-seal-key");
    const current = await keys.current();
    expect(current.version).toBe("1");
    expect(current.value.length).toBeGreaterThanOrEqual(40);
    expect((await keys.current()).value).toBe(current.value);
  });

  it("signs with the newest version and still reads the old one after a rotation", async () => {
    const store = new InMemorySecretStore();
    await store.addVersion("audit-seal-key", "first-key-not-secret");
    const keys = new SealKeys(store, "audit-seal-key");
    await store.addVersion("audit-seal-key", "second-key-not-secret");
    expect(await keys.current()).toEqual({
      version: "2",
      value: "second-key-not-secret",
    });
    expect(await keys.version("1")).toBe("first-key-not-secret");
  });

  it("answers null for a disabled or unknown version, so the verifier can say so", async () => {
    const store = new InMemorySecretStore();
    await store.addVersion("audit-seal-key", "first-key-not-secret");
    await store.addVersion("audit-seal-key", "second-key-not-secret");
    await store.disableVersion("audit-seal-key", "1");
    const keys = new SealKeys(store, "audit-seal-key");
    expect(await keys.version("1")).toBeNull();
    expect(await keys.version("7")).toBeNull();
  });

  it("does not create a key when every existing version is disabled", async () => {
    const store = new InMemorySecretStore();
    await store.addVersion("audit-seal-key", "only-key-not-secret");
    await store.disableVersion("audit-seal-key", "1");
    await expect(new SealKeys(store, "audit-seal-key").current()).rejects.toThrow(
      "unavailable",
    );
    expect(await store.listVersions("audit-seal-key")).toHaveLength(1);
  });
});
