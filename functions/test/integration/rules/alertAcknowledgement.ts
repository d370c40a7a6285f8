// An admin acknowledges a security alert: once, with who and when, and an optional note.
// Nothing else about an alert changes from a client.
import {
  Timestamp,
  deleteDoc,
  doc,
  serverTimestamp,
  updateDoc,
} from "firebase/firestore";
import type { DocumentData } from "firebase/firestore";
import { beforeEach, describe, expect, it } from "vitest";
import {
  ALERT_PATH,
  acknowledgement,
  alertDocument,
  profileDocuments,
} from "./fixtures.ts";
import { PERSONAS, type Persona } from "./matrix.ts";
import { attempt, type Outcome, type RulesSuite } from "./suite.ts";

export function describeAlertAcknowledgement(suite: RulesSuite): void {
  const admin: Persona = PERSONAS.find((p) => p.id === "admin")!;
  const auditor: Persona = PERSONAS.find((p) => p.id === "auditor")!;

  function update(who: Persona, data: DocumentData): Promise<Outcome> {
    return attempt(updateDoc(doc(suite.as(who), ALERT_PATH), data));
  }

  describe("security alert acknowledgement", () => {
    beforeEach(async () => {
      await suite.env().clearFirestore();
      await suite.seed({ ...profileDocuments(), [ALERT_PATH]: alertDocument() });
    });

    it("lets an admin acknowledge with a note of up to 500 characters", async () => {
      expect(await update(admin, acknowledgement(admin.uid!, "n".repeat(500)))).toBe(
        "allowed",
      );
    });

    it("accepts an alert whose acknowledgement fields were never written", async () => {
      const fresh: DocumentData = alertDocument();
      delete fresh["acknowledgedAt"];
      delete fresh["acknowledgedBy"];
      await suite.seed({ [ALERT_PATH]: fresh });
      expect(await update(admin, acknowledgement(admin.uid!))).toBe("allowed");
    });

    it("refuses a second acknowledgement of the same alert", async () => {
      expect(await update(admin, acknowledgement(admin.uid!))).toBe("allowed");
      expect(await update(admin, acknowledgement(admin.uid!, "again"))).toBe("refused");
    });

    it("refuses a note longer than 500 characters, or not a string", async () => {
      expect(await update(admin, acknowledgement(admin.uid!, "n".repeat(501)))).toBe(
        "refused",
      );
      const numeric = { ...acknowledgement(admin.uid!), acknowledgementNote: 42 };
      expect(await update(admin, numeric)).toBe("refused");
    });

    it("refuses an acknowledgement in another user's name", async () => {
      expect(await update(admin, acknowledgement("admin-elsewhere"))).toBe("refused");
    });

    it("refuses an acknowledgement time from the client's clock", async () => {
      const write = { ...acknowledgement(admin.uid!), acknowledgedAt: Timestamp.now() };
      expect(await update(admin, write)).toBe("refused");
    });

    it("refuses an acknowledgement that leaves out who or when", async () => {
      expect(await update(admin, { acknowledgedAt: serverTimestamp() })).toBe("refused");
      expect(await update(admin, { acknowledgedBy: admin.uid })).toBe("refused");
    });

    it("refuses changing anything else about the alert, even with an acknowledgement", async () => {
      const write = { ...acknowledgement(admin.uid!), severity: "low" };
      expect(await update(admin, write)).toBe("refused");
    });

    it("refuses an acknowledgement by an auditor, and a deletion by an admin", async () => {
      expect(await update(auditor, acknowledgement(auditor.uid!))).toBe("refused");
      expect(await attempt(deleteDoc(doc(suite.as(admin), ALERT_PATH)))).toBe("refused");
    });
  });
}
