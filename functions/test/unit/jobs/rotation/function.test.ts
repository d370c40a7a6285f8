import functionsTest from "firebase-functions-test";
import { onSchedule } from "firebase-functions/scheduler";
import { afterAll, describe, expect, it } from "vitest";
import {
  ROTATION_OPTIONS,
  credentialRotation,
  rotationHandler,
  rotationRunId,
} from "../../../../src/jobs/rotation/function.ts";
import { invokeScheduled } from "../../../support/scheduled.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
afterAll(() => fft.cleanup());

describe("credentialRotation (scheduled function)", () => {
  it("runs every hour, in the practice's time zone stated explicitly", () => {
    const trigger = credentialRotation.__endpoint.scheduleTrigger!;
    expect(trigger.schedule).toBe("15 * * * *");
    expect(trigger.timeZone).toMatchObject({ name: "PRACTICE_TIME_ZONE" });
  });

  it("when invoked, runs one rotation over every managed secret", async () => {
    const runs: unknown[] = [];
    const fn = onSchedule(
      ROTATION_OPTIONS,
      rotationHandler((event) => {
        runs.push(event);
        return Promise.resolve([]);
      }),
    );
    await invokeScheduled(fft, fn);
    expect(runs).toHaveLength(1);
  });

  it("fails the invocation when a secret could not be rotated", async () => {
    const fn = onSchedule(
      ROTATION_OPTIONS,
      rotationHandler(() => Promise.reject(new Error("secret store down"))),
    );
    await expect(invokeScheduled(fft, fn)).rejects.toThrow("secret store down");
  });

  it("names a run by its schedule time", () => {
    expect(rotationRunId("2026-03-10T11:15:00Z", 0)).toBe(
      "rotation-2026-03-10T11:15:00.000Z",
    );
    expect(rotationRunId("nonsense", Date.parse("2026-03-10T11:16:02Z"))).toBe(
      "rotation-2026-03-10T11:16:02.000Z",
    );
  });
});
