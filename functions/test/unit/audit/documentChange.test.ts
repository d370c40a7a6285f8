import { describe, expect, it } from "vitest";
import {
  agentOf,
  auditEventId,
  changeEvent,
  safeId,
  type DocumentDelivery,
} from "../../../src/audit/documentChange.ts";
import { CONFIG_SPEC, USER_SPEC, VISIT_SPEC } from "../../../src/audit/triggers.ts";
import { validateAuditEvent } from "../../../src/audit/schema.ts";

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

function delivery(overrides: Partial<DocumentDelivery> = {}): DocumentDelivery {
  return {
    eventId: "e-1",
    params: { practiceId: "1", date: "2026-03-09", appointmentId: "appt-7" },
    before: visitBefore,
    after: visitAfter,
    ...overrides,
  };
}

describe("changeEvent for a visit", () => {
  it("names the changed fields, the visit and its patient, and no value", () => {
    const event = changeEvent(VISIT_SPEC, delivery());
    expect(event).toMatchObject({
      action: "update",
      entity: {
        type: "visit",
        id: "appt-7",
        fields: ["flowUpdatedBy", "room", "status"],
      },
      patientIds: ["patient-501"],
      source: { function: "auditVisitChanges", requestId: "e-1" },
    });
    const text = JSON.stringify(event);
    expect(text).not.toContain("Canary");
    expect(text).not.toContain("Exam 3");
    expect(text).not.toContain("roomed");
    expect(() => validateAuditEvent(event)).not.toThrow();
  });

  it("records a delete with every field name and the patient from before", () => {
    const event = changeEvent(VISIT_SPEC, delivery({ after: undefined }));
    expect(event.action).toBe("delete");
    expect(event.patientIds).toEqual(["patient-501"]);
    expect(event.entity.fields).toContain("patientName");
  });

  it("hashes a field name or id that is not a plain identifier", () => {
    const event = changeEvent(
      VISIT_SPEC,
      delivery({
        params: { appointmentId: "appt with spaces" },
        before: undefined,
        after: { "Ada Example": 1 },
      }),
    );
    expect(event.entity.id).toMatch(/^h:[0-9a-f]{32}$/);
    expect(event.entity.fields).toEqual([expect.stringMatching(/^h:[0-9a-f]{32}$/)]);
    expect(() => validateAuditEvent(event)).not.toThrow();
  });
});

describe("agentOf: who made the change", () => {
  it("names a web-app user from the auth context", () => {
    const agent = agentOf(delivery({ authType: "app_user", authId: "staff-uid-9" }), []);
    expect(agent).toMatchObject({ uid: "staff-uid-9", identifiedBy: "auth-context" });
  });

  it("prefers the auth context over a flowUpdatedBy the writer set", () => {
    const agent = agentOf(delivery({ authType: "app_user", authId: "staff-uid-9" }), [
      "flowUpdatedBy",
    ]);
    expect(agent.uid).toBe("staff-uid-9");
  });

  it("names the user from flowUpdatedBy when the backend wrote for them", () => {
    const agent = agentOf(
      delivery({ authType: "service_account", authId: "sa@example.test" }),
      ["flowUpdatedBy", "status"],
    );
    expect(agent).toMatchObject({
      uid: "staff-uid-2",
      kind: "user",
      identifiedBy: "flowUpdatedBy",
    });
  });

  it("names the same user again on their next flow write, when only flowUpdatedAt changes", () => {
    const agent = agentOf(
      delivery({ after: { ...visitAfter, flowUpdatedBy: "staff-uid-1" } }),
      ["flowUpdatedAt", "status"],
    );
    expect(agent).toMatchObject({ uid: "staff-uid-1", identifiedBy: "flowUpdatedBy" });
  });

  it("does not blame the last flow writer for a sync that left the flow fields alone", () => {
    const agent = agentOf(delivery({ authType: "service_account" }), ["tebraStatus"]);
    expect(agent).toMatchObject({ uid: null, kind: "service" });
  });

  it("never takes an email or the emulator's placeholder principal as a uid", () => {
    const agent = agentOf(
      delivery({ authType: "unknown", authId: "fake-auth-id@gmail.com" }),
      ["status"],
    );
    expect(agent).toEqual({ uid: null, role: null, kind: "system", breakGlass: false });
  });

  it("calls a service account's write a service's", () => {
    const agent = agentOf(delivery({ authType: "service_account" }), ["status"]);
    expect(agent.kind).toBe("service");
  });
});

describe("severity", () => {
  it("is high for a change to who may see PHI, normal for a display setting", () => {
    const roleChange = changeEvent(USER_SPEC, {
      eventId: "e",
      params: { uid: "u1" },
      before: { role: "staff" },
      after: { role: "admin" },
    });
    const themeChange = changeEvent(USER_SPEC, {
      eventId: "e",
      params: { uid: "u1" },
      before: { theme: "dark" },
      after: { theme: "light" },
    });
    expect(roleChange.severity).toBe("high");
    expect(themeChange.severity).toBe("normal");
  });

  it("is high for every change of runtime configuration", () => {
    const event = changeEvent(CONFIG_SPEC, {
      eventId: "e",
      params: { docId: "runtime" },
      before: { tebraEnabled: true },
      after: { tebraEnabled: false },
    });
    expect(event).toMatchObject({
      severity: "high",
      entity: { type: "config", id: "runtime" },
    });
  });
});

describe("ids", () => {
  it("derives the event id from the function and the delivery, deterministically", () => {
    expect(auditEventId("auditVisitChanges", "abc-123")).toBe(
      "auditVisitChanges-abc-123",
    );
    expect(auditEventId("f", "a/b")).toBe(auditEventId("f", "a/b"));
    expect(auditEventId("f", "a/b")).not.toContain("/");
  });

  it("keeps plain ids and numbers, hashes the rest", () => {
    expect(safeId("patient-501")).toBe("patient-501");
    expect(safeId(501)).toBe("501");
    expect(safeId("Ada Example")).toMatch(/^h:/);
    expect(safeId("")).toBeNull();
  });
});
