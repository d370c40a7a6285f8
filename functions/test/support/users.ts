// Users of every role for the e2e tests, and their sessions as the Functions emulator sees
// them. Each role gets two Auth emulator users: one with an SMS second factor (signed in
// through the emulator's real MFA flow, so the token carries
// firebase.sign_in_second_factor) and one without. A stale session is the fresh token's
// claims with an `auth_time` older than MAX_SESSION_AGE_MINUTES, re-encoded unsigned as the
// emulator's own tokens are (see docs/identity.md for why the emulator accepts it).
import { FieldValue } from "firebase-admin/firestore";
import { decodeIdToken, signIn, unsignedIdToken } from "../../dev/auth-emulator.ts";
import { newFieldKey } from "../../src/crypto/fieldCipher.ts";
import type { Role } from "../../src/identity/caller.ts";
import { RATE_LIMITS } from "../../src/limits/limiter.ts";
import { auth, db } from "../../src/platform/firebase.ts";
import { createSecretStore } from "../../src/platform/secretStore.ts";
import { PROJECT_ID } from "./emulators.ts";

export const TEST_PASSWORD = "local-password-not-secret";
export const PRACTICE_ID = "1";
/** The demo parameter file's MAX_SESSION_AGE_MINUTES. */
export const MAX_SESSION_AGE_MINUTES = 720;

export interface TestAccount {
  uid: string;
  email: string;
  role: Role;
}

export interface RoleSessions {
  role: Role;
  /** The user with a second factor, and the one without. */
  withSecondFactor: TestAccount;
  withoutSecondFactor: TestAccount;
  /** Signed in with password and SMS code, just now. */
  fresh: string;
  /** Signed in with the password only (the user has no second factor). */
  noSecondFactor: string;
  /** The fresh session's claims, signed in longer ago than the maximum allows. */
  stale: string;
}

let phoneSequence = 0;

function syntheticPhone(): string {
  phoneSequence += 1;
  // 555-0100 to 555-0199: numbers reserved for fiction.
  return `+1555555${String(100 + (phoneSequence % 100)).padStart(4, "0")}`;
}

export interface AccountOptions {
  secondFactor: boolean;
  practiceId?: string;
  /** Write the `users/{uid}` profile (default true). */
  profile?: boolean;
  active?: boolean;
}

/** An Auth emulator user with the role's claims and, by default, an active profile. */
export async function createAccount(
  uid: string,
  role: Role | null,
  options: AccountOptions,
): Promise<TestAccount & { role: Role }> {
  const practiceId = options.practiceId ?? PRACTICE_ID;
  const email = `${uid}@clinic.example.test`;
  await auth().createUser({
    uid,
    email,
    password: TEST_PASSWORD,
    emailVerified: true,
    multiFactor: options.secondFactor
      ? { enrolledFactors: [{ factorId: "phone", phoneNumber: syntheticPhone() }] }
      : { enrolledFactors: [] },
  });
  if (role) await auth().setCustomUserClaims(uid, { role, practiceId });
  if (options.profile ?? true) {
    await db()
      .doc(`users/${uid}`)
      .set({
        role,
        practiceId,
        active: options.active ?? true,
        updatedAt: FieldValue.serverTimestamp(),
        updatedBy: "e2e",
      });
  }
  return { uid, email, role: role ?? "staff" };
}

/** A session that signed in `minutesAgo` minutes ago, from a real token's claims. */
export function sessionFrom(idToken: string, minutesAgo: number): string {
  const claims = decodeIdToken(idToken);
  return unsignedIdToken({
    ...claims,
    auth_time: Math.floor(Date.now() / 1000) - minutesAgo * 60,
  });
}

/** Both users of a role and their fresh, no-second-factor and stale sessions. */
export async function sessionsFor(role: Role, prefix = "e2e"): Promise<RoleSessions> {
  const withSecondFactor = await createAccount(`${prefix}-${role}`, role, {
    secondFactor: true,
  });
  const withoutSecondFactor = await createAccount(`${prefix}-${role}-nomfa`, role, {
    secondFactor: false,
  });
  const fresh = await signIn(withSecondFactor.email, TEST_PASSWORD);
  const noSecondFactor = await signIn(withoutSecondFactor.email, TEST_PASSWORD);
  return {
    role,
    withSecondFactor,
    withoutSecondFactor,
    fresh,
    noSecondFactor,
    stale: sessionFrom(fresh, MAX_SESSION_AGE_MINUTES + 60),
  };
}

/** A key in the local secret store for break-glass reasons (FIELD_ENCRYPTION_KEY_SECRET). */
export async function seedFieldEncryptionKey(
  secret = "field-encryption-key",
): Promise<void> {
  const store = createSecretStore({ projectId: PROJECT_ID, ttlMs: 0 });
  const versions = await store.listVersions(secret);
  if (!versions.some((version) => version.state === "enabled")) {
    await store.addVersion(secret, newFieldKey());
  }
}

/**
 * Forgets every rate-limit counter. A role-by-operation matrix refuses the same user (and,
 * signed out, the same 127.0.0.1) many times: more than RATE_LIMIT_AUTH_FAILURES_PER_WINDOW
 * refusals would lock it out, so a long matrix clears the counters between its groups.
 */
export async function clearRateLimits(): Promise<void> {
  const collection = db().collection(RATE_LIMITS);
  for (;;) {
    const page = await collection.limit(300).get();
    if (page.empty) return;
    const batch = db().batch();
    for (const doc of page.docs) batch.delete(doc.ref);
    await batch.commit();
  }
}
