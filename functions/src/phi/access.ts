// The one check every PHI operation makes beyond the policy row: the backend serves one
// practice, and a caller whose token names another is refused before Tebra is asked.
import { HttpsError } from "firebase-functions/https";
import type { Caller } from "../identity/guard.ts";
import type { PhiDeps } from "./deps.ts";

export function requireSamePractice(caller: Caller, deps: Pick<PhiDeps, "practice">) {
  if (caller.practiceId !== deps.practice.id) {
    throw new HttpsError(
      "permission-denied",
      "Your account belongs to another practice",
      {
        reason: "other-practice",
      },
    );
  }
}
