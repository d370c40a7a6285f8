import { describe, expect, it } from "vitest";
import { LOCAL_TEBRA_CREDENTIALS } from "../../../dev/local-tebra/credentials.ts";
import { LOCAL_TEBRA_CREDENTIALS as SEEDED } from "../../../src/platform/localSecrets.ts";

describe("the local Tebra's account", () => {
  it("is the one the emulator's secret store is seeded with", () => {
    expect(LOCAL_TEBRA_CREDENTIALS).toEqual(SEEDED);
  });

  it("holds values that cannot pass for real credentials", () => {
    for (const value of Object.values(LOCAL_TEBRA_CREDENTIALS))
      expect(value).toMatch(/^local-/);
  });
});
