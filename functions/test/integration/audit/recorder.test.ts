import type { Timestamp } from "firebase-admin/firestore";
import { beforeEach, describe, expect, it } from "vitest";
import { AUDIT_LOG_NAME } from "../../../src/audit/auditLog.ts";
import type { AuditRecorder, NewAuditEvent } from "../../../src/audit/event.ts";
import { FirestoreAuditRecorder } from "../../../src/audit/recorder.ts";
import { InvalidAuditEventError } from "../../../src/audit/schema.ts";
import { shardOf } from "../../../src/audit/shard.ts";
import { withAudit, type AuditedEvent } from "../../../src/audit/withAudit.ts";
import { LocalCloudLogging } from "../../../src/platform/cloudLogging.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { breakGlassRead, frontDeskRead } from "../../support/auditFixtures.ts";

beforeEach(() => clearFirestore());

/** What a PHI callable would return: a canary patient from the local Tebra. */
const CANARY_PATIENT = {
  patientId: "patient-501",
  firstName: "Canary",
  lastName: "Example",
  dateOfBirth: "1970-01-01",
};

function patientRead(): AuditedEvent {
  const event: Partial<NewAuditEvent> = frontDeskRead({
    entity: { type: "patient", id: "patient-501" },
    source: { function: "getPatient", requestId: "req-phi-1" },
  });
  delete event.outcome;
  return event as AuditedEvent;
}

async function allEvents() {
  return (await adminDb().collection("auditEvents").get()).docs;
}

describe("FirestoreAuditRecorder on the emulator", () => {
  it("a PHI read through withAudit writes exactly one event, with server time and shard", async () => {
    const recorder = new FirestoreAuditRecorder(adminDb());
    const before = Date.now();
    const reply = await withAudit(
      recorder,
      {
        event: patientRead(),
        disclosed: (p: typeof CANARY_PATIENT) => ({
          patientIds: [p.patientId],
          fields: ["dateOfBirth", "firstName", "lastName"],
        }),
      },
      () => Promise.resolve(CANARY_PATIENT),
    );
    expect(reply).toEqual(CANARY_PATIENT);

    const events = await allEvents();
    expect(events).toHaveLength(1);
    const stored = events[0]!.data();
    expect(stored).toMatchObject({
      action: "read",
      outcome: "success",
      agent: { uid: "staff-uid-1", role: "staff" },
      entity: { type: "patient", id: "patient-501" },
      patientIds: ["patient-501"],
      source: { function: "getPatient", requestId: "req-phi-1" },
      shard: shardOf(events[0]!.id),
    });
    const recorded = (stored["recorded"] as Timestamp).toMillis();
    expect(recorded).toBeGreaterThanOrEqual(before - 5_000);
    expect(recorded).toBeLessThanOrEqual(Date.now() + 5_000);
    const text = JSON.stringify(stored);
    expect(text).not.toContain("Canary");
    expect(text).not.toContain("1970-01-01");
  });

  it("a failed audit write means the caller gets an error and no PHI, and nothing is stored", async () => {
    const failing: AuditRecorder = {
      record: () => Promise.reject(new Error("DEADLINE_EXCEEDED")),
    };
    const outcome = await withAudit(
      failing,
      { event: patientRead() },
      () => CANARY_PATIENT,
    ).then(
      (value) => ({ value, error: null as unknown }),
      (error: unknown) => ({ value: null, error }),
    );
    expect(outcome.value).toBeNull();
    expect(outcome.error).toMatchObject({ code: "unavailable" });
    expect(JSON.stringify(outcome.error)).not.toContain("Canary");
    expect(await allEvents()).toHaveLength(0);
  });

  it("refuses an event holding a name, storing nothing, so the call fails closed", async () => {
    const recorder = new FirestoreAuditRecorder(adminDb());
    await expect(
      recorder.record(frontDeskRead({ patientIds: ["Canary Example"] })),
    ).rejects.toBeInstanceOf(InvalidAuditEventError);
    expect(await allEvents()).toHaveLength(0);
  });

  it("writes an event with a given id once; the second write adds and changes nothing", async () => {
    const recorder = new FirestoreAuditRecorder(adminDb());
    const id = await recorder.record(frontDeskRead(), { id: "fixed-id-1" });
    const first = await adminDb().doc(`auditEvents/${id}`).get();
    await recorder.record(frontDeskRead({ outcome: "failed" }), { id: "fixed-id-1" });
    const again = await adminDb().doc(`auditEvents/${id}`).get();
    expect(await allEvents()).toHaveLength(1);
    expect(again.updateTime!.isEqual(first.updateTime!)).toBe(true);
    expect(again.get("outcome")).toBe("success");
  });

  it("copies a high-severity event to Cloud Logging at once, and a normal one not", async () => {
    const log = new LocalCloudLogging();
    const recorder = new FirestoreAuditRecorder(adminDb(), { log });
    const highId = await recorder.record(breakGlassRead());
    await recorder.record(frontDeskRead());
    const entries = await log.read(AUDIT_LOG_NAME, { from: new Date(0), to: new Date() });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      severity: "WARNING",
      payload: { kind: "audit-event", id: highId, agent: { breakGlass: true } },
    });
  });

  it("keeps the event when the Cloud Logging copy fails: Firestore is the record", async () => {
    const log = new LocalCloudLogging();
    log.write = () => Promise.reject(new Error("logging down"));
    const recorder = new FirestoreAuditRecorder(adminDb(), { log });
    await expect(recorder.record(breakGlassRead())).resolves.toEqual(expect.any(String));
    expect(await allEvents()).toHaveLength(1);
  });
});
