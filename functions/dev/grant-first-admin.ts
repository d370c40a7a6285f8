// Makes the first admin of a new project. `setUserRole` is an admin-only callable, so the
// first admin cannot come from it: a person with Firebase Admin rights on the project runs
// this once, with Application Default Credentials (`gcloud auth application-default
// login`). It refuses when the project already has an active admin, so it cannot be used
// to add admins quietly later; every later role goes through `setUserRole`, audited.
//
//   node functions/dev/grant-first-admin.ts --project P --email E --practice-id N
//
// The account must exist (created in the console or by the web app's sign-up) and have
// enrolled a second factor, since admins read PHI. The change goes through the same code
// as `setUserRole` (claims, refresh tokens revoked, the `users/{uid}` profile), and is
// recorded in the audit trail as a high-severity event of the function `grant-first-admin`
// (the profile trigger records the profile's change as well).
import type { Auth } from "firebase-admin/auth";
import type { Firestore } from "firebase-admin/firestore";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { auditRecorder } from "../src/audit/deps.ts";
import type { AuditRecorder } from "../src/audit/event.ts";
import type { Caller } from "../src/identity/guard.ts";
import { assignUserRole, type SetUserRoleReply } from "../src/identity/setUserRole.ts";
import { auth, db } from "../src/platform/firebase.ts";

export const BOOTSTRAP_UID = "grant-first-admin";

export interface GrantDeps {
  auth: Auth;
  firestore: Firestore;
  recorder: AuditRecorder;
  now: Date;
}

async function activeAdminExists(firestore: Firestore): Promise<boolean> {
  const admins = await firestore.collection("users").where("role", "==", "admin").get();
  return admins.docs.some((doc) => doc.get("active") === true);
}

async function userByEmail(authClient: Auth, email: string) {
  try {
    return await authClient.getUserByEmail(email);
  } catch (error) {
    if ((error as { code?: unknown }).code === "auth/user-not-found") {
      throw new Error("no account has that email: create it first, then run this again");
    }
    throw error;
  }
}

/** Grants `admin` of `practiceId` to the account with `email`, if no admin exists yet. */
export async function grantFirstAdmin(
  email: string,
  practiceId: string,
  deps: GrantDeps,
): Promise<SetUserRoleReply> {
  if (await activeAdminExists(deps.firestore)) {
    throw new Error("the project has an active admin already: use setUserRole");
  }
  const user = await userByEmail(deps.auth, email);
  if ((user.multiFactor?.enrolledFactors.length ?? 0) === 0) {
    throw new Error(
      "the account has no second factor: enrol one first (admins read PHI)",
    );
  }
  const bootstrap: Caller = {
    uid: BOOTSTRAP_UID,
    role: "admin",
    practiceId,
    secondFactor: true,
    authTime: Math.floor(deps.now.getTime() / 1000),
  };
  const { reply, changed } = await assignUserRole(
    bootstrap,
    { uid: user.uid, role: "admin", practiceId },
    deps,
  );
  // The operator is a person with project rights but no uid of this app: a service agent.
  await deps.recorder.record({
    action: "update",
    outcome: "success",
    agent: { uid: null, role: null, kind: "service", breakGlass: false },
    entity: { type: "user", id: user.uid, fields: changed },
    patientIds: [],
    purposeOfUse: "HSYSADMIN",
    source: { function: BOOTSTRAP_UID, requestId: randomUUID() },
    severity: "high",
  });
  return reply;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      project: { type: "string" },
      email: { type: "string" },
      "practice-id": { type: "string" },
    },
  });
  const { project, email } = values;
  const practiceId = values["practice-id"];
  if (!project || !email || !practiceId || !/^[0-9]{1,12}$/.test(practiceId)) {
    throw new Error(
      "usage: --project ID --email ADDRESS --practice-id TEBRA_PRACTICE_ID",
    );
  }
  process.env["GCLOUD_PROJECT"] = project;
  const reply = await grantFirstAdmin(email, practiceId, {
    auth: auth(),
    firestore: db(),
    recorder: auditRecorder(),
    now: new Date(),
  });
  process.stdout.write(
    `grant-first-admin: ${reply.uid} is admin of practice ${reply.practiceId}; ` +
      "it signs in again to use the role\n",
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(
        `grant-first-admin: ${error instanceof Error ? error.message : "failed"}\n`,
      );
      process.exit(1);
    },
  );
}
