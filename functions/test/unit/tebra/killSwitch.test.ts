// The kill switch: checked before every call, cached for at most 10 seconds.
import { describe, expect, it } from "vitest";
import { CachedKillSwitch, KILL_SWITCH_TTL_MS } from "../../../src/tebra/killSwitch.ts";
import { TebraError } from "../../../src/tebra/errors.ts";
import {
  captureLogs,
  fixture,
  recordingHttpClient,
  testClient,
} from "../../support/tebra.ts";

function killSwitch(values: (boolean | Error)[]) {
  let now = 0;
  let reads = 0;
  const sw = new CachedKillSwitch(
    () => {
      reads++;
      const next = values.length > 1 ? values.shift()! : values[0]!;
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
    60_000,
    () => now,
  );
  return {
    sw,
    reads: () => reads,
    advance: (ms: number) => (now += ms),
  };
}

describe("the kill switch", () => {
  it("reads the switch again after at most 10 seconds, even if asked to cache longer", async () => {
    const { sw, reads, advance } = killSwitch([true, false]);
    expect(await sw.enabled()).toBe(true);
    advance(KILL_SWITCH_TTL_MS - 1);
    expect(await sw.enabled()).toBe(true);
    expect(reads()).toBe(1);
    advance(1);
    expect(await sw.enabled()).toBe(false);
    expect(reads()).toBe(2);
  });

  it("refuses with `unavailable` and the words 'Tebra access is switched off'", async () => {
    const logs = captureLogs();
    try {
      const { sw } = killSwitch([false]);
      const error = await sw.assertEnabled("GetPatient").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TebraError);
      expect((error as TebraError).code).toBe("unavailable");
      expect((error as TebraError).message).toBe("Tebra access is switched off");
      expect(logs.events()).toContain("tebra.switched_off");
    } finally {
      logs.restore();
    }
  });

  it("keeps the last value read when the switch cannot be read for a while", async () => {
    const { sw, advance } = killSwitch([false, new Error("unavailable")]);
    expect(await sw.enabled()).toBe(false);
    advance(KILL_SWITCH_TTL_MS);
    expect(await sw.enabled()).toBe(false);
  });

  it("refuses calls when the switch has never been readable", async () => {
    const { sw } = killSwitch([new Error("unavailable")]);
    await expect(sw.enabled()).rejects.toMatchObject({ kind: "transient" });
  });

  it("stops the client before it sends anything", async () => {
    const http = recordingHttpClient(() => fixture("get-providers-response.xml"));
    const { sw } = killSwitch([false]);
    const client = testClient("http://127.0.0.1:9/x", {
      httpClient: http,
      killSwitch: sw,
    });
    await expect(client.getProviders()).rejects.toMatchObject({
      code: "unavailable",
      message: "Tebra access is switched off",
    });
    expect(http.sent).toHaveLength(0);
  });
});
