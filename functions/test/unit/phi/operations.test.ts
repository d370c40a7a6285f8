import { HttpsError } from "firebase-functions/https";
import { describe, expect, it } from "vitest";
import { runOperation } from "../../../src/http/callable.ts";
import { phiOperations } from "../../../src/phi/operations.ts";
import type { TebraPort } from "../../../src/phi/deps.ts";
import { factsFor, testOperationDeps, testPhiDeps } from "../../support/phi.ts";

/** A Tebra that must not be asked: every member fails the test. */
const untouchable = new Proxy({} as TebraPort, {
  get(_target, member) {
    throw new Error(`Tebra asked for ${String(member)}`);
  },
});

describe("the PHI operations' request check", () => {
  it("refuses data whose prototype carries fields, as the callable decoder makes of __proto__", async () => {
    const operations = phiOperations(() => testPhiDeps(untouchable));
    const data: Record<string, unknown> = {};
    // What the callable protocol's decode does with {"__proto__": {...}}: obj[k] = v.
    (data as { __proto__: unknown }).__proto__ = { patientId: "10001" };
    const deps = testOperationDeps();
    const refused = await runOperation(
      operations.getPatient,
      { facts: factsFor("staff"), data, requestId: "proto" },
      deps,
    ).catch((error: unknown) => error as HttpsError);
    expect(refused).toBeInstanceOf(HttpsError);
    expect((refused as HttpsError).code).toBe("invalid-argument");
    expect((refused as HttpsError).message).toBe(
      "Invalid request: (request): expected plain JSON (no __proto__ member)",
    );
    expect(deps.recorder.events).toHaveLength(1);
  });
});
