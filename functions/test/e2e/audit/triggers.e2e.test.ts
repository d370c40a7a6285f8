// The audit triggers as deployed: the compiled functions in the Functions emulator, fired
// by the Firestore emulator on a real write.
import { FieldValue } from "firebase-admin/firestore";
import { beforeAll, describe, expect, it } from "vitest";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { eventually } from "../../support/callable.ts";

/** A trigger's first run loads the functions in a worker: allow for a cold start. */
const TRIGGER_WAIT_MS = 45_000;

beforeAll(() => clearFirestore());

async function eventsFor(entityId: string) {
  const snapshot = await adminDb()
    .collection("auditEvents")
    .where("entity.id", "==", entityId)
    .get();
  return snapshot.docs;
}

function settle(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("auditVisitChanges (fired by the emulator)", () => {
  it("writes one audit event for a flow change, naming the user and the fields only", async () => {
    const path = "practices/1/schedules/2026-03-09/visits/appt-e2e-1";
    await adminDb().doc(path).set({
      patientId: "patient-e2e-1",
      patientName: "Canary, Ada",
      status: "checked-in",
      room: "Exam 3",
      flowUpdatedBy: "staff-e2e-1",
      flowUpdatedAt: FieldValue.serverTimestamp(),
    });
    const events = await eventually(async () => {
      const docs = await eventsFor("appt-e2e-1");
      return docs.length ? docs : undefined;
    }, TRIGGER_WAIT_MS);
    // A second delivery, if the emulator made one, would have had time to land.
    await settle(2_000);
    const after = await eventsFor("appt-e2e-1");
    expect(after).toHaveLength(1);
    expect(events[0]!.id).toMatch(/^auditVisitChanges-/);
    const event = events[0]!.data();
    expect(event).toMatchObject({
      action: "create",
      entity: { type: "visit", id: "appt-e2e-1" },
      patientIds: ["patient-e2e-1"],
      // The emulator's auth context names a placeholder principal, never a user; the
      // rules-bound flowUpdatedBy names who made the change.
      agent: { uid: "staff-e2e-1", identifiedBy: "flowUpdatedBy" },
      source: { function: "auditVisitChanges" },
    });
    expect(typeof event["shard"]).toBe("number");
    expect(JSON.stringify(event)).not.toContain("Canary");
    expect(JSON.stringify(event)).not.toContain("Exam 3");
  });
});

describe("auditConfigChanges (fired by the emulator)", () => {
  it("records a change of runtime configuration as high severity", async () => {
    await adminDb().doc("config/e2e-audit-switch").set({ tebraEnabled: false });
    const events = await eventually(async () => {
      const docs = await eventsFor("e2e-audit-switch");
      return docs.length ? docs : undefined;
    }, TRIGGER_WAIT_MS);
    expect(events).toHaveLength(1);
    const event = events[0]!.data();
    expect(event).toMatchObject({
      action: "create",
      entity: { type: "config", id: "e2e-audit-switch", fields: ["tebraEnabled"] },
      severity: "high",
      // The emulator's placeholder principal is neither a user nor a service account.
      agent: { uid: null, kind: "system" },
    });
  });
});
