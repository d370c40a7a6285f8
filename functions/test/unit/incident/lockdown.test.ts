import type { HttpsError } from "firebase-functions/https";
import { describe, expect, it } from "vitest";
import { parseInput } from "../../../src/errors.ts";
import { POLICY } from "../../../src/identity/policy.ts";
import {
  endLockdownOperation,
  startLockdownOperation,
} from "../../../src/incident/functions.ts";
import {
  LOCKDOWN_REASONS,
  endLockdownInput,
  startLockdownInput,
} from "../../../src/incident/lockdown.ts";
import { alertId, mergeDrafts } from "../../../src/incident/securityAlerts.ts";

function refusal(
  schema: typeof startLockdownInput | typeof endLockdownInput,
  data: unknown,
) {
  try {
    parseInput(schema, data);
  } catch (error) {
    return error as HttpsError;
  }
  throw new Error("accepted");
}

describe("the lockdown callables' input", () => {
  it("takes a reason code from the list and nothing else", () => {
    for (const reasonCode of LOCKDOWN_REASONS) {
      expect(parseInput(startLockdownInput, { reasonCode })).toEqual({ reasonCode });
    }
  });

  it("refuses free text as a reason, naming the field", () => {
    const error = refusal(startLockdownInput, { reasonCode: "Dr. Example's laptop" });
    expect(error.code).toBe("invalid-argument");
    expect(error.message).toBe(
      "Invalid request: reasonCode: not one of the allowed values",
    );
    expect(error.message).not.toContain("Example");
  });

  it("refuses unknown fields, so that no note can ride along", () => {
    const error = refusal(startLockdownInput, { reasonCode: "drill", note: "x" });
    expect(error.message).toContain("unexpected field(s) note");
    expect(refusal(endLockdownInput, { restoreEverything: true }).code).toBe(
      "invalid-argument",
    );
  });

  it("ends with Tebra as before unless told on or off", () => {
    expect(parseInput(endLockdownInput, {})).toEqual({});
    expect(parseInput(endLockdownInput, { tebraEnabled: false })).toEqual({
      tebraEnabled: false,
    });
  });
});

describe("the lockdown operations in the policy table", () => {
  it("are for admins only, with a second factor, a fresh session and a high-severity event", () => {
    for (const operation of [startLockdownOperation, endLockdownOperation]) {
      const row = POLICY[operation.name];
      expect(Object.keys(row.access)).toEqual(["admin"]);
      expect(row).toMatchObject({
        secondFactor: true,
        freshSession: true,
        severity: "high",
      });
    }
  });

  it("let the admin see what the reply carries", () => {
    expect(POLICY.startLockdown.access.admin!.fields).toEqual(
      expect.arrayContaining([
        "active",
        "startedAt",
        "startedBy",
        "revokedSessions",
        "alertId",
      ]),
    );
  });
});

describe("security alert ids and merging", () => {
  it("derive the same id from the same rule, subject and bucket, and differ otherwise", () => {
    const id = alertId("bulkRead", "u1", "evt-1");
    expect(alertId("bulkRead", "u1", "evt-1")).toBe(id);
    expect(alertId("bulkRead", "u2", "evt-1")).not.toBe(id);
    expect(alertId("bulkRead", null, "evt-1")).not.toBe(id);
    expect(id).toMatch(/^bulkRead-[0-9a-f]{24}$/);
  });

  it("merge to the widest window, the larger count and a bounded joint sample", () => {
    const base = {
      rule: "repeatedDenials",
      severity: "medium" as const,
      subjectUid: "u1",
      bucket: "b",
      raisedBy: "test",
    };
    const a = {
      ...base,
      window: { from: new Date(2000), to: new Date(3000) },
      count: 5,
      eventIds: Array.from({ length: 15 }, (_, i) => `a${i}`),
    };
    const b = {
      ...base,
      window: { from: new Date(1000), to: new Date(2500) },
      count: 7,
      eventIds: ["a0", ...Array.from({ length: 10 }, (_, i) => `b${i}`)],
    };
    const merged = mergeDrafts(a, b);
    expect(merged.window).toEqual({ from: new Date(1000), to: new Date(3000) });
    expect(merged.count).toBe(7);
    expect(merged.eventIds).toHaveLength(20);
    expect(new Set(merged.eventIds).size).toBe(20);
  });
});
