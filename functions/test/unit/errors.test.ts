import { HttpsError } from "firebase-functions/https";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseInput, toHttpsError } from "../../src/errors.ts";

const schema = z.strictObject({
  date: z.iso.date(),
  provider: z.string().min(1).max(20).optional(),
});

function caught(fn: () => unknown): HttpsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpsError) return error;
  }
  throw new Error("expected an HttpsError");
}

describe("parseInput", () => {
  it("returns the parsed value when the input is valid", () => {
    expect(parseInput(schema, { date: "2026-03-08" })).toEqual({ date: "2026-03-08" });
  });

  it("answers invalid-argument naming the field, without the value sent", () => {
    const error = caught(() => parseInput(schema, { date: "Ada Example 1970-01-01" }));
    expect(error.code).toBe("invalid-argument");
    expect(error.message).toContain("date");
    expect(error.message).not.toContain("Ada");
    expect(error.details).toEqual({ field: "date" });
  });

  it("names unexpected fields only when their names are plain", () => {
    const error = caught(() =>
      parseInput(schema, { date: "2026-03-08", extra: 1, "Ada Example": 2 }),
    );
    expect(error.message).toContain("extra");
    expect(error.message).not.toContain("Ada");
  });

  it("refuses a missing body", () => {
    expect(caught(() => parseInput(schema, undefined)).code).toBe("invalid-argument");
  });
});

describe("toHttpsError", () => {
  it("passes HttpsErrors through and hides everything else as internal", () => {
    const known = new HttpsError("not-found", "No such appointment");
    expect(toHttpsError(known, "test")).toBe(known);
    const hidden = toHttpsError(new Error("SOAP said Ada Example"), "test");
    expect(hidden.code).toBe("internal");
    expect(hidden.message).not.toContain("Ada");
  });
});
