import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  alertId,
  mergeDrafts,
  type SecurityAlertDraft,
} from "../../../../src/incident/securityAlerts.ts";
import { ClinicClock } from "../../../../src/jobs/anomaly/clinicHours.ts";
import {
  ANOMALY_RULES,
  AnomalyRules,
  RULE_SEVERITY,
  type AnomalyRule,
  type Finding,
} from "../../../../src/jobs/anomaly/rules.ts";
import { readScanEvent } from "../../../../src/jobs/anomaly/scanEvent.ts";
import { subjectOf } from "../../../../src/jobs/anomaly/scan.ts";
import {
  DEFAULT_ANOMALY_SETTINGS,
  type AnomalySettings,
} from "../../../../src/jobs/anomaly/settings.ts";
import {
  emptyUserState,
  type UserState,
} from "../../../../src/jobs/anomaly/userState.ts";
import {
  INACTIVE_UID,
  PROVIDER,
  STAFF,
  ADMIN_UID,
  incident,
  normalWeek,
  type SeededEvent,
} from "../../../support/anomalyWeek.ts";

/** Runs the rules over events as the scan does, without Firestore: alerts by id. */
function evaluate(
  events: readonly SeededEvent[],
  settings: AnomalySettings = DEFAULT_ANOMALY_SETTINGS,
  inactive: (uid: string) => boolean = (uid) => uid === INACTIVE_UID,
  states = new Map<string, UserState>(),
): Map<string, SecurityAlertDraft> {
  const rules = new AnomalyRules(settings, new ClinicClock(settings.clinicHours), (uid) =>
    inactive(uid),
  );
  const alerts = new Map<string, SecurityAlertDraft>();
  const report = (f: Finding) => {
    const draft: SecurityAlertDraft = {
      rule: f.rule,
      severity: RULE_SEVERITY[f.rule],
      subjectUid: f.subjectUid,
      bucket: f.bucket,
      window: { from: new Date(f.fromMs), to: new Date(f.toMs) },
      count: f.count,
      eventIds: f.eventIds,
      raisedBy: "test",
    };
    const id = alertId(f.rule, f.subjectUid, f.bucket);
    const seen = alerts.get(id);
    alerts.set(id, seen ? mergeDrafts(seen, draft) : draft);
  };
  const ordered = [...events].sort(
    (a, b) => a.data.recorded.getTime() - b.data.recorded.getTime(),
  );
  for (const seeded of ordered) {
    const event = readScanEvent(seeded.id, seeded.data)!;
    const subject = subjectOf(event);
    if (!subject) continue;
    if (!states.has(subject)) {
      states.set(subject, emptyUserState(subject === "_anonymous" ? null : subject));
    }
    rules.observe(states.get(subject)!, event, report);
  }
  return alerts;
}

function summary(alerts: Map<string, SecurityAlertDraft>) {
  return [...alerts.values()].map((a) => ({
    rule: a.rule,
    subjectUid: a.subjectUid,
    count: a.count,
  }));
}

const EXPECTED: Record<AnomalyRule, { subjectUid: string; count: number }> = {
  volumeAboveBaseline: { subjectUid: STAFF(1), count: expect.any(Number) as number },
  manyDistinctPatients: { subjectUid: PROVIDER(1), count: expect.any(Number) as number },
  outsideClinicHours: { subjectUid: STAFF(2), count: 1 },
  repeatedDenials: { subjectUid: STAFF(3), count: 6 },
  breakGlassUse: { subjectUid: PROVIDER(2), count: 1 },
  inactiveUserActivity: { subjectUid: INACTIVE_UID, count: 2 },
  bulkRead: { subjectUid: ADMIN_UID, count: 250 },
};

describe("the anomaly rules on a seeded week", () => {
  const week = normalWeek();

  it("stay quiet on a normal week of clinic work", () => {
    expect(week.length).toBeGreaterThan(1500);
    expect(summary(evaluate(week))).toEqual([]);
  });

  for (const rule of ANOMALY_RULES) {
    it(`raise exactly one ${rule} alert for its seeded incident, and nothing else`, () => {
      const alerts = summary(evaluate([...week, ...incident(rule)]));
      expect(alerts).toEqual([{ rule, ...EXPECTED[rule] }]);
    });
  }

  it("count the whole hour for a volume alert, above the user's own threshold", () => {
    const alerts = [...evaluate([...week, ...incident("volumeAboveBaseline")]).values()];
    expect(alerts[0]!.count).toBeGreaterThan(150);
    expect(alerts[0]!.window.to.getTime() - alerts[0]!.window.from.getTime()).toBe(
      3600_000,
    );
    expect(alerts[0]!.eventIds.length).toBe(20);
  });

  it("count the distinct patients of the window for a distinct-patients alert", () => {
    const alerts = [...evaluate([...week, ...incident("manyDistinctPatients")]).values()];
    expect(alerts[0]!.count).toBeGreaterThanOrEqual(40);
  });
});

describe("the volume rule", () => {
  const settings = DEFAULT_ANOMALY_SETTINGS;
  const rules = new AnomalyRules(
    settings,
    new ClinicClock(settings.clinicHours),
    () => false,
  );

  it("uses the new-user ceiling until the baseline has enough active hours", () => {
    const state = emptyUserState("u1");
    state.baseline = { mean: 5, activeHours: settings.baselineMinHours - 1 };
    expect(rules.volumeThreshold(state)).toBe(200);
  });

  it("uses the multiplier of the user's own mean once the baseline is trusted", () => {
    const state = emptyUserState("u1");
    state.baseline = { mean: 30, activeHours: 20 };
    expect(rules.volumeThreshold(state)).toBe(120);
  });

  it("never alerts below the minimum hourly volume, however low the baseline", () => {
    const state = emptyUserState("u1");
    state.baseline = { mean: 1, activeHours: 50 };
    expect(rules.volumeThreshold(state)).toBe(settings.volumeMinEvents);
  });

  it("does not let an incident hour raise the baseline past the threshold", () => {
    const states = new Map<string, UserState>();
    evaluate(
      [...normalWeek(), ...incident("volumeAboveBaseline")],
      settings,
      () => false,
      states,
    );
    const staff = states.get(STAFF(1))!;
    // About ten events an hour; a 160-event hour would have pushed the mean far higher.
    expect(staff.baseline.mean).toBeGreaterThan(5);
    expect(staff.baseline.mean).toBeLessThan(15);
  });
});

describe("the outside-clinic-hours rule", () => {
  const at = (iso: string) => [
    {
      id: `e-${iso}`,
      data: {
        ...incident("outsideClinicHours")[0]!.data,
        recorded: DateTime.fromISO(iso, { zone: "America/Chicago" }).toJSDate(),
      },
    },
  ];

  it("judges the hour in the practice's zone, across the spring DST change", () => {
    // Sunday 2026-03-08 is the DST change; Monday 06:30 local is before opening.
    expect(summary(evaluate(at("2026-03-09T06:30")))).toHaveLength(1);
    expect(summary(evaluate(at("2026-03-09T07:30")))).toHaveLength(0);
  });

  it("treats a weekend day as outside clinic hours", () => {
    expect(summary(evaluate(at("2026-03-07T10:00")))).toHaveLength(1);
  });

  it("follows configured hours and days", () => {
    const saturdays: AnomalySettings = {
      ...DEFAULT_ANOMALY_SETTINGS,
      clinicHours: { ...DEFAULT_ANOMALY_SETTINGS.clinicHours, days: [1, 2, 3, 4, 5, 6] },
    };
    expect(summary(evaluate(at("2026-03-07T10:00"), saturdays))).toHaveLength(0);
  });
});

describe("the rules' subjects", () => {
  it("ignore the system's own events, however many patients they touch", () => {
    const sync = normalWeek().filter((e) => e.data.agent.kind === "system");
    expect(sync.length).toBeGreaterThan(0);
    expect(summary(evaluate(sync))).toEqual([]);
  });

  it("group denials of callers who were not signed in under one anonymous subject", () => {
    const denials = incident("repeatedDenials").map((e) => ({
      ...e,
      data: { ...e.data, agent: { ...e.data.agent, uid: null } },
    }));
    expect(summary(evaluate(denials))).toEqual([
      { rule: "repeatedDenials", subjectUid: null, count: 6 },
    ]);
  });
});
