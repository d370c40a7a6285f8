// Small audit events named after what they show. Synthetic ids only.
import type { NewAuditEvent } from "../../src/audit/event.ts";

/** A front-desk user reading one patient's appointment. */
export function frontDeskRead(overrides: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return {
    action: "read",
    outcome: "success",
    agent: {
      uid: "staff-uid-1",
      role: "staff",
      kind: "user",
      breakGlass: false,
      identifiedBy: "token",
    },
    entity: { type: "appointment", id: "appt-1001", fields: ["startTime", "status"] },
    patientIds: ["patient-501"],
    purposeOfUse: "HOPERAT",
    source: { function: "getAppointment", requestId: "req-1" },
    severity: "normal",
    ...overrides,
  };
}

/** A provider's access allowed only by break-glass: high severity. */
export function breakGlassRead(): NewAuditEvent {
  return frontDeskRead({
    agent: { uid: "provider-uid-1", role: "provider", kind: "user", breakGlass: true },
    purposeOfUse: "ETREAT",
    severity: "high",
    source: { function: "getPatient", requestId: "req-bg" },
  });
}

/** A staff member refused. */
export function deniedRead(uid = "staff-uid-2"): NewAuditEvent {
  return frontDeskRead({
    outcome: "denied",
    outcomeReason: "permission-denied",
    agent: { uid, role: "staff", kind: "user", breakGlass: false },
  });
}
