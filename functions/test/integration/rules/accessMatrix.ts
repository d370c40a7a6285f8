// Every cell of the access matrix, tried on the emulator: each persona attempts each
// operation on each row's document, and the outcomes must be exactly the allowed cells.
import {
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  setDoc,
  updateDoc,
} from "firebase/firestore";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, matrixDocuments } from "./fixtures.ts";
import {
  OPERATIONS,
  PERSONAS,
  TARGETS,
  allowedOperations,
  type MatrixPersona,
  type Operation,
  type Persona,
  type TargetId,
} from "./matrix.ts";
import { attempt, type Outcome, type RulesSuite } from "./suite.ts";

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}

async function tryOperation(
  suite: RulesSuite,
  persona: Persona,
  targetId: TargetId,
  operation: Operation,
): Promise<Outcome> {
  const fixture = FIXTURES[targetId];
  const db = suite.as(persona);
  const path = fixture.path(persona);
  const uid = persona.uid ?? "signed-out";
  const created = `${parentOf(path)}/created-by-${persona.id}`;

  const outcome = await attempt(
    {
      get: () => getDoc(doc(db, path)),
      list: () => getDocs(collection(db, parentOf(path))),
      create: () => setDoc(doc(db, created), fixture.create(uid)),
      update: () => updateDoc(doc(db, path), fixture.update(uid)),
      delete: () => deleteDoc(doc(db, path)),
    }[operation](),
  );

  // A write that went through is undone, so the next persona meets the same document.
  if (outcome === "allowed" && operation !== "get" && operation !== "list") {
    const original = fixture.seed(persona);
    if (original) await suite.seed({ [path]: original });
    else await suite.withoutRules((admin) => deleteDoc(doc(admin, path)));
    if (operation === "create") {
      await suite.withoutRules((admin) => deleteDoc(doc(admin, created)));
    }
  }
  return outcome;
}

function expectation(
  persona: MatrixPersona,
  targetId: TargetId,
): Record<Operation, Outcome> {
  const allowed = allowedOperations(persona.id, targetId);
  return Object.fromEntries(
    OPERATIONS.map((operation) => [
      operation,
      allowed.includes(operation) ? "allowed" : "refused",
    ]),
  ) as Record<Operation, Outcome>;
}

function summary(persona: MatrixPersona, targetId: TargetId): string {
  const allowed = allowedOperations(persona.id, targetId);
  return allowed.length
    ? `${persona.label} may ${allowed.join(", ")} and nothing else`
    : `${persona.label} may do nothing`;
}

export function describeAccessMatrix(suite: RulesSuite): void {
  describe("the access matrix (docs/SECURITY.md): every persona × row × operation", () => {
    beforeAll(async () => {
      await suite.env().clearFirestore();
      await suite.seed(matrixDocuments());
    });

    for (const target of TARGETS) {
      describe(target.label, () => {
        for (const persona of PERSONAS) {
          it(summary(persona, target.id), async () => {
            const outcomes: Partial<Record<Operation, Outcome>> = {};
            for (const operation of OPERATIONS) {
              outcomes[operation] = await tryOperation(
                suite,
                persona,
                target.id,
                operation,
              );
            }
            expect(outcomes).toEqual(expectation(persona, target.id));
          });
        }
      });
    }
  });
}
