import { HttpsError } from "firebase-functions/https";
import { describe, expect, it } from "vitest";
import { runOperation } from "../../../../src/http/callable.ts";
import { rotateCredentialsOperation } from "../../../../src/jobs/rotation/callable.ts";
import { KeptEvents, operationDeps, requestFrom } from "../sync/operation.ts";

const neverBuilt = () => {
  throw new Error("a refused call must not reach the rotation");
};

async function refusal(uid: string, data: unknown): Promise<HttpsError> {
  const recorder = new KeptEvents();
  const error = await runOperation(
    rotateCredentialsOperation(neverBuilt),
    requestFrom(uid, data),
    operationDeps(recorder),
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpsError);
  expect(recorder.events).toHaveLength(1);
  return error as HttpsError;
}

describe("rotateCredentials (callable)", () => {
  it("is for admins only", async () => {
    for (const uid of ["u-staff", "u-provider", "u-auditor"]) {
      expect((await refusal(uid, { secret: "tebraCredentials" })).code).toBe(
        "permission-denied",
      );
    }
  });

  it("refuses a secret it does not manage, naming the field", async () => {
    const error = await refusal("u-admin", { secret: "somethingElse" });
    expect(error.code).toBe("invalid-argument");
    expect(error.message).toContain("secret");
  });

  it("records the refusal as an event about a credential, with no secret value", async () => {
    const recorder = new KeptEvents();
    await runOperation(
      rotateCredentialsOperation(neverBuilt),
      requestFrom("u-staff", { secret: "tebraCredentials" }),
      operationDeps(recorder),
    ).catch(() => undefined);
    expect(recorder.events[0]).toMatchObject({
      outcome: "denied",
      entity: { type: "credential" },
      severity: "high",
    });
  });
});
