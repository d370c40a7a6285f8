import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import { FLOW_FIELDS } from "../../../../src/flow/visit.ts";
import {
  displayName,
  planPatientUpdate,
  planRemoval,
  planVisit,
  syncFieldsOf,
  type SyncFields,
} from "../../../../src/jobs/sync/visitPlan.ts";
import { AVERY, DAY, row } from "./fixtures.ts";

const NOW = "2026-03-10T15:00:00.000Z";

function fields(overrides: Parameters<typeof row>[0] = {}): SyncFields {
  return syncFieldsOf(row(overrides), {
    practiceId: "1",
    date: DAY,
    patient: AVERY,
    providerLabel: "Dr. Ana Reyes, MD",
  });
}

/** A visit as the sync created it from `fields()`, then moved by the front desk. */
function stored(flow: Record<string, unknown> = {}) {
  const created = planVisit(undefined, fields(), "2026-03-10T11:00:00.000Z");
  if (created.kind !== "create") throw new Error("expected a create");
  return { ...created.data, ...flow };
}

describe("syncFieldsOf", () => {
  it("takes what the board shows from the row, the patient and the provider label", () => {
    expect(fields()).toEqual({
      practiceId: "1",
      date: DAY,
      appointmentId: "95100001",
      patientId: "10042",
      patientName: "Example, Avery",
      patientDob: "1980-05-17",
      startTime: "2026-03-10T14:00:00Z",
      endTime: "2026-03-10T14:15:00Z",
      appointmentType: "P",
      appointmentReason: "Follow-up visit",
      providerId: "101",
      providerLabel: "Dr. Ana Reyes, MD",
      serviceLocationId: "201",
      tebraStatus: "Scheduled",
      tebraModifiedAt: "2026-03-09T23:00:00Z",
      tebraRemovedAt: null,
    });
  });

  it("falls back to the row's patient name and provider when nothing better is known", () => {
    const bare = syncFieldsOf(row(), {
      practiceId: "1",
      date: DAY,
      patient: null,
      providerLabel: null,
    });
    expect(bare).toMatchObject({
      patientName: "Example, Avery",
      patientDob: "",
      providerLabel: "Reyes, Ana",
    });
  });

  it("computes the end from the duration when Tebra gives no end", () => {
    expect(fields({ endTime: null, durationMinutes: 45 }).endTime).toBe(
      "2026-03-10T14:45:00Z",
    );
  });
});

describe("displayName", () => {
  it("reads Last, First and falls back to the full name", () => {
    expect(displayName({ firstName: "Avery", lastName: "Example", fullName: null })).toBe(
      "Example, Avery",
    );
    expect(displayName({ firstName: null, lastName: null, fullName: "Avery X" })).toBe(
      "Avery X",
    );
  });
});

describe("planVisit", () => {
  it("creates a visit with Tebra's status and every flow field present", () => {
    const plan = planVisit(undefined, fields({ confirmationStatus: "Check-in" }), NOW);
    expect(plan.kind).toBe("create");
    if (plan.kind !== "create") return;
    for (const field of FLOW_FIELDS) expect(plan.data).toHaveProperty(field);
    expect(plan.data).toMatchObject({
      status: "checked-in",
      room: null,
      flowUpdatedAt: null,
      flowUpdatedBy: null,
      syncedAt: NOW,
    });
    // The step Tebra names happened, at the latest, when Tebra last changed the row.
    expect(plan.data["checkedInAt"]).toEqual(
      Timestamp.fromDate(new Date("2026-03-09T23:00:00Z")),
    );
    expect(plan.data["roomedAt"]).toBeNull();
  });

  it("leaves a visit alone when nothing Tebra says has changed", () => {
    expect(planVisit(stored(), fields(), NOW)).toEqual({
      kind: "unchanged",
      keptLocalStatus: false,
    });
  });

  it("rewrites only the Tebra fields that changed, never the flow fields", () => {
    const visit = stored({
      status: "roomed",
      room: "Exam 2",
      roomedAt: Timestamp.fromDate(new Date("2026-03-10T14:05:00Z")),
      flowUpdatedBy: "staff-1",
      flowUpdatedAt: Timestamp.fromDate(new Date("2026-03-10T14:05:00Z")),
    });
    // A later Tebra edit that keeps the status: a new reason, a later end.
    const plan = planVisit(
      visit,
      fields({
        reason: "Sick visit",
        endTime: "2026-03-10T14:30:00Z",
        lastModifiedAt: "2026-03-10T14:20:00Z",
      }),
      NOW,
    );
    expect(plan).toEqual({
      kind: "update",
      data: {
        appointmentReason: "Sick visit",
        endTime: "2026-03-10T14:30:00Z",
        tebraModifiedAt: "2026-03-10T14:20:00Z",
        syncedAt: NOW,
      },
      keptLocalStatus: false,
    });
  });

  it("takes Tebra's new status when nobody has moved the visit locally", () => {
    const plan = planVisit(
      stored(),
      fields({ confirmationStatus: "Confirmed", lastModifiedAt: "2026-03-10T12:00:00Z" }),
      NOW,
    );
    expect(plan.kind).toBe("update");
    if (plan.kind !== "update") return;
    expect(plan.data).toMatchObject({ status: "confirmed", tebraStatus: "Confirmed" });
  });

  it("takes Tebra's new status when Tebra changed it after the last local move", () => {
    const visit = stored({
      status: "checked-in",
      checkedInAt: Timestamp.fromDate(new Date("2026-03-10T13:55:00Z")),
      flowUpdatedBy: "staff-1",
      flowUpdatedAt: Timestamp.fromDate(new Date("2026-03-10T13:55:00Z")),
    });
    const plan = planVisit(
      visit,
      fields({ confirmationStatus: "Cancelled", lastModifiedAt: "2026-03-10T14:10:00Z" }),
      NOW,
    );
    expect(plan.kind).toBe("update");
    if (plan.kind !== "update") return;
    expect(plan.data["status"]).toBe("cancelled");
    expect(plan.data).not.toHaveProperty("flowUpdatedAt");
    expect(plan.data).not.toHaveProperty("flowUpdatedBy");
  });

  it("keeps a newer local status over an older Tebra status, and says so", () => {
    const visit = stored({
      status: "roomed",
      room: "Exam 2",
      flowUpdatedBy: "staff-1",
      flowUpdatedAt: Timestamp.fromDate(new Date("2026-03-10T14:05:00Z")),
    });
    const plan = planVisit(
      visit,
      fields({ confirmationStatus: "Check-in", lastModifiedAt: "2026-03-10T13:58:00Z" }),
      NOW,
    );
    expect(plan.kind).toBe("update");
    if (plan.kind !== "update") return;
    expect(plan.keptLocalStatus).toBe(true);
    expect(plan.data).toEqual({
      tebraStatus: "Check-in",
      tebraModifiedAt: "2026-03-10T13:58:00Z",
      syncedAt: NOW,
    });
  });

  it("keeps the local status when Tebra's change time is unknown", () => {
    const visit = stored({
      status: "roomed",
      flowUpdatedAt: Timestamp.fromDate(new Date("2026-03-10T14:05:00Z")),
    });
    const plan = planVisit(
      visit,
      fields({ confirmationStatus: "Check-out", lastModifiedAt: null, createdAt: null }),
      NOW,
    );
    expect(plan.kind).toBe("update");
    if (plan.kind !== "update") return;
    expect(plan.keptLocalStatus).toBe(true);
    expect(plan.data).not.toHaveProperty("status");
  });

  it("reads flowUpdatedAt written as ISO text as well as a Timestamp", () => {
    const visit = stored({ status: "roomed", flowUpdatedAt: "2026-03-10T14:05:00Z" });
    const plan = planVisit(
      visit,
      fields({ confirmationStatus: "Check-in", lastModifiedAt: "2026-03-10T13:58:00Z" }),
      NOW,
    );
    expect(plan.kind === "update" && plan.keptLocalStatus).toBe(true);
  });

  it("stamps the step Tebra moved to only if the app has not stamped it", () => {
    const appStamp = Timestamp.fromDate(new Date("2026-03-10T13:00:00Z"));
    const visit = stored({ checkedOutAt: appStamp, status: "seen-by-provider" });
    const plan = planVisit(
      { ...visit, flowUpdatedAt: null },
      fields({ confirmationStatus: "Check-out", lastModifiedAt: "2026-03-10T14:40:00Z" }),
      NOW,
    );
    expect(plan.kind).toBe("update");
    if (plan.kind !== "update") return;
    expect(plan.data["status"]).toBe("checked-out");
    expect(plan.data).not.toHaveProperty("checkedOutAt");
  });

  it("clears the removal flag when the appointment comes back", () => {
    const visit = stored({ tebraRemovedAt: "2026-03-10T12:00:00.000Z" });
    const plan = planVisit(visit, fields(), NOW);
    expect(plan.kind === "update" && plan.data["tebraRemovedAt"]).toBeNull();
  });
});

describe("planRemoval", () => {
  it("deletes a visit nobody has moved locally", () => {
    expect(planRemoval(stored(), NOW)).toEqual({ kind: "delete" });
  });

  it("keeps and flags a visit the front desk has worked on", () => {
    const visit = stored({ status: "checked-in", flowUpdatedAt: "2026-03-10T13:55:00Z" });
    expect(planRemoval(visit, NOW)).toEqual({
      kind: "update",
      data: { tebraRemovedAt: NOW, syncedAt: NOW },
      keptLocalStatus: false,
    });
    expect(planRemoval({ ...visit, tebraRemovedAt: NOW }, NOW).kind).toBe("unchanged");
  });
});

describe("planPatientUpdate", () => {
  it("changes only the patient's name and date of birth", () => {
    const plan = planPatientUpdate(
      stored(),
      { name: "Example-Lane, Avery", dob: "1980-05-17" },
      NOW,
    );
    expect(plan).toEqual({
      kind: "update",
      data: { patientName: "Example-Lane, Avery", syncedAt: NOW },
      keptLocalStatus: false,
    });
    expect(planPatientUpdate(stored(), AVERY, NOW).kind).toBe("unchanged");
  });
});
