// A rules test environment on the real Firestore emulator, loading the project's rules.
import {
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PROJECT_ID, firestoreHost } from "./emulators.ts";

export const RULES_PATH = fileURLToPath(
  new URL("../../../firestore.rules", import.meta.url),
);

export async function rulesEnvironment(): Promise<RulesTestEnvironment> {
  return initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: { ...firestoreHost(), rules: readFileSync(RULES_PATH, "utf8") },
  });
}
