import { beforeAll, describe, expect, it } from "vitest";
import { adminDb, clearFirestore } from "../support/admin.ts";
import { clearAuth, createUser, signIn } from "../support/authEmulator.ts";
import { callCallable, eventually } from "../support/callable.ts";
import { PROJECT_ID, functionsBaseUrl } from "../support/emulators.ts";

let baseUrl: string;

beforeAll(async () => {
  baseUrl = await functionsBaseUrl();
  await clearAuth(PROJECT_ID);
  await clearFirestore();
});

describe("health (HTTPS, in the Functions emulator)", () => {
  it("answers 200 with the version and Firestore's state, and security headers", async () => {
    const response = await fetch(`${baseUrl}/health`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      status: "ok",
      service: "tebra-bridge",
      dependencies: { firestore: { status: "ok" } },
    });
    expect(body["version"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("refuses anything but GET", async () => {
    const response = await fetch(`${baseUrl}/health`, { method: "POST" });
    expect(response.status).toBe(405);
  });
});

describe("whoami (callable, with Auth emulator tokens)", () => {
  it("answers the uid and role of a signed-in caller", async () => {
    const user = await createUser("e2e-staff", { role: "staff", practiceId: "1" });
    // The guard also wants the profile that mirrors the claims (identity/guard.ts).
    await adminDb()
      .doc("users/e2e-staff")
      .set({ role: "staff", practiceId: "1", active: true });
    const reply = await callCallable(baseUrl, "whoami", {}, await signIn(user));
    expect(reply).toMatchObject({
      status: 200,
      result: { uid: "e2e-staff", role: "staff" },
    });
  });

  it("refuses a caller without a token as unauthenticated", async () => {
    const reply = await callCallable(baseUrl, "whoami", {});
    expect(reply.status).toBe(401);
    expect(reply.error?.status).toBe("UNAUTHENTICATED");
  });
});

describe("auditUserChanges (trigger fired by the emulator)", () => {
  it("records a profile change in the audit trail", async () => {
    await adminDb().doc("users/e2e-provider").set({ role: "provider", active: true });
    const events = await eventually(async () => {
      const snapshot = await adminDb()
        .collection("auditEvents")
        .where("entity.id", "==", "e2e-provider")
        .get();
      return snapshot.empty ? undefined : snapshot.docs;
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.data()).toMatchObject({
      action: "create",
      entity: { type: "user" },
    });
    expect(events[0]!.id).toMatch(/^auditUserChanges-/);
  });
});
