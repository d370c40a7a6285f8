import { describe, expect, it } from "vitest";
import { changedFields, changeKind } from "../../src/audit/changes.ts";

describe("changedFields", () => {
  it("names the fields whose values differ, sorted, without their values", () => {
    const before = { role: "staff", active: true, name: "Ada Example" };
    const after = {
      role: "provider",
      active: true,
      name: "Ada Example",
      practiceId: "1",
    };
    expect(changedFields(before, after)).toEqual(["practiceId", "role"]);
  });

  it("treats equal nested values as unchanged", () => {
    expect(changedFields({ a: { b: [1, 2] } }, { a: { b: [1, 2] } })).toEqual([]);
  });

  it("lists every field on create and on delete", () => {
    expect(changedFields(undefined, { x: 1, y: 2 })).toEqual(["x", "y"]);
    expect(changedFields({ x: 1 }, undefined)).toEqual(["x"]);
  });
});

describe("changeKind", () => {
  it("tells create, update and delete apart", () => {
    expect(changeKind(undefined, {})).toBe("create");
    expect(changeKind({}, {})).toBe("update");
    expect(changeKind({}, undefined)).toBe("delete");
  });
});
