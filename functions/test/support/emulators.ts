// Where the emulators listen, from the variables `firebase emulators:exec` sets. A test
// that needs an emulator and finds none fails with the reason; it never skips.

export const PROJECT_ID = "demo-tebra-bridge";

function required(name: string, purpose: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: ${purpose}. Run the tests with \`npm test\` from the project ` +
        "root, which starts the emulators for each layer.",
    );
  }
  return value;
}

export function firestoreHost(): { host: string; port: number } {
  const value = required(
    "FIRESTORE_EMULATOR_HOST",
    "the Firestore emulator is not running",
  );
  const [host, port] = value.split(":");
  return { host: host!, port: Number(port) };
}

export function authHost(): string {
  return required("FIREBASE_AUTH_EMULATOR_HOST", "the Auth emulator is not running");
}

export function hubHost(): string {
  return required("FIREBASE_EMULATOR_HUB", "the Emulator Suite hub is not running");
}

interface HubEntry {
  host: string;
  port: number;
}

/** Base URL of the Functions emulator, from the hub's list of running emulators. */
export async function functionsBaseUrl(): Promise<string> {
  const response = await fetch(`http://${hubHost()}/emulators`);
  const emulators = (await response.json()) as Record<string, HubEntry | undefined>;
  const functions = emulators["functions"];
  if (!functions) throw new Error("the Functions emulator is not running in this suite");
  return `http://${functions.host}:${functions.port}/${PROJECT_ID}/us-central1`;
}
