// No client of any role can create, change or delete audit data: the project's
// firestore.rules on the real emulator, each persona fully qualified (role, second factor,
// fresh session, profile in good standing), so a refusal is the rule's and nothing else's.
import {
  assertFails,
  assertSucceeds,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { deleteDoc, doc, getDoc, setDoc, Timestamp, updateDoc } from "firebase/firestore";
import { afterAll, beforeAll, beforeEach, describe, it } from "vitest";
import { rulesEnvironment } from "../../support/rules.ts";

const PRACTICE = "1";
const ROLES = ["admin", "provider", "staff", "auditor"] as const;
const AUDIT_DOCS = {
  auditEvents: "auditEvents/evt-0001",
  auditSeals: "auditSeals/00-0000000001",
  auditState: "auditState/shard-00",
  complianceReports: "complianceReports/daily-2026-03-02",
} as const;

let env: RulesTestEnvironment;

beforeAll(async () => {
  env = await rulesEnvironment();
});
afterAll(async () => {
  await env.cleanup();
});
beforeEach(async () => {
  await env.clearFirestore();
  await env.withSecurityRulesDisabled(async (context) => {
    const db = context.firestore();
    for (const role of ROLES) {
      await setDoc(doc(db, `users/${role}-uid`), {
        role,
        practiceId: PRACTICE,
        active: true,
      });
    }
    for (const path of Object.values(AUDIT_DOCS)) {
      await setDoc(doc(db, path), { action: "read", outcome: "success", shard: 0 });
    }
  });
});

function client(role: (typeof ROLES)[number]) {
  return env
    .authenticatedContext(`${role}-uid`, {
      role,
      practiceId: PRACTICE,
      auth_time: Math.floor(Date.now() / 1000) - 60,
      // The SDK's token type predates multi-factor; the emulator reads the claim as is.
      firebase: { sign_in_provider: "password", sign_in_second_factor: "phone" } as never,
    })
    .firestore();
}

describe("rules: audit data is written by the backend only", () => {
  it("lets a qualified auditor read an audit event (the personas are valid)", async () => {
    await assertSucceeds(getDoc(doc(client("auditor"), AUDIT_DOCS.auditEvents)));
  });

  for (const role of ROLES) {
    for (const [collection, path] of Object.entries(AUDIT_DOCS)) {
      it(`refuses ${role} creating, changing or deleting ${collection}`, async () => {
        const db = client(role);
        await assertFails(
          setDoc(doc(db, `${collection}/new-by-${role}`), { action: "read" }),
        );
        await assertFails(updateDoc(doc(db, path), { outcome: "denied" }));
        await assertFails(setDoc(doc(db, path), { outcome: "denied" }, { merge: true }));
        await assertFails(deleteDoc(doc(db, path)));
      });
    }
  }

  it("refuses a signed-out client every write to audit data", async () => {
    const db = env.unauthenticatedContext().firestore();
    for (const path of Object.values(AUDIT_DOCS)) {
      await assertFails(setDoc(doc(db, path), { recorded: Timestamp.now() }));
      await assertFails(deleteDoc(doc(db, path)));
    }
  });

  it("keeps audit events and seals from the PHI roles' eyes too", async () => {
    for (const role of ["provider", "staff"] as const) {
      await assertFails(getDoc(doc(client(role), AUDIT_DOCS.auditEvents)));
      await assertFails(getDoc(doc(client(role), AUDIT_DOCS.auditSeals)));
    }
  });
});
