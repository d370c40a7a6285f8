// The claims a PHI read depends on, one at a time: the session's age at the edge of the
// maximum, the kinds of second factor, and claims of the wrong shape. Each case reads the
// same visit; only the token differs from a staff member's complete session, and the
// profile mirrors the token's claims, so a refusal is the claim's doing.
import { doc, getDoc } from "firebase/firestore";
import { beforeAll, describe, expect, it } from "vitest";
import { rulesMaxSessionAgeMinutes } from "../../support/rulesSource.ts";
import { VISIT_PATH, visitDocument } from "./fixtures.ts";
import { FRESH_SESSION_MINUTES, PRACTICE_ID } from "./matrix.ts";
import { attempt, type Outcome, type RulesSuite, type TokenClaims } from "./suite.ts";

const staffSession: TokenClaims = {
  role: "staff",
  practiceId: PRACTICE_ID,
  secondFactor: "phone",
  sessionAgeMinutes: FRESH_SESSION_MINUTES,
};

export function describeSessionChecks(suite: RulesSuite): void {
  async function readVisit(changes: Partial<TokenClaims>): Promise<Outcome> {
    const claims = { ...staffSession, ...changes };
    const profile = {
      active: true,
      role: claims.role ?? null,
      practiceId: claims.practiceId ?? null,
    };
    await suite.seed({ "users/staff-variant": profile });
    const db = suite.withToken("staff-variant", claims);
    return attempt(getDoc(doc(db, VISIT_PATH)));
  }

  describe("the session behind a PHI read", () => {
    beforeAll(async () => {
      await suite.env().clearFirestore();
      await suite.seed({ [VISIT_PATH]: visitDocument() });
    });

    it("allows a session a minute short of the maximum age, and refuses one a minute past it", async () => {
      const max = rulesMaxSessionAgeMinutes();
      expect(await readVisit({ sessionAgeMinutes: max - 1 })).toBe("allowed");
      expect(await readVisit({ sessionAgeMinutes: max + 1 })).toBe("refused");
    });

    it("refuses a token without a sign-in time, or with one that is not a number", async () => {
      expect(await readVisit({ sessionAgeMinutes: null })).toBe("refused");
      expect(await readVisit({ sessionAgeMinutes: "2026-03-02T15:00:00Z" })).toBe(
        "refused",
      );
    });

    it("accepts any second factor Firebase reports (phone, TOTP)", async () => {
      expect(await readVisit({ secondFactor: "phone" })).toBe("allowed");
      expect(await readVisit({ secondFactor: "totp" })).toBe("allowed");
    });

    it("refuses a token with no firebase claim at all", async () => {
      expect(await readVisit({ withoutFirebaseClaim: true })).toBe("refused");
    });

    it("refuses a practice claim that is not the path's string", async () => {
      expect(await readVisit({ practiceId: Number(PRACTICE_ID) })).toBe("refused");
      expect(await readVisit({ practiceId: undefined })).toBe("refused");
    });

    it("refuses a role claim that is not one of the four roles exactly", async () => {
      expect(await readVisit({ role: "Staff" })).toBe("refused");
      expect(await readVisit({ role: "superuser" })).toBe("refused");
      expect(await readVisit({ role: ["staff"] })).toBe("refused");
    });
  });
}
