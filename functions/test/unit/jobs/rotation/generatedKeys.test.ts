import { beforeEach, describe, expect, it } from "vitest";
import { FieldCipher } from "../../../../src/crypto/fieldCipher.ts";
import {
  newKeyValue,
  rotateGeneratedKey,
  type GeneratedKeyKind,
} from "../../../../src/jobs/rotation/generatedKeys.ts";
import { emptyState, type RotationState } from "../../../../src/jobs/rotation/state.ts";
import { DAY, HOUR, rig, type Rig } from "./support.ts";

let r: Rig;

function runner(secret: string, kind: GeneratedKeyKind) {
  const state: RotationState = emptyState(secret);
  return {
    state,
    run: (force = false) => rotateGeneratedKey(r.ctx, state, { kind, force }),
  };
}

beforeEach(() => {
  r = rig();
});

describe("newKeyValue", () => {
  it("makes 32 random bytes in the form each reader expects", () => {
    expect(Buffer.from(newKeyValue("field-encryption-key"), "base64")).toHaveLength(32);
    expect(Buffer.from(newKeyValue("audit-seal-key"), "base64url")).toHaveLength(32);
    expect(newKeyValue("audit-seal-key")).not.toBe(newKeyValue("audit-seal-key"));
  });
});

describe("rotateGeneratedKey", () => {
  it("creates the first version of a key that has none, and points current at it", async () => {
    const { run } = runner("field-encryption-key", "field-encryption-key");
    expect(await run()).toMatchObject({ status: "created", version: "1" });
    expect(await r.store.aliases("field-encryption-key")).toEqual({ current: "1" });
    expect(r.recorder.about("field-encryption-key:1")[0]).toMatchObject({
      action: "create",
      entity: { fields: ["value", "alias.current"] },
    });
  });

  it("adds a version at the rotation age, and not before", async () => {
    const { run } = runner("audit-seal-key", "audit-seal-key");
    await run();

    r.clock.now += 59 * DAY;
    expect((await run()).status).toBe("unchanged");
    r.clock.now += 1 * DAY;
    expect(await run()).toMatchObject({
      status: "rotated",
      version: "2",
      previousVersion: "1",
    });
    expect(await r.store.aliases("audit-seal-key")).toEqual({ current: "2" });
  });

  it("rotates at once when asked", async () => {
    const { run } = runner("field-encryption-key", "field-encryption-key");
    await run();
    expect((await run(true)).status).toBe("rotated");
  });

  it("never retires an audit seal key: every old version stays enabled", async () => {
    const { run, state } = runner("audit-seal-key", "audit-seal-key");
    await run();
    await run(true);
    r.clock.now += 365 * DAY;
    await run();
    const versions = await r.store.listVersions("audit-seal-key");
    expect(versions.every((v) => v.state === "enabled")).toBe(true);
    expect(state.retiring).toEqual([]);
  });

  it("keeps a replaced field key, so what it encrypted still opens", async () => {
    const { run, state } = runner("field-encryption-key", "field-encryption-key");
    await run();
    const cipher = new FieldCipher(r.store, { secretName: "field-encryption-key" });
    const sealed = await cipher.encrypt("synthetic-value", "doc#field");

    await run(true);
    r.clock.now += 48 * HOUR;
    await run();

    // Without re-encryption (no Firestore here) the old version is never disabled.
    expect(state.retiring.map((x) => x.version)).toEqual(["1"]);
    const reader = new FieldCipher(r.store, { secretName: "field-encryption-key" });
    expect(await reader.decrypt(sealed, "doc#field")).toBe("synthetic-value");
  });

  it("applies the age policy when the key is not rotating", async () => {
    const store = r.store;
    await store.addVersion("audit-seal-key", newKeyValue("audit-seal-key"));
    const state = emptyState("audit-seal-key");
    const lazy = { ...r.ctx, settings: { ...r.ctx.settings, keyRotationDays: 365 } };
    r.clock.now += 91 * DAY;
    const outcome = await rotateGeneratedKey(lazy, state, {
      kind: "audit-seal-key",
      force: false,
    });
    expect(outcome.status).toBe("age-alert");
    expect([...r.alerts.values()][0]).toMatchObject({ rule: "credential-age" });
  });
});
