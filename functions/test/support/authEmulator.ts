// Users and ID tokens from the Auth emulator, signed in over its REST API as the web app
// would be.
import { auth } from "../../src/platform/firebase.ts";
import { authHost } from "./emulators.ts";

const API_KEY = "fake-api-key";

export interface TestUser {
  uid: string;
  email: string;
  password: string;
}

export async function createUser(
  uid: string,
  claims: Record<string, unknown> = {},
): Promise<TestUser> {
  const user = { uid, email: `${uid}@clinic.example.test`, password: `pw-${uid}-local` };
  await auth().createUser(user);
  if (Object.keys(claims).length) await auth().setCustomUserClaims(uid, claims);
  return user;
}

export async function signIn(user: TestUser): Promise<string> {
  const url =
    `http://${authHost()}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword` +
    `?key=${API_KEY}`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      email: user.email,
      password: user.password,
      returnSecureToken: true,
    }),
  });
  const body = (await response.json()) as { idToken?: string };
  if (!body.idToken) throw new Error(`sign-in failed: HTTP ${response.status}`);
  return body.idToken;
}

export async function clearAuth(projectId: string): Promise<void> {
  const url = `http://${authHost()}/emulator/v1/projects/${projectId}/accounts`;
  await fetch(url, { method: "DELETE" });
}
