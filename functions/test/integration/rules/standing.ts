// The profile behind a token, checked as the functions' guard checks it: a token whose
// profile moved to another practice is refused, and a revocation counts against sign-ins
// before it, to the second, and not against sign-ins after it. (The matrix covers an
// inactive profile, a changed role, a missing profile and a revoked session.)
import { Timestamp, doc, getDoc } from "firebase/firestore";
import { beforeAll, describe, expect, it } from "vitest";
import type { Profile } from "../../../src/identity/guard.ts";
import { VISIT_PATH, visitDocument } from "./fixtures.ts";
import { PRACTICE_ID, OTHER_PRACTICE_ID } from "./matrix.ts";
import { attempt, type Outcome, type RulesSuite } from "./suite.ts";

export function describeProfileStanding(suite: RulesSuite): void {
  const authTime = Math.floor(Date.now() / 1000) - 300;

  async function readVisit(profile: Profile): Promise<Outcome> {
    await suite.seed({ "users/staff-standing": profile });
    const db = suite.withToken("staff-standing", {
      role: "staff",
      practiceId: PRACTICE_ID,
      secondFactor: "phone",
      sessionAgeMinutes: null,
      authTime,
    });
    return attempt(getDoc(doc(db, VISIT_PATH)));
  }

  const profile: Profile = { active: true, role: "staff", practiceId: PRACTICE_ID };
  const revokedAt = (millis: number) => ({
    ...profile,
    sessionsRevokedAt: Timestamp.fromMillis(millis),
  });

  describe("the profile behind a token", () => {
    beforeAll(async () => {
      await suite.env().clearFirestore();
      await suite.seed({ [VISIT_PATH]: visitDocument() });
    });

    it("backs a token whose claims it matches", async () => {
      expect(await readVisit(profile)).toBe("allowed");
    });

    it("refuses a token whose practice the profile no longer holds", async () => {
      expect(await readVisit({ ...profile, practiceId: OTHER_PRACTICE_ID })).toBe(
        "refused",
      );
      expect(await readVisit({ ...profile, practiceId: null })).toBe("refused");
    });

    it("accepts a sign-in after the sessions were revoked", async () => {
      expect(await readVisit(revokedAt((authTime - 60) * 1000))).toBe("allowed");
    });

    it("accepts a sign-in within the second of the revocation, as the guard does", async () => {
      expect(await readVisit(revokedAt(authTime * 1000 + 999))).toBe("allowed");
    });

    it("refuses a sign-in from the second before the revocation", async () => {
      expect(await readVisit(revokedAt((authTime + 1) * 1000))).toBe("refused");
    });
  });
}
