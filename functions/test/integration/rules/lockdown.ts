// An incident lockdown (`config/runtime`, `lockdown.active`) suspends every client but
// admins, as the functions' guard does, so the flow board stops serving PHI at once rather
// than when the users' ID tokens expire.
import { collection, doc, getDoc, getDocs, updateDoc } from "firebase/firestore";
import type { DocumentData } from "firebase/firestore";
import { beforeEach, describe, expect, it } from "vitest";
import { RUNTIME_CONFIG_DOC, isLockdownActive } from "../../../src/identity/lockdown.ts";
import {
  ALERT_PATH,
  VISIT_PATH,
  acknowledgement,
  alertDocument,
  flowWrite,
  profileDocuments,
  visitDocument,
} from "./fixtures.ts";
import { PERSONAS, type Persona } from "./matrix.ts";
import { attempt, type Outcome, type RulesSuite } from "./suite.ts";

const LOCKED = { tebraEnabled: false, lockdown: { active: true } };
const LIFTED = { tebraEnabled: true, lockdown: { active: false } };

export function describeLockdown(suite: RulesSuite): void {
  const who = (id: string): Persona => PERSONAS.find((p) => p.id === id)!;
  const [admin, provider, staff, auditor] = ["admin", "provider", "staff", "auditor"].map(
    who,
  );

  const read = (persona: Persona, path: string): Promise<Outcome> =>
    attempt(getDoc(doc(suite.as(persona), path)));

  async function seed(runtime: DocumentData | null) {
    await suite.env().clearFirestore();
    await suite.seed({
      ...profileDocuments(),
      [VISIT_PATH]: visitDocument(),
      [ALERT_PATH]: alertDocument(),
      "auditEvents/evt-0001": { action: "read", outcome: "success" },
      ...(runtime ? { [RUNTIME_CONFIG_DOC]: runtime } : {}),
    });
  }

  describe("incident lockdown", () => {
    beforeEach(() => seed(LOCKED));

    it("uses the document and field the functions read as a lockdown", () => {
      expect(isLockdownActive(LOCKED)).toBe(true);
      expect(isLockdownActive(LIFTED)).toBe(false);
    });

    it("suspends the front desk, providers and auditors", async () => {
      expect(await read(staff!, VISIT_PATH)).toBe("refused");
      expect(await read(provider!, VISIT_PATH)).toBe("refused");
      const move = flowWrite(provider!.uid!, { status: "checked-in" });
      expect(await attempt(updateDoc(doc(suite.as(provider!), VISIT_PATH), move))).toBe(
        "refused",
      );
      expect(await read(auditor!, "auditEvents/evt-0001")).toBe("refused");
      const list = getDocs(collection(suite.as(auditor!), "auditEvents"));
      expect(await attempt(list)).toBe("refused");
    });

    it("keeps admins working: the schedule, the configuration, alerts", async () => {
      expect(await read(admin!, VISIT_PATH)).toBe("allowed");
      expect(await read(admin!, RUNTIME_CONFIG_DOC)).toBe("allowed");
      const ack = acknowledgement(admin!.uid!);
      expect(await attempt(updateDoc(doc(suite.as(admin!), ALERT_PATH), ack))).toBe(
        "allowed",
      );
    });

    it("still lets every user read their own profile", async () => {
      expect(await read(staff!, `users/${staff!.uid}`)).toBe("allowed");
    });

    it("lets everyone back once lifted, or when no lockdown was ever recorded", async () => {
      for (const runtime of [LIFTED, { tebraEnabled: true }, null]) {
        await seed(runtime);
        expect({ runtime, outcome: await read(staff!, VISIT_PATH) }).toEqual({
          runtime,
          outcome: "allowed",
        });
      }
    });
  });
}
