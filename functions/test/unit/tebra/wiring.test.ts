// How the client is put together from parameters: which endpoint, which secret store,
// and what a bad configuration does (refuses with `failed-precondition` and an ALERT).
import { afterEach, describe, expect, it } from "vitest";
import { tebraConfig, type TebraConfig } from "../../../src/config.ts";
import { FirestoreSecretStore } from "../../../src/platform/localSecrets.ts";
import { CachingSecretStore } from "../../../src/platform/secretCache.ts";
import { createSecretStore } from "../../../src/platform/secretStore.ts";
import { TebraError } from "../../../src/tebra/errors.ts";
import { tebraHealth } from "../../../src/tebra/health.ts";
import { clientFromConfig } from "../../../src/tebra/instance.ts";
import { ALWAYS_ENABLED, type KillSwitch } from "../../../src/tebra/killSwitch.ts";
import { captureLogs } from "../../support/tebra.ts";

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env))
    if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

const GOOD: TebraConfig = {
  practiceId: "1",
  practiceName: "Lakeside Family Medicine (synthetic)",
  practiceTimeZone: "America/Chicago",
  endpoint: "http://127.0.0.1:8787/services/soap/2.1/KareoServices.svc",
  spkiPins: "",
  credentialsSecret: "tebra-credentials",
  callTimeoutMs: 30_000,
  throttleMarginMs: 300,
  allowLoopbackHttp: true,
};

describe("tebraConfig", () => {
  it("lets TEBRA_ENDPOINT_OVERRIDE point a test at a local Tebra", () => {
    process.env.TEBRA_ENDPOINT_OVERRIDE =
      "http://127.0.0.1:40123/services/soap/2.1/KareoServices.svc";
    expect(tebraConfig().endpoint).toBe(process.env.TEBRA_ENDPOINT_OVERRIDE);
    expect(tebraConfig().allowLoopbackHttp).toBe(true);
  });

  it("ignores the override, and allows no plain HTTP, outside the emulator and the tests", () => {
    process.env.TEBRA_ENDPOINT_OVERRIDE = "http://127.0.0.1:40123/x";
    delete process.env.VITEST;
    delete process.env.FUNCTIONS_EMULATOR;
    const config = tebraConfig();
    expect(config.endpoint).toBe(
      "https://webservice.kareo.com/services/soap/2.1/KareoServices.svc",
    );
    expect(config.allowLoopbackHttp).toBe(false);
  });

  it("honours the override in the Functions emulator", () => {
    delete process.env.VITEST;
    process.env.FUNCTIONS_EMULATOR = "true";
    process.env.TEBRA_ENDPOINT_OVERRIDE = "http://127.0.0.1:40123/x";
    expect(tebraConfig().endpoint).toBe("http://127.0.0.1:40123/x");
  });
});

describe("clientFromConfig", () => {
  function refusal(config: Partial<TebraConfig>): TebraError {
    const logs = captureLogs();
    try {
      clientFromConfig({ ...GOOD, ...config });
    } catch (error) {
      expect(error).toBeInstanceOf(TebraError);
      expect((error as TebraError).code).toBe("failed-precondition");
      expect(logs.entries.find((e) => e["event"] === "tebra.alert")?.["severity"]).toBe(
        "ALERT",
      );
      return error as TebraError;
    } finally {
      logs.restore();
    }
    throw new Error("the configuration was accepted");
  }

  it("builds a client for the local Tebra", () => {
    expect(clientFromConfig(GOOD).practice).toEqual({ id: "1", name: GOOD.practiceName });
  });

  it("refuses the production endpoint without pins", () => {
    expect(
      refusal({
        endpoint: "https://webservice.kareo.com/services/soap/2.1/KareoServices.svc",
      }).reason,
    ).toBe("no-spki-pins");
  });

  it("refuses plain HTTP when it is not allowed, and a malformed pin list", () => {
    expect(refusal({ allowLoopbackHttp: false }).reason).toBe("endpoint-not-https");
    expect(refusal({ spkiPins: "not-a-pin" }).reason).toBe("spki-pins");
  });

  it("refuses a practice without a numeric id or a name", () => {
    expect(refusal({ practiceId: "" }).reason).toBe("practice");
    expect(refusal({ practiceId: "one" }).reason).toBe("practice");
    expect(refusal({ practiceName: "  " }).reason).toBe("practice");
  });
});

describe("the secret store for a project", () => {
  it("is the Firestore-backed local store for a demo-* project", () => {
    const store = createSecretStore({
      projectId: "demo-tebra-bridge",
      firestore: () => ({}) as never,
    });
    expect(store).toBeInstanceOf(CachingSecretStore);
    expect((store as unknown as { inner: unknown }).inner).toBeInstanceOf(
      FirestoreSecretStore,
    );
  });

  it("is Secret Manager for a real project", () => {
    delete process.env.FUNCTIONS_EMULATOR;
    const store = createSecretStore({ projectId: "clinic-prod-123" });
    expect(
      (store as unknown as { inner: { constructor: { name: string } } }).inner.constructor
        .name,
    ).toBe("SecretManagerStore");
  });

  it("refuses a real project id inside the emulator", () => {
    process.env.FUNCTIONS_EMULATOR = "true";
    expect(() => createSecretStore({ projectId: "clinic-prod-123" })).toThrow(/demo-/);
  });

  it("never lets the local store serve a real project", () => {
    expect(() => new FirestoreSecretStore({} as never, "clinic-prod-123")).toThrow(
      /demo-/,
    );
    expect(() => new FirestoreSecretStore({} as never, undefined)).toThrow(/demo-/);
  });
});

describe("the tebra health probe", () => {
  const off: KillSwitch = {
    enabled: () => Promise.resolve(false),
    assertEnabled: () => Promise.resolve(),
  };
  const broken: KillSwitch = {
    enabled: () => Promise.reject(new Error("x")),
    assertEnabled: () => Promise.resolve(),
  };

  it("reports the breaker's state", async () => {
    expect(
      await tebraHealth(
        () => "closed",
        () => ALWAYS_ENABLED,
      ).check(),
    ).toEqual({ status: "ok", detail: "breaker-closed" });
    expect(
      await tebraHealth(
        () => "half-open",
        () => ALWAYS_ENABLED,
      ).check(),
    ).toEqual({ status: "degraded", detail: "breaker-half-open" });
    expect(
      await tebraHealth(
        () => "open",
        () => ALWAYS_ENABLED,
      ).check(),
    ).toEqual({ status: "down", detail: "breaker-open" });
  });

  it("reports a switched-off Tebra as degraded, not down", async () => {
    expect(
      await tebraHealth(
        () => "closed",
        () => off,
      ).check(),
    ).toEqual({ status: "degraded", detail: "switched-off" });
    expect(
      await tebraHealth(
        () => "closed",
        () => broken,
      ).check(),
    ).toEqual({ status: "degraded", detail: "kill-switch-unreadable" });
  });
});
