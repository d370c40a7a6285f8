import { describe, expect, it } from "vitest";
import { ReferenceCache } from "../../../src/phi/reference.ts";

describe("the reference-data cache", () => {
  it("loads once within the time to live, and again after it", async () => {
    let now = 0;
    let loads = 0;
    const cache = new ReferenceCache({ ttlMs: 1000, now: () => now });
    const load = () => Promise.resolve([++loads]);
    expect(await cache.get("providers", load)).toEqual([1]);
    now = 999;
    expect(await cache.get("providers", load)).toEqual([1]);
    now = 1000;
    expect(await cache.get("providers", load)).toEqual([2]);
  });

  it("shares one load between callers that ask at once", async () => {
    let loads = 0;
    const cache = new ReferenceCache();
    const load = () =>
      new Promise<number>((resolve) => setTimeout(() => resolve(++loads), 5));
    const answers = await Promise.all([cache.get("k", load), cache.get("k", load)]);
    expect(answers).toEqual([1, 1]);
  });

  it("keeps no failure: the next call asks again", async () => {
    const cache = new ReferenceCache();
    await expect(
      cache.get("k", () => Promise.reject(new Error("down"))),
    ).rejects.toThrow();
    expect(await cache.get("k", () => Promise.resolve("up"))).toBe("up");
  });
});
