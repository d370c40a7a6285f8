import { HttpsError } from "firebase-functions/https";
import { describe, expect, it } from "vitest";
import type { AuditRecorder, NewAuditEvent } from "../../../src/audit/event.ts";
import { withAudit, type AuditedEvent } from "../../../src/audit/withAudit.ts";
import { frontDeskRead } from "../../support/auditFixtures.ts";

class ListRecorder implements AuditRecorder {
  readonly events: NewAuditEvent[] = [];
  record(event: NewAuditEvent): Promise<string> {
    this.events.push(event);
    return Promise.resolve(`evt-${this.events.length}`);
  }
}

class FailingRecorder implements AuditRecorder {
  attempts = 0;
  record(): Promise<string> {
    this.attempts += 1;
    return Promise.reject(new Error("Firestore unavailable"));
  }
}

const CANARY = {
  patientId: "patient-501",
  name: "Canary Ada Example",
  dob: "1970-01-01",
};

function readEvent(): AuditedEvent {
  const event: Partial<NewAuditEvent> = frontDeskRead();
  delete event.outcome;
  return event as AuditedEvent;
}

describe("withAudit", () => {
  it("records one success event, with what the reply disclosed, before returning it", async () => {
    const recorder = new ListRecorder();
    const reply = await withAudit(
      recorder,
      {
        event: readEvent(),
        disclosed: (r: typeof CANARY) => ({
          patientIds: [r.patientId],
          fields: ["dob", "name"],
        }),
      },
      () => Promise.resolve(CANARY),
    );
    expect(reply).toBe(CANARY);
    expect(recorder.events).toHaveLength(1);
    expect(recorder.events[0]).toMatchObject({
      outcome: "success",
      patientIds: ["patient-501"],
      entity: { fields: ["dob", "name"] },
    });
    expect(JSON.stringify(recorder.events)).not.toContain("Canary");
  });

  it("gives the caller `unavailable` and no PHI when the event cannot be stored", async () => {
    const recorder = new FailingRecorder();
    let produced = false;
    const call = withAudit(recorder, { event: readEvent() }, () => {
      produced = true;
      return CANARY;
    });
    const error = await call.then(
      () => null,
      (e: unknown) => e,
    );
    expect(produced).toBe(true);
    expect(error).toBeInstanceOf(HttpsError);
    expect((error as HttpsError).code).toBe("unavailable");
    const exposed = JSON.stringify({
      message: (error as HttpsError).message,
      details: (error as HttpsError).details,
    });
    expect(exposed).not.toContain("Canary");
    expect(exposed).not.toContain("1970");
  });

  it("records a refusal as denied, with its code, and passes the error on", async () => {
    const recorder = new ListRecorder();
    const refusal = new HttpsError("permission-denied", "No access to this patient");
    await expect(
      withAudit(recorder, { event: readEvent() }, () => Promise.reject(refusal)),
    ).rejects.toBe(refusal);
    expect(recorder.events).toEqual([
      expect.objectContaining({ outcome: "denied", outcomeReason: "permission-denied" }),
    ]);
  });

  it("counts bad input and rate limiting as refusals, as the callable wrapper does", async () => {
    const recorder = new ListRecorder();
    const bad = new HttpsError(
      "invalid-argument",
      "Invalid request: date: expected string",
    );
    await expect(
      withAudit(recorder, { event: readEvent() }, () => Promise.reject(bad)),
    ).rejects.toBe(bad);
    expect(recorder.events[0]).toMatchObject({
      outcome: "denied",
      outcomeReason: "invalid-argument",
    });
  });

  it("records any other failure as failed", async () => {
    const recorder = new ListRecorder();
    await expect(
      withAudit(recorder, { event: readEvent() }, () =>
        Promise.reject(new TypeError("x")),
      ),
    ).rejects.toBeInstanceOf(TypeError);
    expect(recorder.events[0]).toMatchObject({
      outcome: "failed",
      outcomeReason: "internal",
    });
  });

  it("passes the call's own error on when its failure cannot be recorded either", async () => {
    const recorder = new FailingRecorder();
    const refusal = new HttpsError("permission-denied", "No access");
    await expect(
      withAudit(recorder, { event: readEvent() }, () => Promise.reject(refusal)),
    ).rejects.toBe(refusal);
    expect(recorder.attempts).toBe(1);
  });

  it("fails closed when describing the disclosure throws", async () => {
    const recorder = new ListRecorder();
    const call = withAudit(
      recorder,
      {
        event: readEvent(),
        disclosed: () => {
          throw new Error("bad reply shape");
        },
      },
      () => CANARY,
    );
    await expect(call).rejects.toMatchObject({ code: "unavailable" });
    expect(recorder.events).toHaveLength(0);
  });
});
