import { describe, expect, it } from "vitest";
import { REDACTED, sanitize } from "../../src/logs.ts";

describe("the log catalog's guard", () => {
  it("keeps identifiers, codes, numbers and ISO timestamps", () => {
    const fields = {
      uid: "u_123-abc",
      code: "resource-exhausted",
      at: "2026-03-08T08:00:00.000Z",
      count: 3,
      ok: true,
    };
    expect(sanitize(fields)).toEqual(fields);
  });

  it("replaces anything that reads like free text, a name or an email", () => {
    expect(
      sanitize({ a: "Ada Example", b: "ada@example.test", c: "x".repeat(200) }),
    ).toEqual({ a: REDACTED, b: REDACTED, c: REDACTED });
  });

  it("checks every item of a list", () => {
    expect(sanitize({ fields: ["role", "Ada Example"] })).toEqual({
      fields: ["role", REDACTED],
    });
  });
});
