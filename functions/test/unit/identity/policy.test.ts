import { describe, expect, it } from "vitest";
import { PURPOSES_OF_USE } from "../../../src/audit/event.ts";
import { ROLES, type Role } from "../../../src/identity/caller.ts";
import {
  allowedRoles,
  APPOINTMENT_CLINICAL_FIELDS,
  APPOINTMENT_FRONT_DESK_FIELDS,
  fieldsFor,
  guardRuleFor,
  OPERATIONS,
  PATIENT_CLINICAL_FIELDS,
  PATIENT_FRONT_DESK_FIELDS,
  PATIENT_SEARCH_FIELDS,
  PHI_FIELD_NAMES,
  POLICY,
  purposeOfUseFor,
  type OperationName,
} from "../../../src/identity/policy.ts";

function lastSegment(path: string): string {
  return path.split(".").at(-1)!;
}

function rows(): [OperationName, (typeof POLICY)[OperationName]][] {
  return OPERATIONS.map((name) => [name, POLICY[name]]);
}

describe("the policy table", () => {
  it("has exactly one row per operation, and no row for anything else", () => {
    expect(Object.keys(POLICY).sort()).toEqual([...OPERATIONS].sort());
    expect(new Set(OPERATIONS).size).toBe(OPERATIONS.length);
  });

  it("lets at least one role call every operation, and only known roles", () => {
    for (const [name] of rows()) {
      const roles = allowedRoles(name);
      expect(roles.length, name).toBeGreaterThan(0);
      for (const role of roles) expect(ROLES, name).toContain(role);
    }
  });

  it("never lets an auditor call an operation that touches PHI", () => {
    for (const [name, row] of rows()) {
      if (row.phi) expect(allowedRoles(name), name).not.toContain("auditor");
    }
  });

  it("never shows an auditor a PHI field, in any operation", () => {
    for (const [name] of rows()) {
      for (const path of fieldsFor(name, "auditor")) {
        for (const segment of path.split(".")) {
          expect(PHI_FIELD_NAMES.has(segment), `${name}: ${path}`).toBe(false);
        }
      }
    }
  });

  it("names PHI fields only in rows marked PHI", () => {
    for (const [name, row] of rows()) {
      if (row.phi) continue;
      for (const role of allowedRoles(name)) {
        for (const path of fieldsFor(name, role)) {
          expect(PHI_FIELD_NAMES.has(lastSegment(path)), `${name}/${role}: ${path}`).toBe(
            false,
          );
        }
      }
    }
  });

  it("lists no field twice for a role, and no path that would keep a whole PHI list", () => {
    const lists = new Set(["appointments", "patients"]);
    for (const [name, row] of rows()) {
      for (const role of allowedRoles(name)) {
        const fields = fieldsFor(name, role);
        expect(new Set(fields).size, `${name}/${role}`).toBe(fields.length);
        if (row.phi) {
          for (const path of fields)
            expect(lists.has(path), `${name}: ${path}`).toBe(false);
        }
      }
    }
  });

  it("asks a second factor and a fresh session for every PHI operation", () => {
    for (const [name, row] of rows()) {
      if (!row.phi) continue;
      expect(guardRuleFor(name), name).toMatchObject({
        secondFactor: true,
        freshSession: true,
      });
    }
  });

  it("records a known purpose of use for every role, and ETREAT under break-glass", () => {
    for (const [name, row] of rows()) {
      expect(PURPOSES_OF_USE).toContain(row.purposeOfUse);
      for (const role of ROLES) {
        expect(PURPOSES_OF_USE).toContain(purposeOfUseFor(name, role));
        expect(purposeOfUseFor(name, role, true)).toBe("ETREAT");
      }
    }
    expect(purposeOfUseFor("getPatient", "provider")).toBe("TREAT");
    expect(purposeOfUseFor("getPatient", "staff")).toBe("HOPERAT");
    expect(purposeOfUseFor("queryAuditEvents", "auditor")).toBe("HCOMPL");
    expect(purposeOfUseFor("setUserRole", "admin")).toBe("HSYSADMIN");
  });

  it("records role changes, break-glass and lockdowns as high-severity events", () => {
    for (const name of [
      "setUserRole",
      "openBreakGlass",
      "startLockdown",
      "endLockdown",
      "rotateCredentials",
    ] as const) {
      expect(POLICY[name].severity, name).toBe("high");
    }
  });

  it("gives search its own, stricter limit", () => {
    expect(POLICY.searchPatients.limit).toBe("search");
    expect(rows().filter(([, row]) => row.limit === "search")).toHaveLength(1);
  });
});

describe("who sees what (minimum necessary)", () => {
  const roleSees = (name: OperationName, role: Role) => new Set(fieldsFor(name, role));

  it("shows the front desk name, DOB, time, type, provider, status and phone of a visit", () => {
    const staff = roleSees("getAppointment", "staff");
    for (const field of [
      "patientName",
      "patientDob",
      "startTime",
      "appointmentType",
      "providerLabel",
      "status",
      "patientPhone",
    ]) {
      expect(staff.has(field), field).toBe(true);
    }
  });

  it("keeps the clinical context (reason, notes, alerts) from the front desk", () => {
    for (const field of APPOINTMENT_CLINICAL_FIELDS) {
      expect(roleSees("getAppointment", "staff").has(field)).toBe(false);
      expect(roleSees("getSchedule", "staff").has(`appointments.${field}`)).toBe(false);
      expect(roleSees("getAppointment", "admin").has(field)).toBe(false);
    }
    for (const field of PATIENT_CLINICAL_FIELDS) {
      expect(roleSees("getPatient", "staff").has(field)).toBe(false);
    }
  });

  it("shows a provider everything the front desk sees and the clinical context", () => {
    const provider = roleSees("getAppointment", "provider");
    for (const field of [
      ...APPOINTMENT_FRONT_DESK_FIELDS,
      ...APPOINTMENT_CLINICAL_FIELDS,
    ]) {
      expect(provider.has(field), field).toBe(true);
    }
    const patient = roleSees("getPatient", "provider");
    for (const field of [...PATIENT_FRONT_DESK_FIELDS, ...PATIENT_CLINICAL_FIELDS]) {
      expect(patient.has(field), field).toBe(true);
    }
  });

  it("shows search results as identity only: name, date of birth, id", () => {
    expect(fieldsFor("searchPatients", "staff")).toEqual([
      ...PATIENT_SEARCH_FIELDS.map((field) => `patients.${field}`),
      "truncated",
    ]);
  });

  it("keeps admins to the board's view and away from patient records", () => {
    expect(allowedRoles("getPatient")).not.toContain("admin");
    expect(allowedRoles("searchPatients")).not.toContain("admin");
    expect(fieldsFor("getSchedule", "admin")).toEqual(fieldsFor("getSchedule", "staff"));
  });

  it("lets only providers break the glass, only admins manage users, only auditors query", () => {
    expect(allowedRoles("openBreakGlass")).toEqual(["provider"]);
    expect(allowedRoles("setUserRole")).toEqual(["admin"]);
    expect(allowedRoles("queryAuditEvents")).toEqual(["auditor"]);
  });
});
