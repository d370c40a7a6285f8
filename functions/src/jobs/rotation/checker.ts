// Does a Tebra credential work? GetCustomerIdFromKey with exactly the values of one secret
// version (not the ones "current" points at), through the process's client: PHI-free,
// cheap, and under the same pacing, kill switch and breaker as every other Tebra call. A
// refused candidate neither drops the client's credentials nor raises `tebra.alert`; the
// rotation records and alerts itself. The answer is one of three: it works (and for
// which customer), Tebra refused it, or Tebra could not be asked (try later).
import type { TebraClient } from "../../tebra/client.ts";
import { isTebraError } from "../../tebra/errors.ts";
import { tebraClient } from "../../tebra/instance.ts";
import type { TebraCredentials } from "../../tebra/requests.ts";

export type CheckOutcome =
  | { kind: "ok"; customerId: string | null }
  | { kind: "refused"; reason: string }
  | { kind: "unavailable"; reason: string };

export interface CredentialChecker {
  check(credentials: TebraCredentials): Promise<CheckOutcome>;
}

/** Refusals that say the credential itself is wrong; anything else says "ask later". */
const REFUSALS = new Set(["credentials", "not-authorized"]);

/** A checker over a client that sends the candidate's values instead of its own. */
export function clientChecker(client: () => TebraClient): CredentialChecker {
  return {
    async check(credentials) {
      try {
        const result = await client().checkCredentials(credentials);
        return { kind: "ok", customerId: result.customerId };
      } catch (error) {
        if (isTebraError(error) && REFUSALS.has(error.kind)) {
          return { kind: "refused", reason: error.reason ?? error.kind };
        }
        return {
          kind: "unavailable",
          reason: isTebraError(error) ? error.kind : "error",
        };
      }
    },
  };
}

/** The production checker: the process's client, asked about the candidate's values. */
export function productionChecker(): CredentialChecker {
  return clientChecker(() => tebraClient());
}
