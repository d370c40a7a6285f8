import functionsTest from "firebase-functions-test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { auditUserChanges } from "../../src/audit/userTrigger.ts";
import { adminDb, clearFirestore } from "../support/admin.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
afterAll(() => fft.cleanup());
beforeEach(() => clearFirestore());

function profileChange() {
  const before = fft.firestore.makeDocumentSnapshot(
    { role: "staff", active: true },
    "users/alice",
  );
  const after = fft.firestore.makeDocumentSnapshot(
    { role: "provider", active: true },
    "users/alice",
  );
  return fft.makeChange(before, after);
}

describe("auditUserChanges (trigger handler on the real emulator)", () => {
  const handler = fft.wrap(auditUserChanges);

  it("writes one audit event naming the changed fields, not their values", async () => {
    await handler({ id: "evt-1", params: { uid: "alice" }, data: profileChange() });
    const stored = await adminDb().doc("auditEvents/auditUserChanges-evt-1").get();
    expect(stored.exists).toBe(true);
    expect(stored.data()).toMatchObject({
      action: "update",
      entity: { type: "user", id: "alice" },
      fields: ["role"],
    });
    expect(JSON.stringify(stored.data())).not.toContain("provider");
  });

  it("writes nothing new when the same event is delivered twice", async () => {
    const event = { id: "evt-2", params: { uid: "alice" }, data: profileChange() };
    await handler(event);
    const first = await adminDb().doc("auditEvents/auditUserChanges-evt-2").get();
    await handler(event);
    const all = await adminDb().collection("auditEvents").get();
    const again = await adminDb().doc("auditEvents/auditUserChanges-evt-2").get();
    expect(all.size).toBe(1);
    expect(again.updateTime?.isEqual(first.updateTime!)).toBe(true);
  });
});
