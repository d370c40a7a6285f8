import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../../src/audit/canonical.ts";

describe("canonicalJson", () => {
  it("gives the same text whatever the order of keys, at every depth", () => {
    const a = { b: 1, a: { y: [1, 2], x: "s" } };
    const b = { a: { x: "s", y: [1, 2] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"s","y":[1,2]},"b":1}');
  });

  it("writes timestamps as exact seconds and nanoseconds", () => {
    const text = canonicalJson({ at: new Timestamp(1_700_000_000, 123_456_000) });
    expect(text).toBe('{"at":{"$timestamp":"1700000000.123456000"}}');
  });

  it("tells apart values JSON would blur: a string, a number, a timestamp", () => {
    const texts = new Set([
      canonicalJson({ v: "1" }),
      canonicalJson({ v: 1 }),
      canonicalJson({ v: new Timestamp(1, 0) }),
      canonicalJson({ v: null }),
    ]);
    expect(texts.size).toBe(4);
  });

  it("keeps array order, because the order is part of the record", () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it("leaves undefined members out, as Firestore would", () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it("refuses types the trail never stores, naming where", () => {
    expect(() => canonicalJson({ a: { b: new Date(0) } })).toThrow("$.a.b");
    expect(() => canonicalJson({ n: Number.NaN })).toThrow("$.n");
  });
});
