// Firebase Admin against the emulators, for arranging state and reading what code wrote.
import { getFirestore } from "firebase-admin/firestore";
import { db } from "../../src/platform/firebase.ts";
import { PROJECT_ID, firestoreHost } from "./emulators.ts";

export function adminDb() {
  firestoreHost();
  return db();
}

/** Deletes every document in the emulator's database (the emulator's own endpoint). */
export async function clearFirestore(): Promise<void> {
  const { host, port } = firestoreHost();
  const url = `http://${host}:${port}/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`;
  const response = await fetch(url, { method: "DELETE" });
  if (!response.ok) throw new Error(`clearing Firestore failed: HTTP ${response.status}`);
}

export { getFirestore };
