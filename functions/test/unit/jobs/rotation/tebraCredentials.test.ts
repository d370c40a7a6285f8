import { beforeEach, describe, expect, it } from "vitest";
import { emptyState, type RotationState } from "../../../../src/jobs/rotation/state.ts";
import { rotateTebraCredentials } from "../../../../src/jobs/rotation/tebraCredentials.ts";
import {
  CURRENT_CREDENTIAL,
  DAY,
  HOUR,
  NEW_CREDENTIAL,
  rig,
  type Rig,
} from "./support.ts";

const SECRET = "tebra-credentials";
let r: Rig;
let state: RotationState;

async function run(retryRefused = false) {
  return rotateTebraCredentials(r.ctx, state, { checker: r.checker, retryRefused });
}

async function states(): Promise<Record<string, string>> {
  const versions = await r.store.listVersions(SECRET);
  return Object.fromEntries(versions.map((v) => [v.version, v.state]));
}

beforeEach(async () => {
  r = rig();
  state = emptyState(SECRET);
  await r.store.addVersion(SECRET, JSON.stringify(CURRENT_CREDENTIAL));
  await run();
});

describe("rotateTebraCredentials", () => {
  it("points current at the version in use when the alias is missing", async () => {
    expect(await r.store.aliases(SECRET)).toEqual({ current: "1" });
    expect(state.currentVersion).toBe("1");
    expect(r.checker.checked).toEqual([]);
  });

  it("does nothing, and calls Tebra not at all, when no version is pending", async () => {
    const before = r.recorder.events.length;
    expect(await run()).toMatchObject({ status: "unchanged", version: "1" });
    expect(r.checker.checked).toEqual([]);
    expect(r.recorder.events.length).toBe(before);
  });

  it("promotes a pending version that authenticates for the same customer", async () => {
    await r.store.addVersion(SECRET, JSON.stringify(NEW_CREDENTIAL));

    const outcome = await run();

    expect(outcome).toMatchObject({
      status: "promoted",
      version: "2",
      previousVersion: "1",
    });
    expect(r.checker.checked).toEqual(["local-api-user-2", "local-api-user"]);
    expect(await r.store.aliases(SECRET)).toEqual({ current: "2" });
    expect(state).toMatchObject({ currentVersion: "2", customerId: "4242" });
    expect(state.retiring).toEqual([
      { version: "1", until: new Date(r.clock.now + 24 * HOUR).toISOString() },
    ]);
    expect(r.recorder.about(`${SECRET}:2`)).toEqual([
      expect.objectContaining({ action: "update", outcome: "success", severity: "high" }),
    ]);
  });

  it("refuses a pending credential of another Tebra customer", async () => {
    await r.store.addVersion(SECRET, JSON.stringify(NEW_CREDENTIAL));
    r.checker.answers.set("local-api-user-2", { kind: "ok", customerId: "9999" });

    expect((await run()).status).toBe("refused");
    expect(await r.store.aliases(SECRET)).toEqual({ current: "1" });
    expect(state.refused["2"]).toMatchObject({ reason: "other-customer" });
    expect([...r.alerts.values()]).toEqual([
      expect.objectContaining({ rule: "credential-refused", bucket: `${SECRET}:2` }),
    ]);
  });

  it("promotes even when the credential in use no longer works (why one rotates)", async () => {
    await r.store.addVersion(SECRET, JSON.stringify(NEW_CREDENTIAL));
    r.checker.answers.set("local-api-user", { kind: "refused", reason: "unknown-user" });

    expect((await run()).status).toBe("promoted");
  });

  it("refuses what Tebra refuses, once, and tests it again only when asked", async () => {
    await r.store.addVersion(SECRET, JSON.stringify(NEW_CREDENTIAL));
    r.checker.answers.set("local-api-user-2", {
      kind: "refused",
      reason: "not-authorized-key",
    });

    expect((await run()).status).toBe("refused");
    expect((await run()).status).toBe("pending-refused");
    expect(r.checker.checked).toEqual(["local-api-user-2"]);

    r.checker.answers.delete("local-api-user-2");
    expect((await run(true)).status).toBe("promoted");
    expect(state.refused).toEqual({});
  });

  it("refuses a value that is not the credential JSON, without asking Tebra", async () => {
    await r.store.addVersion(SECRET, JSON.stringify({ user: "local-api-user-2" }));
    expect((await run()).status).toBe("refused");
    expect(r.checker.checked).toEqual([]);
    expect(state.refused["2"]?.reason).toBe("malformed");
  });

  it("keeps a pending version pending while Tebra cannot be asked", async () => {
    await r.store.addVersion(SECRET, JSON.stringify(NEW_CREDENTIAL));
    r.checker.answers.set("local-api-user-2", {
      kind: "unavailable",
      reason: "transient",
    });

    expect((await run()).status).toBe("check-unavailable");
    expect(state.refused).toEqual({});
    expect(r.alerts.size).toBe(0);
  });

  it("disables the replaced version once the grace period is over, never before", async () => {
    await r.store.addVersion(SECRET, JSON.stringify(NEW_CREDENTIAL));
    await run();

    r.clock.now += 24 * HOUR - 1;
    await run();
    expect(await states()).toEqual({ "1": "enabled", "2": "enabled" });

    r.clock.now += 1;
    await run();
    expect(await states()).toEqual({ "1": "disabled", "2": "enabled" });
    expect(r.recorder.about(`${SECRET}:1`).at(-1)).toMatchObject({
      outcomeReason: "grace-over",
      entity: { fields: ["state"] },
    });
  });

  it("warns once at 75 days and alerts once at 90 days of the version in use", async () => {
    r.clock.now += 74 * DAY;
    expect((await run()).status).toBe("unchanged");

    r.clock.now += 1 * DAY;
    expect((await run()).status).toBe("age-warning");
    await run();
    expect(
      r.recorder.about(`${SECRET}:1`).filter((e) => e.outcomeReason === "age-warning"),
    ).toHaveLength(1);
    expect(r.alerts.size).toBe(0);

    r.clock.now += 15 * DAY;
    expect((await run()).status).toBe("age-alert");
    await run();
    expect([...r.alerts.values()]).toEqual([
      expect.objectContaining({ rule: "credential-age", bucket: `${SECRET}:1` }),
    ]);
  });

  it("starts the age over with a promoted version", async () => {
    r.clock.now += 80 * DAY;
    await run();
    await r.store.addVersion(SECRET, JSON.stringify(NEW_CREDENTIAL));
    expect((await run()).status).toBe("promoted");
    r.clock.now += 30 * DAY;
    expect((await run()).status).toBe("unchanged");
  });

  it("raises an alert when the secret has no enabled version at all", async () => {
    const fresh = rig();
    const outcome = await rotateTebraCredentials(fresh.ctx, emptyState(SECRET), {
      checker: fresh.checker,
      retryRefused: false,
    });
    expect(outcome.status).toBe("missing");
    expect([...fresh.alerts.values()][0]).toMatchObject({ rule: "credential-missing" });
  });

  it("never writes a credential value into the audit trail", async () => {
    await r.store.addVersion(SECRET, JSON.stringify(NEW_CREDENTIAL));
    await run();
    const text = JSON.stringify(r.recorder.events);
    expect(text).not.toContain("local-password-not-secret");
    expect(text).not.toContain("local-customer-key");
  });
});
