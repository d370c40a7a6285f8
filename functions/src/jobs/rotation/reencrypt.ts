// Re-encryption of the sensitive fields the backend stores, from one field-key version to
// the current one. Once no field is left under an old version, that version can be
// disabled without making anything unreadable; until then it stays enabled.
//
// ENCRYPTED_FIELDS lists every place the FieldCipher writes (a unit test checks that each
// module calling `encrypt` is listed here). Each ciphertext is found with a range query on
// its envelope prefix ("enc:v1:{version}:"), so only the affected documents are read, and
// rewritten with a precondition on its update time, so a concurrent writer wins and the
// document is simply found again on the next run.
import type { CollectionReference, Firestore } from "firebase-admin/firestore";
import { FieldCipher } from "../../crypto/fieldCipher.ts";
import { associatedData } from "../../identity/breakGlass.ts";
import { BREAK_GLASS } from "../../identity/patientAccess.ts";
import * as logs from "../../logs.ts";
import { PATIENT_CACHE, PRACTICES } from "../sync/paths.ts";

export interface EncryptedFields {
  /** A name for logs. */
  name: string;
  /** The module that writes them (the unit test matches it against `encrypt` calls). */
  writtenBy: string;
  collection: (db: Firestore, practiceId: string) => CollectionReference;
  fields: readonly string[];
}

export const ENCRYPTED_FIELDS: readonly EncryptedFields[] = [
  {
    name: "breakGlass",
    writtenBy: "src/identity/breakGlass.ts",
    collection: (db) => db.collection(BREAK_GLASS),
    fields: ["reason"],
  },
  {
    name: "patientCache",
    writtenBy: "src/jobs/sync/patients.ts",
    collection: (db, practiceId) =>
      db.collection(PRACTICES).doc(practiceId).collection(PATIENT_CACHE),
    fields: ["name", "dob"],
  },
];

export interface ReencryptResult {
  rewritten: number;
  /** No field is left under the version (every place was searched to the end). */
  complete: boolean;
}

const PAGE = 200;

function prefixOf(version: string): [string, string] {
  // ";" follows ":" in code order, so the range holds exactly this version's envelopes.
  return [`enc:v1:${version}:`, `enc:v1:${version};`];
}

/**
 * Moves every field encrypted under `version` to the current key, at most `budget`
 * documents per call. `cipher` must read "current" afresh (a new FieldCipher per run).
 */
export async function reencryptVersion(
  db: Firestore,
  cipher: FieldCipher,
  secret: string,
  version: string,
  practiceId: string,
  budget: number,
): Promise<ReencryptResult> {
  const [from, to] = prefixOf(version);
  let rewritten = 0;
  let complete = true;

  for (const place of ENCRYPTED_FIELDS) {
    const collection = place.collection(db, practiceId);
    let placeRewritten = 0;
    for (const field of place.fields) {
      let page = await collection
        .where(field, ">=", from)
        .where(field, "<", to)
        .orderBy(field)
        .limit(PAGE)
        .get();
      while (!page.empty) {
        for (const doc of page.docs) {
          if (rewritten >= budget) return { rewritten, complete: false };
          const update: Record<string, string> = {};
          try {
            for (const name of place.fields) {
              const value: unknown = doc.get(name);
              if (
                typeof value !== "string" ||
                FieldCipher.keyVersionOf(value) !== version
              ) {
                continue;
              }
              const where = associatedData(doc.ref.path, name);
              update[name] = await cipher.encrypt(
                await cipher.decrypt(value, where),
                where,
              );
            }
            await doc.ref.update(update, { lastUpdateTime: doc.updateTime });
            rewritten++;
            placeRewritten++;
          } catch {
            // Unreadable, or changed since it was read: it stays, and so does the version.
            complete = false;
          }
        }
        const last = page.docs[page.docs.length - 1]!;
        page = await collection
          .where(field, ">=", from)
          .where(field, "<", to)
          .orderBy(field)
          .startAfter(last)
          .limit(PAGE)
          .get();
      }
    }
    if (placeRewritten > 0) logs.keyReencrypted(secret, place.name, placeRewritten);
  }
  return { rewritten, complete };
}
