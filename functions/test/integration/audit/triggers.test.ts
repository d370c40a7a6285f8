import type { DocumentSnapshot } from "firebase-admin/firestore";
import functionsTest from "firebase-functions-test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  auditConfigChanges,
  auditScheduleChanges,
  auditUserChanges,
  auditVisitChanges,
} from "../../../src/audit/triggers.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
afterAll(() => fft.cleanup());
beforeEach(() => clearFirestore());

const VISIT_PATH = "practices/1/schedules/2026-03-09/visits/appt-7";

function change(path: string, before: object | null, after: object | null) {
  // An empty path makes a snapshot of a document that does not exist.
  const snap = (data: object | null) =>
    fft.firestore.makeDocumentSnapshot(data ?? {}, data ? path : "") as DocumentSnapshot;
  return fft.makeChange(snap(before), snap(after));
}

const visitBefore = {
  patientId: "patient-501",
  patientName: "Canary Ada Example",
  status: "checkedIn",
  room: null,
  flowUpdatedBy: "staff-uid-1",
};
const visitAfter = {
  ...visitBefore,
  status: "roomed",
  room: "Exam 3",
  flowUpdatedBy: "staff-uid-2",
};

async function events() {
  return (await adminDb().collection("auditEvents").get()).docs;
}

describe("the audit triggers (handlers on the real emulator)", () => {
  it("auditVisitChanges: one event naming the visit, its patient, the fields and the user", async () => {
    await fft.wrap(auditVisitChanges)({
      id: "evt-visit-1",
      params: { practiceId: "1", date: "2026-03-09", appointmentId: "appt-7" },
      data: change(VISIT_PATH, visitBefore, visitAfter),
      authType: "service_account",
    });
    const stored = await events();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id).toBe("auditVisitChanges-evt-visit-1");
    expect(stored[0]!.data()).toMatchObject({
      action: "update",
      outcome: "success",
      agent: { uid: "staff-uid-2", kind: "user", identifiedBy: "flowUpdatedBy" },
      entity: {
        type: "visit",
        id: "appt-7",
        fields: ["flowUpdatedBy", "room", "status"],
      },
      patientIds: ["patient-501"],
      purposeOfUse: "HOPERAT",
      source: { function: "auditVisitChanges", requestId: "evt-visit-1" },
    });
    const text = JSON.stringify(stored[0]!.data());
    expect(text).not.toContain("Canary");
    expect(text).not.toContain("Exam 3");
  });

  it("a duplicate delivery of the same event writes nothing new", async () => {
    const delivery = {
      id: "evt-visit-2",
      params: { practiceId: "1", date: "2026-03-09", appointmentId: "appt-7" },
      data: change(VISIT_PATH, visitBefore, visitAfter),
    };
    const handler = fft.wrap(auditVisitChanges);
    await handler(delivery);
    const first = await adminDb().doc("auditEvents/auditVisitChanges-evt-visit-2").get();
    await handler(delivery);
    const again = await adminDb().doc("auditEvents/auditVisitChanges-evt-visit-2").get();
    expect(await events()).toHaveLength(1);
    expect(again.updateTime!.isEqual(first.updateTime!)).toBe(true);
  });

  it("auditScheduleChanges: records the day document's change, with no patient", async () => {
    const path = "practices/1/schedules/2026-03-09";
    await fft.wrap(auditScheduleChanges)({
      id: "evt-day-1",
      params: { practiceId: "1", date: "2026-03-09" },
      data: change(path, null, { syncedAt: "2026-03-09T11:00:00Z", visitCount: 12 }),
    });
    const stored = (await events())[0]!.data();
    expect(stored).toMatchObject({
      action: "create",
      entity: {
        type: "schedule",
        id: "1:2026-03-09",
        fields: ["syncedAt", "visitCount"],
      },
      patientIds: [],
      agent: { uid: null, kind: "system" },
    });
  });

  it("auditUserChanges: a role change is high severity and names the user from auth context", async () => {
    await fft.wrap(auditUserChanges)({
      id: "evt-user-1",
      params: { uid: "alice" },
      data: change(
        "users/alice",
        { role: "staff", active: true },
        { role: "provider", active: true },
      ),
      authType: "app_user",
      authId: "admin-uid-1",
    });
    const stored = await adminDb().doc("auditEvents/auditUserChanges-evt-user-1").get();
    expect(stored.data()).toMatchObject({
      action: "update",
      agent: { uid: "admin-uid-1", identifiedBy: "auth-context" },
      entity: { type: "user", id: "alice", fields: ["role"] },
      purposeOfUse: "HSYSADMIN",
      severity: "high",
    });
    expect(JSON.stringify(stored.data())).not.toContain("provider");
  });

  it("auditConfigChanges: a runtime switch is recorded as a high-severity delete", async () => {
    await fft.wrap(auditConfigChanges)({
      id: "evt-config-1",
      params: { docId: "runtime" },
      data: change("config/runtime", { tebraEnabled: false }, null),
    });
    const stored = await adminDb()
      .doc("auditEvents/auditConfigChanges-evt-config-1")
      .get();
    expect(stored.data()).toMatchObject({
      action: "delete",
      entity: { type: "config", id: "runtime", fields: ["tebraEnabled"] },
      severity: "high",
    });
  });
});
