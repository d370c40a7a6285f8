// Field-level writes on a visit: which fields the front desk and providers may change, of
// which types, and which status moves the rules accept (exactly FLOW_TRANSITIONS).
import {
  Timestamp,
  collection,
  collectionGroup,
  deleteField,
  doc,
  getDocs,
  orderBy,
  query,
  serverTimestamp,
  updateDoc,
  where,
  type DocumentData,
  type Firestore,
} from "firebase/firestore";
import { beforeEach, describe, expect, it } from "vitest";
import {
  FLOW_STATUSES,
  FLOW_TRANSITIONS,
  type FlowStatus,
} from "../../../src/flow/status.ts";
import { FLOW_FIELDS } from "../../../src/flow/visit.ts";
import {
  OTHER_VISIT_PATH,
  VISIT_PATH,
  flowWrite,
  profileDocuments,
  visitDocument,
} from "./fixtures.ts";
import { BOARD_QUERIES, OTHER_PRACTICE_ID, PERSONAS, type Persona } from "./matrix.ts";
import { attempt, type Outcome, type RulesSuite } from "./suite.ts";

const STAMP_FIELDS = [
  "checkedInAt",
  "roomedAt",
  "readyForProviderAt",
  "seenByProviderAt",
  "checkedOutAt",
] as const;

const parentOf = (path: string) => path.slice(0, path.lastIndexOf("/"));

function persona(id: string): Persona {
  const found = PERSONAS.find((p) => p.id === id);
  if (!found) throw new Error(`no persona ${id} in the matrix`);
  return found;
}

export function describeVisitFlow(suite: RulesSuite): void {
  const staff = persona("staff");
  const provider = persona("provider");

  async function seedVisit(changes: DocumentData = {}) {
    await suite.seed({ [VISIT_PATH]: { ...visitDocument(), ...changes } });
  }

  function update(who: Persona, data: DocumentData, path = VISIT_PATH): Promise<Outcome> {
    return attempt(updateDoc(doc(suite.as(who), path), data));
  }

  function flowUpdate(who: Persona, fields: DocumentData): Promise<Outcome> {
    return update(who, flowWrite(who.uid!, fields));
  }

  describe("visit flow writes", () => {
    beforeEach(async () => {
      await suite.env().clearFirestore();
      await suite.seed(profileDocuments());
      await seedVisit();
    });

    describe("status moves", () => {
      for (const from of FLOW_STATUSES) {
        const allowed = FLOW_TRANSITIONS[from];
        const title = allowed.length
          ? `from ${from}, allows exactly ${allowed.join(", ")}`
          : `from ${from}, allows no move (the visit is closed)`;

        it(title, async () => {
          const outcomes: Partial<Record<FlowStatus, Outcome>> = {};
          const expected: Partial<Record<FlowStatus, Outcome>> = {};
          for (const to of FLOW_STATUSES.filter((status) => status !== from)) {
            await seedVisit({ status: from });
            outcomes[to] = await flowUpdate(staff, { status: to });
            expected[to] = allowed.includes(to) ? "allowed" : "refused";
          }
          expect(outcomes).toEqual(expected);
        });
      }

      it("refuses a status that is not in the flow, or not a string", async () => {
        expect(await flowUpdate(staff, { status: "discharged" })).toBe("refused");
        expect(await flowUpdate(staff, { status: 3 })).toBe("refused");
      });

      it("refuses every move from a status the flow does not know", async () => {
        await seedVisit({ status: "imported-unknown" });
        expect(await flowUpdate(staff, { status: "checked-in" })).toBe("refused");
        expect(await flowUpdate(staff, { room: "Exam 1" })).toBe("allowed");
      });

      it("lets a provider move a visit as the front desk does", async () => {
        await seedVisit({ status: "roomed" });
        expect(await flowUpdate(provider, { status: "ready-for-provider" })).toBe(
          "allowed",
        );
        expect(await flowUpdate(provider, { status: "scheduled" })).toBe("refused");
      });
    });

    describe("fields and types", () => {
      it("allows every flow field at once, each of its type", async () => {
        const stamps = Object.fromEntries(
          STAMP_FIELDS.map((f) => [f, serverTimestamp()]),
        );
        const write = flowWrite(staff.uid!, {
          status: "roomed",
          room: "Exam 1",
          ...stamps,
        });
        expect(Object.keys(write).sort()).toEqual([...FLOW_FIELDS].sort());
        expect(await update(staff, write)).toBe("allowed");
      });

      it("accepts a room of up to 20 characters, or none", async () => {
        expect(await flowUpdate(staff, { room: "R".repeat(20) })).toBe("allowed");
        expect(await flowUpdate(staff, { room: null })).toBe("allowed");
      });

      it("refuses a room longer than 20 characters, or not a string", async () => {
        expect(await flowUpdate(staff, { room: "R".repeat(21) })).toBe("refused");
        expect(await flowUpdate(staff, { room: 12 })).toBe("refused");
      });

      for (const field of STAMP_FIELDS) {
        it(`accepts ${field} as a time stamp or null, and nothing else`, async () => {
          const earlier = Timestamp.fromDate(new Date("2026-03-02T15:05:00Z"));
          expect(await flowUpdate(staff, { [field]: earlier })).toBe("allowed");
          expect(await flowUpdate(staff, { [field]: null })).toBe("allowed");
          expect(await flowUpdate(staff, { [field]: "2026-03-02T15:05:00Z" })).toBe(
            "refused",
          );
          expect(await flowUpdate(staff, { [field]: 1_772_463_900 })).toBe("refused");
        });
      }

      it("refuses removing a flow field", async () => {
        expect(await flowUpdate(staff, { room: deleteField() })).toBe("refused");
        expect(await flowUpdate(staff, { checkedInAt: deleteField() })).toBe("refused");
        expect(await flowUpdate(staff, { status: deleteField() })).toBe("refused");
      });

      it("refuses any field outside the flow, even beside valid flow fields", async () => {
        for (const field of ["patientName", "patientDob", "startTime", "providerId"]) {
          const write = flowWrite(staff.uid!, {
            status: "checked-in",
            [field]: "changed",
          });
          expect({ field, outcome: await update(staff, write) }).toEqual({
            field,
            outcome: "refused",
          });
        }
        expect(await flowUpdate(staff, { practiceId: OTHER_PRACTICE_ID })).toBe(
          "refused",
        );
        expect(await flowUpdate(staff, { note: "new field" })).toBe("refused");
      });
    });

    describe("who and when", () => {
      it("refuses a write signed with another user's uid", async () => {
        const write = { status: "checked-in", flowUpdatedBy: "provider" };
        expect(await update(staff, { ...write, flowUpdatedAt: serverTimestamp() })).toBe(
          "refused",
        );
      });

      it("refuses a write that does not name its writer", async () => {
        const write = { status: "checked-in", flowUpdatedAt: serverTimestamp() };
        expect(await update(staff, write)).toBe("refused");
      });

      it("refuses a write stamped with the client's clock instead of the server's", async () => {
        const write = { status: "checked-in", flowUpdatedBy: staff.uid };
        expect(await update(staff, write)).toBe("refused");
        expect(await update(staff, { ...write, flowUpdatedAt: Timestamp.now() })).toBe(
          "refused",
        );
      });
    });

    describe("practices", () => {
      it("lets the front desk of another practice run its own visits only", async () => {
        await suite.seed({
          [OTHER_VISIT_PATH]: visitDocument(OTHER_PRACTICE_ID, "appt-2001"),
        });
        const elsewhere = persona("staff-elsewhere");
        const write = flowWrite(elsewhere.uid!, { status: "checked-in" });
        expect(await update(elsewhere, write, OTHER_VISIT_PATH)).toBe("allowed");
        expect(await update(elsewhere, write, VISIT_PATH)).toBe("refused");
      });

      it("answers the board's filtered queries to the practice's own readers", async () => {
        const visits = (db: Firestore) => collection(db, parentOf(VISIT_PATH));
        for (const board of BOARD_QUERIES) {
          const filtered = (db: Firestore) =>
            query(
              visits(db),
              where(board.where, "==", board.equals),
              orderBy(board.orderBy),
            );
          await seedVisit({ [board.where]: board.equals });
          const found = await getDocs(filtered(suite.as(staff)));
          expect({ board, ids: found.docs.map((d) => d.id) }).toEqual({
            board,
            ids: ["appt-1001"],
          });
          const elsewhere = suite.as(persona("staff-elsewhere"));
          expect(await attempt(getDocs(filtered(elsewhere)))).toBe("refused");
        }
      });

      it("refuses a collection-group query over every practice's visits", async () => {
        const db: Firestore = suite.as(staff);
        expect(await attempt(getDocs(collectionGroup(db, "visits")))).toBe("refused");
      });
    });
  });
}
