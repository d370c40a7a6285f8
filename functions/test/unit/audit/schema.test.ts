import { describe, expect, it } from "vitest";
import { InvalidAuditEventError, validateAuditEvent } from "../../../src/audit/schema.ts";
import { frontDeskRead } from "../../support/auditFixtures.ts";

function rejectionOf(event: unknown): string {
  try {
    validateAuditEvent(event as never);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAuditEventError);
    return (error as InvalidAuditEventError).field;
  }
  throw new Error("accepted");
}

describe("validateAuditEvent", () => {
  it("accepts an event of ids, codes and field names", () => {
    expect(validateAuditEvent(frontDeskRead())).toEqual(frontDeskRead());
  });

  it("refuses a name where an id belongs, naming the field and not the value", () => {
    const field = rejectionOf(frontDeskRead({ patientIds: ["Ada Example"] }));
    expect(field).toBe("patientIds.0");
    const message = (() => {
      try {
        validateAuditEvent(frontDeskRead({ patientIds: ["Ada Example"] }));
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    })();
    expect(message).not.toContain("Ada");
  });

  it("refuses an email as a uid, free text as a reason, and unknown fields", () => {
    const event = frontDeskRead();
    expect(
      rejectionOf({ ...event, agent: { ...event.agent, uid: "ada@example.test" } }),
    ).toBe("agent.uid");
    expect(rejectionOf({ ...event, outcomeReason: "patient was angry" })).toBe(
      "outcomeReason",
    );
    expect(rejectionOf({ ...event, notes: "x" })).toBe("(event)");
  });

  it("refuses an action or purpose of use outside the FHIR codes", () => {
    expect(rejectionOf({ ...frontDeskRead(), action: "peek" })).toBe("action");
    expect(rejectionOf({ ...frontDeskRead(), purposeOfUse: "CURIOSITY" })).toBe(
      "purposeOfUse",
    );
  });

  it("drops undefined members, which Firestore would refuse", () => {
    const valid = validateAuditEvent({ ...frontDeskRead(), outcomeReason: undefined });
    expect("outcomeReason" in valid).toBe(false);
  });
});
