// Seeds the local stack's Auth emulator with one user of each role, each with the custom
// claims {role, practiceId}, the mirrored `users/{uid}` profile, and an SMS second factor
// where the role reads PHI (admin, provider, staff); then prints how to sign in as each.
// Also adds a field-encryption key to the local secret store when it has none, so that
// break-glass reasons can be encrypted. Idempotent: a re-run updates the same users.
//
//   node functions/dev/seed-users.ts [--practice-id 1] [--quiet]
//
// Names, emails and phone numbers are synthetic (example.test, 555-01xx); the password is
// local to the emulator.
import type { UserRecord } from "firebase-admin/auth";
import { FieldValue } from "firebase-admin/firestore";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { newFieldKey } from "../src/crypto/fieldCipher.ts";
import type { Role } from "../src/identity/caller.ts";
import { auth, db } from "../src/platform/firebase.ts";
import { createSecretStore } from "../src/platform/secretStore.ts";
import { authEmulatorHost, configuredHost, PROJECT_ID } from "./auth-emulator.ts";

export const LOCAL_PASSWORD = "local-password-not-secret";
export const FIELD_KEY_SECRET = "field-encryption-key";

export interface SeedUser {
  uid: string;
  role: Role;
  email: string;
  displayName: string;
  /** The SMS second factor; absent for a role that never sees PHI. */
  phoneNumber?: string;
}

export const SEED_USERS: readonly SeedUser[] = [
  {
    uid: "local-admin",
    role: "admin",
    email: "admin@clinic.example.test",
    displayName: "Avery Admin",
    phoneNumber: "+15555550101",
  },
  {
    uid: "local-provider",
    role: "provider",
    email: "provider@clinic.example.test",
    displayName: "Dr. Parker Provider",
    phoneNumber: "+15555550102",
  },
  {
    uid: "local-staff",
    role: "staff",
    email: "staff@clinic.example.test",
    displayName: "Sam Staff",
    phoneNumber: "+15555550103",
  },
  {
    uid: "local-auditor",
    role: "auditor",
    email: "auditor@clinic.example.test",
    displayName: "Aubrey Auditor",
  },
];

/** Points the Admin SDK at the emulators of the local stack unless the caller already did. */
function useEmulators(): void {
  process.env["GCLOUD_PROJECT"] ??= PROJECT_ID;
  process.env["FIREBASE_AUTH_EMULATOR_HOST"] ??= authEmulatorHost();
  process.env["FIRESTORE_EMULATOR_HOST"] ??= configuredHost("firestore");
}

async function existing(uid: string): Promise<UserRecord | undefined> {
  try {
    return await auth().getUser(uid);
  } catch (error) {
    if ((error as { code?: unknown }).code === "auth/user-not-found") return undefined;
    throw error;
  }
}

async function upsertUser(user: SeedUser, practiceId: string): Promise<void> {
  const fields = {
    email: user.email,
    password: LOCAL_PASSWORD,
    displayName: user.displayName,
    emailVerified: true,
  };
  const factor = user.phoneNumber
    ? { factorId: "phone", phoneNumber: user.phoneNumber, displayName: "Work phone" }
    : undefined;
  const record = await existing(user.uid);
  if (!record) {
    await auth().createUser({
      uid: user.uid,
      ...fields,
      multiFactor: { enrolledFactors: factor ? [factor] : [] },
    });
  } else {
    // An update names each factor by its enrollment id: keep the one already there.
    const enrolled = record.multiFactor?.enrolledFactors ?? [];
    const kept = enrolled.find((known) => known.factorId === "phone")?.uid;
    await auth().updateUser(user.uid, {
      ...fields,
      multiFactor: {
        enrolledFactors: factor ? [{ ...factor, uid: kept ?? `sms-${user.uid}` }] : null,
      },
    });
  }
  await auth().setCustomUserClaims(user.uid, { role: user.role, practiceId });
  await db().doc(`users/${user.uid}`).set({
    role: user.role,
    practiceId,
    active: true,
    displayName: user.displayName,
    updatedAt: FieldValue.serverTimestamp(),
    updatedBy: "seed-users",
  });
}

/** A field-encryption key version, unless the local store already has one. */
async function ensureFieldKey(): Promise<boolean> {
  const store = createSecretStore({ projectId: PROJECT_ID, ttlMs: 0 });
  const versions = await store.listVersions(FIELD_KEY_SECRET);
  if (versions.some((version) => version.state === "enabled")) return false;
  await store.addVersion(FIELD_KEY_SECRET, newFieldKey());
  return true;
}

export async function seedUsers(practiceId = "1"): Promise<void> {
  useEmulators();
  for (const user of SEED_USERS) await upsertUser(user, practiceId);
  await ensureFieldKey();
}

function printInstructions(practiceId: string): void {
  const host = authEmulatorHost();
  const lines = [
    "",
    `Seeded users (practice ${practiceId}); the password of each is ${LOCAL_PASSWORD}`,
    "",
    "  role      email                           second factor",
    ...SEED_USERS.map(
      (user) =>
        `  ${user.role.padEnd(9)} ${user.email.padEnd(31)} ` +
        (user.phoneNumber ? `SMS to ${user.phoneNumber}` : "none (the role sees no PHI)"),
    ),
    "",
    "  The Auth emulator sends no SMS. After the password, read the code from",
    `    curl http://${host}/emulator/v1/projects/${PROJECT_ID}/verificationCodes`,
    "  (or from the emulator's log). An ID token for curl, second factor included:",
    "    node functions/dev/id-token.ts staff",
    "",
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "practice-id": { type: "string", default: "1" },
      quiet: { type: "boolean", default: false },
    },
  });
  const practiceId = values["practice-id"];
  await seedUsers(practiceId);
  if (!values.quiet) printInstructions(practiceId);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(
        `seed-users: ${error instanceof Error ? error.message : "failed"}\n`,
      );
      process.exit(1);
    },
  );
}
