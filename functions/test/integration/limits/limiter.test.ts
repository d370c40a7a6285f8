import type { Timestamp } from "firebase-admin/firestore";
import { beforeEach, describe, expect, it } from "vitest";
import {
  FirestoreRateLimiter,
  RATE_LIMITS,
  rateLimitDocId,
} from "../../../src/limits/limiter.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";

const MINUTE = 60_000;
const T0 = 1_900_000_020_000 - (1_900_000_020_000 % MINUTE);
const rule = { limit: 5, windowSeconds: 60 };

beforeEach(() => clearFirestore());

describe("FirestoreRateLimiter (real Firestore emulator)", () => {
  it("shares one count between two instances", async () => {
    let now = T0;
    const a = new FirestoreRateLimiter(adminDb(), () => now);
    const b = new FirestoreRateLimiter(adminDb(), () => now);
    const answers: boolean[] = [];
    for (let i = 0; i < 6; i += 1) {
      const limiter = i % 2 === 0 ? a : b;
      answers.push((await limiter.consume("op:getSchedule:u1", rule)).allowed);
    }
    expect(answers).toEqual([true, true, true, true, true, false]);
    expect((await b.check("op:getSchedule:u1", rule)).allowed).toBe(false);

    now = T0 + 3 * MINUTE;
    expect((await a.consume("op:getSchedule:u1", rule)).allowed).toBe(true);
  });

  it("never allows more than the limit when two instances race for the same key", async () => {
    const a = new FirestoreRateLimiter(adminDb(), () => T0);
    const b = new FirestoreRateLimiter(adminDb(), () => T0);
    const racing = Array.from({ length: 12 }, (_, i) =>
      (i % 2 === 0 ? a : b).consume("op:searchPatients:u2", rule),
    );
    const decisions = await Promise.all(racing);
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(5);
    const stored = await adminDb()
      .collection(RATE_LIMITS)
      .doc(rateLimitDocId("op:searchPatients:u2"))
      .get();
    expect(stored.get("current")).toBe(5);
  });

  it("writes nothing for a refused call, and stores when the key may be forgotten", async () => {
    const limiter = new FirestoreRateLimiter(adminDb(), () => T0 + 1000);
    const ref = adminDb().collection(RATE_LIMITS).doc(rateLimitDocId("k"));
    for (let i = 0; i < 5; i += 1) await limiter.consume("k", rule);
    const before = await ref.get();
    const refused = await limiter.consume("k", rule);
    const after = await ref.get();
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(after.updateTime!.isEqual(before.updateTime!)).toBe(true);
    expect((after.get("expiresAt") as Timestamp).toMillis()).toBe(T0 + 2 * MINUTE);
  });

  it("keeps keys with slashes and dots in a document of their own", async () => {
    const limiter = new FirestoreRateLimiter(adminDb(), () => T0);
    await limiter.consume("op:x:a/b", rule);
    await limiter.consume("op:x:a.b", rule);
    const all = await adminDb().collection(RATE_LIMITS).get();
    expect(all.size).toBe(2);
  });
});
