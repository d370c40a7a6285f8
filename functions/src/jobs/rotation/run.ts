// One rotation run over the secrets the backend manages, or one of them (the callable).
// Each secret is handled under its own lease in `credentialRotation/{secret}`, and its
// state is saved whatever happens, so a failure of one secret neither blocks the others
// nor loses what was done before it.
import type { Firestore } from "firebase-admin/firestore";
import * as logs from "../../logs.ts";
import type { CredentialChecker } from "./checker.ts";
import { rotateGeneratedKey } from "./generatedKeys.ts";
import { iso, type RotationContext, type RotationOutcome } from "./lifecycle.ts";
import type { ManagedSecrets } from "./settings.ts";
import { saveState, takeState } from "./state.ts";
import { rotateTebraCredentials } from "./tebraCredentials.ts";

export const ROLES = ["tebraCredentials", "auditSealKey", "fieldEncryptionKey"] as const;
export type SecretRole = (typeof ROLES)[number];

/** Longer than a run can take; a crashed run's lease lapses by the next hour. */
export const ROTATION_LEASE_MS = 10 * 60_000;

export interface RotationDeps extends RotationContext {
  db: Firestore;
  checker: CredentialChecker;
  practiceId: string;
}

export interface RotationRequest {
  runId: string;
  trigger: "schedule" | "admin";
  /** Only these secrets (all when absent). */
  roles?: readonly SecretRole[];
  /** Rotate the backend's keys now, and test a refused Tebra version again. */
  force?: boolean;
}

export type RoleOutcome = RotationOutcome & { role: SecretRole };

function secretOf(secrets: ManagedSecrets, role: SecretRole): string {
  return secrets[role];
}

async function rotateOne(
  deps: RotationDeps,
  role: SecretRole,
  request: RotationRequest,
): Promise<RoleOutcome> {
  const secret = secretOf(deps.settings.secrets, role);
  const started = deps.now();
  const state = await takeState(
    deps.db,
    secret,
    request.runId,
    started,
    ROTATION_LEASE_MS,
  );
  if (!state)
    return { role, secret, status: "busy", version: null, previousVersion: null };

  let outcome: RotationOutcome | undefined;
  try {
    const force = request.force ?? false;
    outcome =
      role === "tebraCredentials"
        ? await rotateTebraCredentials(deps, state, {
            checker: deps.checker,
            retryRefused: force,
          })
        : await rotateGeneratedKey(deps, state, {
            kind: role === "auditSealKey" ? "audit-seal-key" : "field-encryption-key",
            force,
            ...(role === "fieldEncryptionKey" && {
              reencryption: { db: deps.db, practiceId: deps.practiceId },
            }),
          });
    logs.rotationCompleted(secret, outcome.status, deps.now() - started);
    return { role, ...outcome };
  } catch (error) {
    logs.rotationFailed(secret, error instanceof Error ? error.name : typeof error);
    throw error;
  } finally {
    state.lastRun = {
      at: iso(started),
      status: outcome?.status ?? "failed",
      trigger: request.trigger,
    };
    await saveState(deps.db, state, request.runId);
  }
}

/** Runs each requested secret; answers every outcome, then fails if any secret failed. */
export async function runRotation(
  deps: RotationDeps,
  request: RotationRequest,
): Promise<RoleOutcome[]> {
  const outcomes: RoleOutcome[] = [];
  let failure: Error | undefined;
  for (const role of request.roles ?? ROLES) {
    try {
      outcomes.push(await rotateOne(deps, role, request));
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error("rotation failed");
    }
  }
  if (failure) throw failure;
  return outcomes;
}
