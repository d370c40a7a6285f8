// Rotation of the keys the backend makes itself: the HMAC key that seals the audit trail
// and the AES key that encrypts sensitive fields. At KEY_ROTATION_DAYS (or when an admin
// asks) a run adds a random version and points "current" at it. Old versions stay enabled
// because data names the version it was sealed or encrypted with:
//
// - audit seal key: old versions are never disabled. The audit trail is kept for good and
//   the verifier re-checks every seal with the version the seal names; a disabled version
//   would make its seals unverifiable. (A version costs cents a month.)
// - field key: an old version is disabled only after its grace period AND a complete
//   re-encryption pass (reencrypt.ts) finds no field left under it. Disabling is
//   reversible (enableVersion); versions are never destroyed by this job.
import { randomBytes } from "node:crypto";
import type { Firestore } from "firebase-admin/firestore";
import { FieldCipher, newFieldKey } from "../../crypto/fieldCipher.ts";
import * as logs from "../../logs.ts";
import {
  ageDays,
  checkAge,
  currentVersion,
  disableRetired,
  iso,
  retire,
  CURRENT,
  type RotationContext,
  type RotationOutcome,
} from "./lifecycle.ts";
import { reencryptVersion } from "./reencrypt.ts";
import type { RotationState } from "./state.ts";
import { recordStep } from "./trail.ts";

export type GeneratedKeyKind = "audit-seal-key" | "field-encryption-key";

export interface GeneratedKeyOptions {
  kind: GeneratedKeyKind;
  /** Rotate now, whatever the key's age. */
  force: boolean;
  /** Field key only: where to re-encrypt. */
  reencryption?: { db: Firestore; practiceId: string };
}

/** A new key value in the form each reader expects. */
export function newKeyValue(kind: GeneratedKeyKind): string {
  // SealKeys uses the text as the HMAC key; the FieldCipher decodes 32 bytes of base64.
  return kind === "audit-seal-key"
    ? randomBytes(32).toString("base64url")
    : newFieldKey();
}

async function addCurrentVersion(
  ctx: RotationContext,
  state: RotationState,
  kind: GeneratedKeyKind,
  reason: string,
): Promise<string> {
  const version = await ctx.store.addVersion(state.secret, newKeyValue(kind));
  await ctx.store.setAlias(state.secret, CURRENT, version);
  await recordStep(ctx.trail, {
    action: "create",
    secret: state.secret,
    version,
    fields: ["value", "alias.current"],
    reason,
  });
  return version;
}

export async function rotateGeneratedKey(
  ctx: RotationContext,
  state: RotationState,
  options: GeneratedKeyOptions,
): Promise<RotationOutcome> {
  const secret = state.secret;
  let versions = await ctx.store.listVersions(secret);
  if (!versions.some((v) => v.state === "enabled")) {
    // No key yet (a new project): make the first one rather than wait for a reader to.
    const version = await addCurrentVersion(ctx, state, options.kind, "first-key");
    state.currentVersion = version;
    state.promotedAt = iso(ctx.now());
    logs.keyRotated(secret, version, null);
    return { secret, status: "created", version, previousVersion: null };
  }

  const current = (await currentVersion(ctx, state, versions))!;
  let status = "unchanged";
  let previousVersion: string | null = null;
  const inUse = versions.find((v) => v.version === current);
  const due =
    inUse !== undefined && ageDays(inUse, ctx.now()) >= ctx.settings.keyRotationDays;
  if (options.force || due) {
    const version = await addCurrentVersion(
      ctx,
      state,
      options.kind,
      options.force ? "asked" : "age",
    );
    if (options.kind === "field-encryption-key") retire(ctx, state, current);
    state.currentVersion = version;
    state.promotedAt = iso(ctx.now());
    previousVersion = current;
    status = "rotated";
    logs.keyRotated(secret, version, current);
    versions = await ctx.store.listVersions(secret);
  }

  if (options.kind === "field-encryption-key" && options.reencryption) {
    await reencryptRetired(ctx, state, options.reencryption);
    await disableRetired(
      ctx,
      state,
      versions,
      (version) =>
        state.retiring.find((r) => r.version === version)?.reencrypted === true,
    );
  }

  const age = await checkAge(
    ctx,
    state,
    versions.find((v) => v.version === state.currentVersion),
  );
  if (status === "unchanged" && age !== "ok") status = `age-${age}`;
  return { secret, status, version: state.currentVersion, previousVersion };
}

/**
 * Re-encrypts the fields still under a retiring version whose grace is over (by then no
 * instance encrypts with it any more: the FieldCipher re-reads "current" every few
 * minutes). Marks the version once nothing is left under it.
 */
async function reencryptRetired(
  ctx: RotationContext,
  state: RotationState,
  where: { db: Firestore; practiceId: string },
): Promise<void> {
  // A fresh cipher: it must encrypt under the version "current" names now.
  const cipher = new FieldCipher(ctx.store, { secretName: state.secret, latestTtlMs: 0 });
  let budget = ctx.settings.reencryptBatch;
  for (const retiring of state.retiring) {
    if (retiring.reencrypted || Date.parse(retiring.until) > ctx.now() || budget <= 0)
      continue;
    const result = await reencryptVersion(
      where.db,
      cipher,
      state.secret,
      retiring.version,
      where.practiceId,
      budget,
    );
    budget -= result.rewritten;
    if (result.complete) {
      retiring.reencrypted = true;
      await recordStep(ctx.trail, {
        action: "update",
        secret: state.secret,
        version: retiring.version,
        fields: ["reencrypted"],
        severity: "normal",
      });
    }
  }
}
