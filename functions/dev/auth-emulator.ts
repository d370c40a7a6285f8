// Signing in to the Auth emulator over its REST API, as the web SDK does, including the
// SMS second factor: the emulator sends no SMS, it keeps each code at
// /emulator/v1/projects/{project}/verificationCodes, where this reads it back. Used by the
// seed script, the ID-token helper and the e2e tests. Local only: it talks to the emulator.
import { readFileSync } from "node:fs";

export const PROJECT_ID = "demo-tebra-bridge";
/** The emulator accepts any API key. */
const API_KEY = "fake-api-key";

interface EmulatorPorts {
  emulators: Record<"auth" | "firestore", { host: string; port: number }>;
}

/** host:port of an emulator of the local stack, from firebase.json. */
export function configuredHost(emulator: "auth" | "firestore"): string {
  const config = JSON.parse(
    readFileSync(new URL("../../firebase.json", import.meta.url), "utf8"),
  ) as EmulatorPorts;
  const { host, port } = config.emulators[emulator];
  return `${host}:${port}`;
}

/** host:port of the Auth emulator: the variable the CLI sets, else firebase.json's. */
export function authEmulatorHost(): string {
  return process.env["FIREBASE_AUTH_EMULATOR_HOST"] || configuredHost("auth");
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const url = `http://${authEmulatorHost()}/identitytoolkit.googleapis.com/${path}?key=${API_KEY}`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as T & { error?: { message?: string } };
  if (!response.ok) {
    throw new Error(
      `Auth emulator ${path}: HTTP ${response.status} ${json.error?.message ?? ""}`,
    );
  }
  return json;
}

interface PasswordSignIn {
  idToken?: string;
  mfaPendingCredential?: string;
  mfaInfo?: { mfaEnrollmentId: string; phoneInfo?: string }[];
}

/** The SMS code the emulator issued for a session, read from its own endpoint. */
export async function verificationCode(sessionInfo: string): Promise<string> {
  const url = `http://${authEmulatorHost()}/emulator/v1/projects/${PROJECT_ID}/verificationCodes`;
  const listed = (await (await fetch(url)).json()) as {
    verificationCodes?: { sessionInfo: string; code: string }[];
  };
  const found = listed.verificationCodes?.find(
    (entry) => entry.sessionInfo === sessionInfo,
  );
  if (!found) throw new Error("the Auth emulator holds no code for this session");
  return found.code;
}

/**
 * Signs in with email and password, then with the SMS second factor when the user has
 * one enrolled; answers the ID token.
 */
export async function signIn(email: string, password: string): Promise<string> {
  const first = await post<PasswordSignIn>("v1/accounts:signInWithPassword", {
    email,
    password,
    returnSecureToken: true,
  });
  if (first.idToken) return first.idToken;
  const enrollment = first.mfaInfo?.[0];
  if (!first.mfaPendingCredential || !enrollment) {
    throw new Error("sign-in answered neither a token nor a second-factor challenge");
  }
  const started = await post<{ phoneResponseInfo: { sessionInfo: string } }>(
    "v2/accounts/mfaSignIn:start",
    {
      mfaPendingCredential: first.mfaPendingCredential,
      mfaEnrollmentId: enrollment.mfaEnrollmentId,
      phoneSignInInfo: { phoneNumber: enrollment.phoneInfo },
    },
  );
  const sessionInfo = started.phoneResponseInfo.sessionInfo;
  const finished = await post<{ idToken: string }>("v2/accounts/mfaSignIn:finalize", {
    mfaPendingCredential: first.mfaPendingCredential,
    phoneVerificationInfo: { sessionInfo, code: await verificationCode(sessionInfo) },
  });
  return finished.idToken;
}

/** The claims of a token, unverified (the emulator's tokens are unsigned anyway). */
export function decodeIdToken(idToken: string): Record<string, unknown> {
  const payload = idToken.split(".")[1];
  if (!payload) throw new Error("not a JWT");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

/**
 * An unsigned token ("alg": "none") with the given claims, shaped as the Auth emulator's
 * own. The Functions emulator decodes callable tokens without verifying them, and the Admin
 * SDK accepts unsigned tokens while FIREBASE_AUTH_EMULATOR_HOST is set, so this is how a
 * test presents a session that signed in long ago (an old `auth_time`).
 */
export function unsignedIdToken(claims: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;
}
