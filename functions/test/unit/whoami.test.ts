import functionsTest from "firebase-functions-test";
import { afterAll, describe, expect, it } from "vitest";
import { whoami } from "../../src/identity/whoami.ts";

const fft = functionsTest({ projectId: "demo-tebra-bridge" });
afterAll(() => fft.cleanup());

describe("whoami (callable)", () => {
  const call = fft.wrap(whoami);

  it("answers the caller's uid and role claim", async () => {
    const result = await call({
      data: {},
      auth: { uid: "user-staff-1", token: { role: "staff" } },
    } as never);
    expect(result).toEqual({ uid: "user-staff-1", role: "staff" });
  });

  it("answers a null role when the claim is missing or unknown", async () => {
    const result = await call({
      data: {},
      auth: { uid: "user-2", token: { role: "superuser" } },
    } as never);
    expect(result).toEqual({ uid: "user-2", role: null });
  });

  it("refuses a signed-out caller with unauthenticated", async () => {
    await expect(call({ data: {} } as never)).rejects.toMatchObject({
      code: "unauthenticated",
    });
  });
});
