import { afterEach, describe, expect, it } from "vitest";
import {
  AnomalySettingsError,
  DEFAULT_ANOMALY_SETTINGS,
  anomalySettings,
  checkAnomalySettings,
  parseClinicDays,
} from "../../../../src/jobs/anomaly/settings.ts";
import { useDemoParams } from "../../../support/demoParams.ts";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe("anomaly settings", () => {
  it("read the demo project's parameters into the documented defaults", () => {
    useDemoParams();
    expect(anomalySettings()).toEqual(DEFAULT_ANOMALY_SETTINGS);
  });

  it("refuse a clinic day that closes before it opens, naming the parameter", () => {
    useDemoParams({ CLINIC_OPEN_HOUR: "18", CLINIC_CLOSE_HOUR: "8" });
    expect(() => anomalySettings()).toThrow(AnomalySettingsError);
    expect(() => anomalySettings()).toThrow(/closeHour/);
  });

  it("refuse a parameter the environment did not set (an int reads 0)", () => {
    useDemoParams();
    delete process.env["ANOMALY_DENIALS"];
    expect(() => anomalySettings()).toThrow(/denials/);
  });

  it("refuse a time zone that does not exist", () => {
    const hours = { ...DEFAULT_ANOMALY_SETTINGS.clinicHours, timeZone: "Mars/Olympus" };
    expect(() =>
      checkAnomalySettings({ ...DEFAULT_ANOMALY_SETTINGS, clinicHours: hours }),
    ).toThrow(/timeZone/);
  });

  it("parse clinic days as ISO weekdays and refuse others", () => {
    expect(parseClinicDays("1, 2,3,4,5,6")).toEqual([1, 2, 3, 4, 5, 6]);
    const days = parseClinicDays("1,8");
    const hours = { ...DEFAULT_ANOMALY_SETTINGS.clinicHours, days };
    expect(() =>
      checkAnomalySettings({ ...DEFAULT_ANOMALY_SETTINGS, clinicHours: hours }),
    ).toThrow(/days/);
  });
});
