// A Tebra client wired as in production (Firestore throttle, kill switch and secret
// store on the emulator) but pointed at a local Tebra and with its own breaker.
import { adminDb } from "../../support/admin.ts";
import { PROJECT_ID } from "../../support/emulators.ts";
import { LOCAL_PRACTICE, TEST_CLIENT_VERSION } from "../../support/tebra.ts";
import { createSecretStore } from "../../../src/platform/secretStore.ts";
import { TebraClient } from "../../../src/tebra/client.ts";
import { SecretCredentials } from "../../../src/tebra/credentials.ts";
import { firestoreKillSwitch } from "../../../src/tebra/killSwitch.ts";
import {
  createResilience,
  type ResilienceOptions,
} from "../../../src/tebra/resilience.ts";
import { FirestoreThrottle } from "../../../src/tebra/throttle.ts";
import { pinnedAgent } from "../../../src/tebra/tls.ts";
import { TebraTransport } from "../../../src/tebra/transport.ts";

export const INTEGRATION_RESILIENCE: ResilienceOptions = {
  timeoutMs: 3_000,
  retries: 2,
  initialDelayMs: 20,
  maxDelayMs: 200,
  breakerThreshold: 5,
  halfOpenAfterMs: 30_000,
};

export function emulatorClient(
  url: string,
  options: {
    resilience?: Partial<ResilienceOptions>;
    marginMs?: number;
    tableTtlMs?: number;
  } = {},
) {
  const db = adminDb();
  const throttle = new FirestoreThrottle(db, {
    marginMs: options.marginMs ?? 250,
    maxWaitMs: 20_000,
    tableTtlMs: options.tableTtlMs ?? 6 * 3_600_000,
  });
  const resilience = createResilience({
    ...INTEGRATION_RESILIENCE,
    ...options.resilience,
  });
  const client = new TebraClient({
    endpoint: url,
    practice: LOCAL_PRACTICE,
    timeZone: "America/Chicago",
    credentials: new SecretCredentials(
      createSecretStore({ projectId: PROJECT_ID, ttlMs: 60_000 }),
      "tebra-credentials",
    ),
    throttle,
    killSwitch: firestoreKillSwitch(db, 0),
    resilience,
    httpClient: new TebraTransport({ agent: pinnedAgent({ pins: [] }) }),
    clientVersion: TEST_CLIENT_VERSION,
  });
  return { client, throttle, resilience };
}
