// What the audit functions run on, built once per process and only when first used (never
// at module load, where parameters cannot be read). PHI callables record through
// `auditRecorder()`.
import { auditConfig } from "../config.ts";
import { cloudLogging } from "../platform/cloudLogging.ts";
import { db } from "../platform/firebase.ts";
import { secretStore } from "../platform/secretStore.ts";
import type { AuditRecorder } from "./event.ts";
import { SealKeys } from "./keys.ts";
import { FirestoreAuditRecorder } from "./recorder.ts";
import type { VerifyDeps } from "./verifier.ts";

let recorder: AuditRecorder | undefined;
const keysBySecret = new Map<string, SealKeys>();

export function auditRecorder(): AuditRecorder {
  recorder ??= new FirestoreAuditRecorder(db(), { log: cloudLogging() });
  return recorder;
}

/** The seal keys; kept per process so that a version once read is not read again. */
export function sealKeys(): SealKeys {
  const secret = auditConfig().sealKeySecret;
  let keys = keysBySecret.get(secret);
  if (!keys) {
    keys = new SealKeys(secretStore(), secret);
    keysBySecret.set(secret, keys);
  }
  return keys;
}

/** What the sealer and the verifier need. */
export function trailDeps(): VerifyDeps {
  return { db: db(), keys: sealKeys(), log: cloudLogging() };
}
