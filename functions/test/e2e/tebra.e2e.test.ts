// The Tebra client's part of `health`, in the Functions emulator: the breaker's state,
// and the kill switch in config/runtime (read by the function worker, cached up to 10 s).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminDb } from "../support/admin.ts";
import { eventually } from "../support/callable.ts";
import { functionsBaseUrl } from "../support/emulators.ts";

let baseUrl: string;

async function tebraHealth(): Promise<{
  status: number;
  tebra: unknown;
  overall: unknown;
}> {
  const response = await fetch(`${baseUrl}/health`);
  const body = (await response.json()) as {
    status: string;
    dependencies: Record<string, unknown>;
  };
  return {
    status: response.status,
    tebra: body.dependencies["tebra"],
    overall: body.status,
  };
}

beforeAll(async () => {
  baseUrl = await functionsBaseUrl();
  await adminDb().doc("config/runtime").set({ tebraEnabled: true }, { merge: true });
});

afterAll(async () => {
  await adminDb().doc("config/runtime").set({ tebraEnabled: true }, { merge: true });
  // Leave health as the other files expect it (the worker caches the switch up to 10 s).
  await eventually(
    async () => ((await tebraHealth()).overall === "ok" ? true : undefined),
    20_000,
  );
});

describe("health's tebra entry (HTTPS, in the Functions emulator)", () => {
  it("shows a closed breaker while Tebra is enabled", async () => {
    const health = await eventually(async () => {
      const h = await tebraHealth();
      return (h.tebra as { detail?: string } | undefined)?.detail === "breaker-closed"
        ? h
        : undefined;
    }, 20_000);
    expect(health).toMatchObject({
      status: 200,
      tebra: { status: "ok", detail: "breaker-closed" },
    });
  });

  it("shows Tebra switched off within seconds of config/runtime.tebraEnabled = false", async () => {
    await adminDb().doc("config/runtime").set({ tebraEnabled: false }, { merge: true });
    const health = await eventually(async () => {
      const h = await tebraHealth();
      return (h.tebra as { detail?: string } | undefined)?.detail === "switched-off"
        ? h
        : undefined;
    }, 20_000);
    // Degraded, not down: switching Tebra off is a decision, not an outage.
    expect(health).toMatchObject({
      status: 200,
      overall: "degraded",
      tebra: { status: "degraded", detail: "switched-off" },
    });
  });
});
