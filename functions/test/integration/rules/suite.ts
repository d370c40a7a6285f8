// The rules suite's shared state: one test environment on the emulator for the whole suite
// (loading rules resets the emulator's coverage report, so they are loaded once), a client
// per persona with the ID token that persona would carry, and a way to try an operation
// and tell a refusal by the rules from any other failure.
import type {
  RulesTestContext,
  RulesTestEnvironment,
  TokenOptions,
} from "@firebase/rules-unit-testing";
import {
  doc,
  setDoc,
  setLogLevel,
  type DocumentData,
  type Firestore,
} from "firebase/firestore";
import { afterAll, beforeAll } from "vitest";
import { rulesEnvironment } from "../../support/rules.ts";
import type { Persona } from "./matrix.ts";

export type Outcome = "allowed" | "refused";

/** Claims of an ID token, beyond the uid. */
export interface TokenClaims {
  role?: unknown;
  practiceId?: unknown;
  /** The sign-in's second factor ("phone", "totp"); absent without one. */
  secondFactor?: string;
  /** Minutes since sign-in; `null` leaves auth_time out, a string makes it malformed. */
  sessionAgeMinutes: number | null | string;
  /** The sign-in time itself (seconds since the epoch), instead of an age. */
  authTime?: number;
  /** Leave the `firebase` claim out altogether. */
  withoutFirebaseClaim?: boolean;
}

export interface RulesSuite {
  env(): RulesTestEnvironment;
  /** The client of a persona of the access matrix (one per persona, reused). */
  as(persona: Persona): Firestore;
  /** A client whose token carries exactly these claims. */
  withToken(uid: string, claims: TokenClaims): Firestore;
  /** Runs with the rules off, as the backend would. */
  withoutRules(work: (db: Firestore) => Promise<void>): Promise<void>;
  /** Writes documents with the rules off. */
  seed(documents: Record<string, DocumentData>): Promise<void>;
}

/** rules-unit-testing hands out the compat Firestore; the modular functions unwrap it. */
function modular(context: RulesTestContext): Firestore {
  return context.firestore() as unknown as Firestore;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function idToken(claims: TokenClaims): TokenOptions {
  const iat = nowSeconds();
  const token: Record<string, unknown> = { iat, exp: iat + 3600 };
  if (claims.role !== undefined) token["role"] = claims.role;
  if (claims.practiceId !== undefined) token["practiceId"] = claims.practiceId;
  token["auth_time"] =
    claims.authTime ??
    (typeof claims.sessionAgeMinutes === "number"
      ? iat - claims.sessionAgeMinutes * 60
      : (claims.sessionAgeMinutes ?? undefined));
  token["firebase"] = claims.withoutFirebaseClaim
    ? undefined
    : {
        sign_in_provider: "password",
        identities: {},
        ...(claims.secondFactor ? { sign_in_second_factor: claims.secondFactor } : {}),
      };
  return token;
}

/** Registers the suite's setup and teardown; call once, at the top of the suite file. */
export function rulesSuite(): RulesSuite {
  let environment: RulesTestEnvironment | undefined;
  const clients = new Map<string, Firestore>();

  // Refusals are the point of most tests; the SDK would log each one as a warning.
  setLogLevel("silent");

  beforeAll(async () => {
    environment = await rulesEnvironment();
  });
  afterAll(async () => {
    await environment?.cleanup();
  });

  const env = () => {
    if (!environment) throw new Error("the rules environment is not initialised yet");
    return environment;
  };

  const withToken = (uid: string, claims: TokenClaims) =>
    modular(env().authenticatedContext(uid, idToken(claims)));
  const withoutRules = (work: (db: Firestore) => Promise<void>) =>
    env().withSecurityRulesDisabled((context) => work(modular(context)));

  return {
    env,
    withToken,
    withoutRules,
    as(persona) {
      let client = clients.get(persona.id);
      if (!client) {
        client = persona.uid
          ? withToken(persona.uid, {
              role: persona.role,
              practiceId: persona.practiceId,
              secondFactor: persona.secondFactor ? "phone" : undefined,
              sessionAgeMinutes: persona.sessionAgeMinutes,
            })
          : modular(env().unauthenticatedContext());
        clients.set(persona.id, client);
      }
      return client;
    },
    async seed(documents) {
      await withoutRules(async (db) => {
        await Promise.all(
          Object.entries(documents).map(([path, data]) => setDoc(doc(db, path), data)),
        );
      });
    },
  };
}

/** Runs a client operation: allowed, or refused by the rules. Any other error is thrown. */
export async function attempt(operation: Promise<unknown>): Promise<Outcome> {
  try {
    await operation;
    return "allowed";
  } catch (error) {
    if ((error as { code?: unknown }).code === "permission-denied") return "refused";
    throw error;
  }
}
