import { describe, expect, it } from "vitest";
import {
  checkCaller,
  isRefusal,
  type GuardRule,
  type Profile,
  type RequestFacts,
} from "../../../src/identity/guard.ts";

const NOW = 1_800_000_000;
const settings = { enforceAppCheck: true, maxSessionAgeMinutes: 720, now: NOW };
const phiRule: GuardRule = {
  operation: "getSchedule",
  roles: ["staff", "provider"],
  phi: true,
};

function facts(token: Record<string, unknown>, overrides: Partial<RequestFacts> = {}) {
  return { uid: "u1", token, hasAppCheck: true, ...overrides };
}

const mfa = { firebase: { sign_in_second_factor: "phone" } };
const activeStaff = () => Promise.resolve<Profile>({ active: true, role: "staff" });

async function reasonFor(
  token: Record<string, unknown>,
  overrides: Partial<RequestFacts> = {},
  profile: (uid: string) => Promise<Profile | undefined> = activeStaff,
  rule = phiRule,
) {
  const result = await checkCaller(facts(token, overrides), rule, settings, profile);
  return isRefusal(result) ? `${result.code}/${result.reason}` : "allowed";
}

describe("checkCaller", () => {
  const fresh = { role: "staff", practiceId: "1", auth_time: NOW - 60, ...mfa };

  it("allows an active staff member with a second factor and a fresh session", async () => {
    const result = await checkCaller(facts(fresh), phiRule, settings, activeStaff);
    expect(result).toEqual({
      uid: "u1",
      role: "staff",
      practiceId: "1",
      secondFactor: true,
      authTime: NOW - 60,
    });
  });

  it("refuses a signed-out caller as unauthenticated", async () => {
    expect(await reasonFor({}, { uid: null })).toBe("unauthenticated/signed-out");
  });

  it("refuses a call without App Check when it is enforced, and allows it when not", async () => {
    expect(await reasonFor(fresh, { hasAppCheck: false })).toBe(
      "unauthenticated/app-check-missing",
    );
    const result = await checkCaller(
      facts(fresh, { hasAppCheck: false }),
      phiRule,
      { ...settings, enforceAppCheck: false },
      activeStaff,
    );
    expect(isRefusal(result)).toBe(false);
  });

  it("refuses a caller without a role, or with a role the operation does not allow", async () => {
    expect(await reasonFor({ ...fresh, role: undefined })).toBe(
      "permission-denied/no-role",
    );
    expect(await reasonFor({ ...fresh, role: "auditor" })).toBe(
      "permission-denied/role-not-allowed",
    );
  });

  it("asks a PHI role without a second factor to sign in with it", async () => {
    expect(await reasonFor({ role: "staff", auth_time: NOW - 60 })).toBe(
      "unauthenticated/second-factor-required",
    );
  });

  it("asks a caller whose session is older than the maximum to sign in again", async () => {
    expect(await reasonFor({ ...fresh, auth_time: NOW - 721 * 60 })).toBe(
      "unauthenticated/session-expired",
    );
    expect(await reasonFor({ ...fresh, auth_time: NOW - 719 * 60 })).toBe("allowed");
  });

  it("refuses an inactive or missing profile, or one whose role differs from the claim", async () => {
    expect(await reasonFor(fresh, {}, () => Promise.resolve(undefined))).toBe(
      "permission-denied/inactive-profile",
    );
    expect(
      await reasonFor(fresh, {}, () => Promise.resolve({ active: false, role: "staff" })),
    ).toBe("permission-denied/inactive-profile");
    expect(
      await reasonFor(fresh, {}, () => Promise.resolve({ active: true, role: "admin" })),
    ).toBe("permission-denied/inactive-profile");
  });

  it("does not ask for a second factor or fresh session where the rule is not PHI", async () => {
    const rule: GuardRule = { operation: "getProviders", roles: ["staff"], phi: false };
    expect(await reasonFor({ role: "staff", auth_time: 0 }, {}, activeStaff, rule)).toBe(
      "allowed",
    );
  });

  it("does not read the profile of a refused caller", async () => {
    let reads = 0;
    const counting = () => {
      reads += 1;
      return activeStaff();
    };
    await reasonFor({ ...fresh, role: "auditor" }, {}, counting);
    expect(reads).toBe(0);
  });
});
