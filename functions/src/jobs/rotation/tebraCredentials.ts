// Rotation of Tebra's API credential. Tebra has no operation that changes a password: a
// person creates the new credential in Tebra and adds it to the secret as a new version
// (JSON {customerKey, user, password}). That version is "pending" while "current" still
// points at an older one. A run then:
//
//   1. tests the pending version against Tebra (GetCustomerIdFromKey with its values);
//   2. if Tebra accepts it for the same customer, points "current" at it: every instance
//      reads it within SECRET_CACHE_SECONDS, and the previous version stays enabled
//      through the grace period so calls already holding it still work;
//   3. if Tebra refuses it, leaves "current" alone, raises a security alert and does not
//      try that version again unless an admin asks (repeated failed sign-ins could lock the
//      Tebra user out);
//   4. disables replaced versions once their grace is over, and applies the age policy.
import { z } from "zod";
import * as logs from "../../logs.ts";
import type { SecretVersionInfo } from "../../platform/secrets.ts";
import type { TebraCredentials } from "../../tebra/requests.ts";
import type { CredentialChecker } from "./checker.ts";
import {
  checkAge,
  currentVersion,
  disableRetired,
  iso,
  retire,
  CURRENT,
  type RotationContext,
  type RotationOutcome,
} from "./lifecycle.ts";
import type { RotationState } from "./state.ts";
import { ALERT_RULES, raiseAlert, recordStep } from "./trail.ts";

/** The secret's value, as the client reads it (tebra/credentials.ts). */
const credentialsSchema = z.object({
  customerKey: z.string().trim().min(1),
  user: z.string().trim().min(1),
  password: z.string().min(1),
});

export interface TebraRotationOptions {
  checker: CredentialChecker;
  /** Test again a pending version Tebra refused before (an admin fixed it in Tebra). */
  retryRefused: boolean;
}

async function readCredentials(
  ctx: RotationContext,
  secret: string,
  version: string,
): Promise<TebraCredentials | null> {
  const { value } = await ctx.store.access(secret, version);
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = credentialsSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

async function refuse(
  ctx: RotationContext,
  state: RotationState,
  version: string,
  reason: string,
): Promise<void> {
  state.refused[version] = { at: iso(ctx.now()), reason };
  const eventId = await recordStep(ctx.trail, {
    action: "update",
    secret: state.secret,
    version,
    fields: ["alias.current"],
    outcome: "failed",
    reason,
  });
  logs.credentialRefused(state.secret, version, reason);
  await raiseAlert(
    ctx.trail,
    ALERT_RULES.refused,
    state.secret,
    version,
    eventId,
    reason,
  );
}

/** The CustomerId of the credential in use, when Tebra still accepts it. */
async function currentCustomer(
  ctx: RotationContext,
  options: TebraRotationOptions,
  secret: string,
  current: string,
): Promise<string | null> {
  try {
    const credentials = await readCredentials(ctx, secret, current);
    if (!credentials) return null;
    const outcome = await options.checker.check(credentials);
    return outcome.kind === "ok" ? outcome.customerId : null;
  } catch {
    return null;
  }
}

/** Tests a pending version and promotes it, or refuses it. Answers the run's status. */
async function tryPromotion(
  ctx: RotationContext,
  state: RotationState,
  options: TebraRotationOptions,
  current: string,
  pending: SecretVersionInfo,
): Promise<string> {
  const secret = state.secret;
  const credentials = await readCredentials(ctx, secret, pending.version);
  if (!credentials) {
    await refuse(ctx, state, pending.version, "malformed");
    return "refused";
  }

  const outcome = await options.checker.check(credentials);
  if (outcome.kind === "unavailable") {
    // Not a verdict on the credential: the next run asks again.
    await recordStep(ctx.trail, {
      action: "update",
      secret,
      version: pending.version,
      fields: ["alias.current"],
      outcome: "failed",
      reason: `tebra-${outcome.reason}`,
      severity: "normal",
    });
    return "check-unavailable";
  }
  if (outcome.kind === "refused") {
    await refuse(ctx, state, pending.version, `refused-${outcome.reason}`);
    return "refused";
  }

  const expected =
    state.customerId ?? (await currentCustomer(ctx, options, secret, current));
  if (
    expected !== null &&
    outcome.customerId !== null &&
    expected !== outcome.customerId
  ) {
    await refuse(ctx, state, pending.version, "other-customer");
    return "refused";
  }

  await ctx.store.setAlias(secret, CURRENT, pending.version);
  retire(ctx, state, current);
  state.currentVersion = pending.version;
  state.promotedAt = iso(ctx.now());
  state.customerId = outcome.customerId ?? expected;
  delete state.refused[pending.version];
  await recordStep(ctx.trail, {
    action: "update",
    secret,
    version: pending.version,
    fields: ["alias.current"],
  });
  logs.credentialPromoted(secret, pending.version, current);
  return "promoted";
}

export async function rotateTebraCredentials(
  ctx: RotationContext,
  state: RotationState,
  options: TebraRotationOptions,
): Promise<RotationOutcome> {
  const secret = state.secret;
  const versions = await ctx.store.listVersions(secret);
  const current = await currentVersion(ctx, state, versions);
  if (current === null) {
    const eventId = await recordStep(ctx.trail, {
      action: "execute",
      secret,
      version: null,
      fields: ["alias.current"],
      outcome: "failed",
      reason: "no-enabled-version",
    });
    await raiseAlert(ctx.trail, ALERT_RULES.missing, secret, null, eventId);
    return { secret, status: "missing", version: null, previousVersion: null };
  }

  let status = "unchanged";
  const pending = versions.find(
    (v) => v.state === "enabled" && Number(v.version) > Number(current),
  );
  if (pending) {
    const refusedBefore = state.refused[pending.version] !== undefined;
    status =
      refusedBefore && !options.retryRefused
        ? "pending-refused"
        : await tryPromotion(ctx, state, options, current, pending);
  }

  await disableRetired(ctx, state, versions, () => true);
  const inUse = versions.find((v) => v.version === state.currentVersion);
  const age = await checkAge(ctx, state, inUse);
  if (status === "unchanged" && age !== "ok") status = `age-${age}`;
  return {
    secret,
    status,
    version: state.currentVersion,
    previousVersion: state.retiring.at(-1)?.version ?? null,
  };
}
