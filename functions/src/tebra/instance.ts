// The process's Tebra client, built from the parameters on first use inside a handler and
// rebuilt only when a parameter changes. The breaker, the kill switch's cache and the
// throttle are per process and shared by every call the instance makes.
import { tebraConfig, type TebraConfig } from "../config.ts";
import * as logs from "../logs.ts";
import { db } from "../platform/firebase.ts";
import { secretStore } from "../platform/secretStore.ts";
import { TebraClient } from "./client.ts";
import { SecretCredentials, type CredentialSource } from "./credentials.ts";
import { TebraError } from "./errors.ts";
import { firestoreKillSwitch, type CachedKillSwitch } from "./killSwitch.ts";
import { tebraHealth } from "./health.ts";
import {
  DEFAULT_RESILIENCE,
  sharedBreakerState,
  sharedResilience,
} from "./resilience.ts";
import { FirestoreThrottle } from "./throttle.ts";
import { parsePins, pinnedAgent } from "./tls.ts";
import { TebraTransport, checkEndpoint } from "./transport.ts";

/** A call waits at most this long for its throttle slot before it is refused. */
export const MAX_SLOT_WAIT_MS = 20_000;
/** How long the shared GetThrottles table is trusted. */
export const THROTTLE_TABLE_TTL_MS = 6 * 60 * 60_000;

let killSwitch: CachedKillSwitch | undefined;

/** The process's kill switch (also read by the health probe). */
export function sharedKillSwitch(): CachedKillSwitch {
  killSwitch ??= firestoreKillSwitch(db());
  return killSwitch;
}

function configurationError(reason: string): TebraError {
  logs.tebraAlert("configuration", null, reason);
  return new TebraError("configuration", { reason });
}

/**
 * Builds a client from parameter values. `overrides.credentials` replaces the secret
 * (a rotation checking a pending version with the deployed wiring).
 */
export function clientFromConfig(
  config: TebraConfig,
  overrides: { credentials?: CredentialSource } = {},
): TebraClient {
  let pins: string[];
  try {
    pins = parsePins(config.spkiPins);
  } catch {
    throw configurationError("spki-pins");
  }
  let endpoint: URL;
  try {
    endpoint = checkEndpoint(config.endpoint, {
      allowLoopbackHttp: config.allowLoopbackHttp,
      pins,
    });
  } catch (error) {
    throw configurationError(
      error instanceof TebraError ? (error.reason ?? "endpoint") : "endpoint",
    );
  }
  if (!/^\d{1,19}$/.test(config.practiceId) || !config.practiceName.trim()) {
    throw configurationError("practice");
  }

  return new TebraClient({
    endpoint: endpoint.href,
    practice: { id: config.practiceId, name: config.practiceName.trim() },
    timeZone: config.practiceTimeZone,
    credentials:
      overrides.credentials ??
      new SecretCredentials(secretStore(), config.credentialsSecret),
    throttle: new FirestoreThrottle(db(), {
      marginMs: config.throttleMarginMs,
      maxWaitMs: MAX_SLOT_WAIT_MS,
      tableTtlMs: THROTTLE_TABLE_TTL_MS,
    }),
    killSwitch: sharedKillSwitch(),
    resilience: sharedResilience({
      ...DEFAULT_RESILIENCE,
      timeoutMs: config.callTimeoutMs,
    }),
    httpClient: new TebraTransport({ agent: pinnedAgent({ pins }) }),
  });
}

let shared: { key: string; client: TebraClient } | undefined;

/** The process's client; call it inside a handler (it reads parameters). */
export function tebraClient(): TebraClient {
  const config = tebraConfig();
  const key = JSON.stringify(config);
  if (shared?.key !== key) shared = { key, client: clientFromConfig(config) };
  return shared.client;
}

/** The `tebra` probe of the health report. */
export const tebraProbe = tebraHealth(sharedBreakerState, sharedKillSwitch);
