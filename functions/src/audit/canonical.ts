// One byte string per stored document, whatever order its fields come back in: keys sorted
// at every depth, timestamps as exact seconds and nanoseconds. The seals hash this form, so
// any change to a value, a key or a type of an event or a seal changes its hash.
import { createHash, createHmac } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";

export type Canonicalizable = unknown;

function encode(value: Canonicalizable, path: string): string {
  if (value === null) return "null";
  if (typeof value === "string" || typeof value === "boolean")
    return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: not a finite number`);
    return JSON.stringify(value);
  }
  if (value instanceof Timestamp) {
    const nanos = String(value.nanoseconds).padStart(9, "0");
    return `{"$timestamp":"${value.seconds}.${nanos}"}`;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, i) => encode(item, `${path}[${i}]`)).join(",")}]`;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    const members = keys.map(
      (key) => `${JSON.stringify(key)}:${encode(record[key], `${path}.${key}`)}`,
    );
    return `{${members.join(",")}}`;
  }
  // Audit documents hold none of Firestore's other types (bytes, references, points).
  throw new TypeError(`${path}: a type the audit trail does not store`);
}

/** The canonical JSON text of a value read from (or about to be written to) Firestore. */
export function canonicalJson(value: Canonicalizable): string {
  return encode(value, "$");
}

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export function hmacSha256Hex(key: string, data: string): string {
  return createHmac("sha256", key).update(data).digest("hex");
}
