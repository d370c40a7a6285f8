import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import {
  checkCaller,
  cleanIp,
  cleanUserAgent,
  isRefusal,
  type GuardLookups,
  type GuardRule,
  type Profile,
  type RequestFacts,
} from "../../../src/identity/guard.ts";

const NOW = 1_800_000_000;
const settings = { enforceAppCheck: true, maxSessionAgeMinutes: 720, now: NOW };
const phiRule: GuardRule = {
  operation: "getSchedule",
  roles: ["staff", "provider", "admin"],
  secondFactor: true,
  freshSession: true,
};

function facts(token: Record<string, unknown>, overrides: Partial<RequestFacts> = {}) {
  return { uid: "u1", token, hasAppCheck: true, ...overrides };
}

const mfa = { firebase: { sign_in_second_factor: "phone" } };
const activeStaff: Profile = { active: true, role: "staff", practiceId: "1" };

function lookups(profile: Profile | undefined, lockdown = false) {
  const seen = { profileReads: 0, lockdownReads: 0 };
  const value: GuardLookups = {
    profile: () => {
      seen.profileReads += 1;
      return Promise.resolve(profile);
    },
    lockdownActive: () => {
      seen.lockdownReads += 1;
      return Promise.resolve(lockdown);
    },
  };
  return { value, seen };
}

async function reasonFor(
  token: Record<string, unknown>,
  options: {
    facts?: Partial<RequestFacts>;
    profile?: Profile | undefined;
    lockdown?: boolean;
    rule?: GuardRule;
  } = {},
) {
  const profile = "profile" in options ? options.profile : activeStaff;
  const result = await checkCaller(
    facts(token, options.facts),
    options.rule ?? phiRule,
    settings,
    lookups(profile, options.lockdown).value,
  );
  return isRefusal(result) ? `${result.code}/${result.reason}` : "allowed";
}

describe("checkCaller", () => {
  const fresh = { role: "staff", practiceId: "1", auth_time: NOW - 60, ...mfa };

  it("allows an active staff member with a second factor and a fresh session", async () => {
    const result = await checkCaller(
      facts(fresh, { ip: "10.0.0.1" }),
      phiRule,
      settings,
      lookups(activeStaff).value,
    );
    expect(result).toEqual({
      uid: "u1",
      role: "staff",
      practiceId: "1",
      secondFactor: true,
      authTime: NOW - 60,
      ip: "10.0.0.1",
    });
  });

  it("refuses a signed-out caller as unauthenticated", async () => {
    expect(await reasonFor({}, { facts: { uid: null } })).toBe(
      "unauthenticated/signed-out",
    );
  });

  it("refuses a call without App Check when it is enforced, and allows it when not", async () => {
    expect(await reasonFor(fresh, { facts: { hasAppCheck: false } })).toBe(
      "unauthenticated/app-check-missing",
    );
    const result = await checkCaller(
      facts(fresh, { hasAppCheck: false }),
      phiRule,
      { ...settings, enforceAppCheck: false },
      lookups(activeStaff).value,
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
    expect(await reasonFor({ ...fresh, role: "superuser" })).toBe(
      "permission-denied/no-role",
    );
  });

  it("asks a PHI role without a second factor to sign in with it", async () => {
    expect(await reasonFor({ role: "staff", practiceId: "1", auth_time: NOW - 60 })).toBe(
      "unauthenticated/second-factor-required",
    );
  });

  it("does not ask an auditor for a second factor: the role never sees PHI", async () => {
    const rule = { ...phiRule, roles: ["auditor" as const] };
    const auditor = { role: "auditor", practiceId: "1", auth_time: NOW - 60 };
    expect(
      await reasonFor(auditor, {
        rule,
        profile: { active: true, role: "auditor", practiceId: "1" },
      }),
    ).toBe("allowed");
  });

  it("asks a caller whose session is older than the maximum to sign in again", async () => {
    expect(await reasonFor({ ...fresh, auth_time: NOW - 721 * 60 })).toBe(
      "unauthenticated/session-expired",
    );
    expect(await reasonFor({ ...fresh, auth_time: NOW - 720 * 60 })).toBe("allowed");
    expect(await reasonFor({ ...fresh, auth_time: undefined })).toBe(
      "unauthenticated/session-expired",
    );
  });

  it("asks for neither a second factor nor a fresh session where the rule does not", async () => {
    const rule: GuardRule = {
      operation: "getProviders",
      roles: ["staff"],
      secondFactor: false,
      freshSession: false,
    };
    expect(
      await reasonFor({ role: "staff", practiceId: "1", auth_time: 0 }, { rule }),
    ).toBe("allowed");
  });

  it("refuses everyone but admins during a lockdown", async () => {
    expect(await reasonFor(fresh, { lockdown: true })).toBe("permission-denied/lockdown");
    const admin = { ...fresh, role: "admin" };
    expect(
      await reasonFor(admin, {
        lockdown: true,
        profile: { active: true, role: "admin", practiceId: "1" },
      }),
    ).toBe("allowed");
  });

  it("refuses an inactive or missing profile", async () => {
    expect(await reasonFor(fresh, { profile: undefined })).toBe(
      "permission-denied/inactive-profile",
    );
    expect(await reasonFor(fresh, { profile: { ...activeStaff, active: false } })).toBe(
      "permission-denied/inactive-profile",
    );
  });

  it("asks a caller whose claims differ from the profile to sign in again", async () => {
    expect(await reasonFor(fresh, { profile: { ...activeStaff, role: "admin" } })).toBe(
      "unauthenticated/profile-mismatch",
    );
    expect(await reasonFor(fresh, { profile: { ...activeStaff, practiceId: "2" } })).toBe(
      "unauthenticated/profile-mismatch",
    );
  });

  it("refuses a session that signed in before the user's sessions were revoked", async () => {
    const revokedAt = Timestamp.fromMillis((NOW - 30) * 1000);
    const profile = { ...activeStaff, sessionsRevokedAt: revokedAt };
    expect(await reasonFor(fresh, { profile })).toBe("unauthenticated/session-revoked");
    expect(await reasonFor({ ...fresh, auth_time: NOW - 30 }, { profile })).toBe(
      "allowed",
    );
  });

  it("reads neither the lockdown flag nor the profile of a caller the token refuses", async () => {
    const { value, seen } = lookups(activeStaff);
    await checkCaller(facts({ ...fresh, role: "auditor" }), phiRule, settings, value);
    await checkCaller(facts({}, { uid: null }), phiRule, settings, value);
    expect(seen).toEqual({ profileReads: 0, lockdownReads: 0 });
  });

  it("does not read the lockdown flag for an admin", async () => {
    const { value, seen } = lookups(
      { active: true, role: "admin", practiceId: "1" },
      true,
    );
    await checkCaller(facts({ ...fresh, role: "admin" }), phiRule, settings, value);
    expect(seen.lockdownReads).toBe(0);
  });
});

describe("request facts", () => {
  it("keeps an IP address only when it looks like one", () => {
    expect(cleanIp("203.0.113.9")).toBe("203.0.113.9");
    expect(cleanIp("::ffff:127.0.0.1")).toBe("::ffff:127.0.0.1");
    expect(cleanIp("evil host")).toBeUndefined();
  });

  it("cuts a user agent to 200 printable characters", () => {
    expect(cleanUserAgent("Mozilla/5.0 é")).toBe("Mozilla/5.0 ?");
    expect(cleanUserAgent("x".repeat(300))).toHaveLength(200);
  });
});
