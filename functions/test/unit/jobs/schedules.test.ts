import { describe, expect, it } from "vitest";
import * as exported from "../../../src/index.ts";

interface Endpoint {
  scheduleTrigger?: { schedule?: unknown; timeZone?: unknown };
}

const scheduled = Object.entries(exported).filter(
  ([, fn]) => (fn as { __endpoint?: Endpoint }).__endpoint?.scheduleTrigger !== undefined,
);

describe("every scheduled function the backend exports", () => {
  it("includes the jobs of this backend", () => {
    expect(scheduled.map(([name]) => name)).toEqual(
      expect.arrayContaining(["anomalyScan", "purgeExpiredData", "backupFirestore"]),
    );
  });

  it.each(scheduled)("%s states its time zone explicitly", (_name, fn) => {
    const trigger = (fn as { __endpoint: Endpoint }).__endpoint.scheduleTrigger!;
    expect(trigger.schedule).toEqual(expect.any(String));
    expect(trigger.timeZone).toBeDefined();
    expect(String(trigger.timeZone)).not.toBe("");
  });
});
