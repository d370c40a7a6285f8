// The steps every managed secret shares: find the version "current" points at (adopting
// the newest one when the alias is missing), notice a switch made outside a run (an
// interrupted run, or a person with gcloud), retire replaced versions once their grace is
// over, and apply the age policy to the version in use.
import * as logs from "../../logs.ts";
import type { SecretStore, SecretVersionInfo } from "../../platform/secrets.ts";
import type { RotationSettings } from "./settings.ts";
import type { RotationState } from "./state.ts";
import { ALERT_RULES, raiseAlert, recordStep, type RotationTrail } from "./trail.ts";

export const CURRENT = "current";
const DAY_MS = 86_400_000;

export interface RotationContext {
  store: SecretStore;
  trail: RotationTrail;
  settings: RotationSettings;
  now: () => number;
}

export interface RotationOutcome {
  secret: string;
  /** What this run did: promoted, refused, rotated, created, unchanged, … */
  status: string;
  version: string | null;
  previousVersion: string | null;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The version in use. Without the alias, readers take the newest enabled version, so
 * pointing the alias there changes nothing now and stages every later version.
 */
export async function currentVersion(
  ctx: RotationContext,
  state: RotationState,
  versions: readonly SecretVersionInfo[],
): Promise<string | null> {
  const secret = state.secret;
  const aliases = await ctx.store.aliases(secret);
  let current = aliases[CURRENT] ?? null;
  if (current === null) {
    const newest = versions.find((v) => v.state === "enabled");
    if (!newest) return null;
    await ctx.store.setAlias(secret, CURRENT, newest.version);
    await recordStep(ctx.trail, {
      action: "update",
      secret,
      version: newest.version,
      fields: ["alias.current"],
      reason: "adopted",
    });
    current = newest.version;
  }

  if (state.currentVersion !== null && state.currentVersion !== current) {
    // Switched outside a run's bookkeeping: the old version gets its grace like any other.
    retire(ctx, state, state.currentVersion);
  }
  if (state.currentVersion !== current) {
    state.currentVersion = current;
    state.promotedAt = iso(ctx.now());
  }
  return current;
}

/** Puts a replaced version on its way out, enabled until the grace period is over. */
export function retire(
  ctx: RotationContext,
  state: RotationState,
  version: string,
): void {
  if (state.retiring.some((r) => r.version === version)) return;
  state.retiring.push({ version, until: iso(ctx.now() + ctx.settings.graceMs) });
}

/**
 * Disables the retiring versions whose grace is over and that `mayDisable` allows (the
 * field key waits for re-encryption). The version in use is never disabled.
 */
export async function disableRetired(
  ctx: RotationContext,
  state: RotationState,
  versions: readonly SecretVersionInfo[],
  mayDisable: (version: string) => boolean,
): Promise<string[]> {
  const disabled: string[] = [];
  const keep = [];
  for (const retiring of state.retiring) {
    const due = Date.parse(retiring.until) <= ctx.now();
    if (retiring.version === state.currentVersion) continue;
    if (!due || !mayDisable(retiring.version)) {
      keep.push(retiring);
      continue;
    }
    const info = versions.find((v) => v.version === retiring.version);
    if (info?.state === "enabled") {
      await ctx.store.disableVersion(state.secret, retiring.version);
      await recordStep(ctx.trail, {
        action: "update",
        secret: state.secret,
        version: retiring.version,
        fields: ["state"],
        reason: "grace-over",
      });
      logs.credentialVersionDisabled(state.secret, retiring.version, "grace-over");
      disabled.push(retiring.version);
    }
  }
  state.retiring = keep;
  return disabled;
}

/** Whole days since the version was added. */
export function ageDays(version: SecretVersionInfo, now: number): number {
  return Math.floor((now - version.createTime.getTime()) / DAY_MS);
}

/**
 * The age policy on the version in use: a warning (log line, audit event) past
 * `warningDays`, a security alert past `alertDays`; each once per version.
 */
export async function checkAge(
  ctx: RotationContext,
  state: RotationState,
  version: SecretVersionInfo | undefined,
): Promise<"ok" | "warning" | "alert"> {
  if (!version) return "ok";
  const days = ageDays(version, ctx.now());
  const { warningDays, alertDays } = ctx.settings;
  if (days >= alertDays) {
    if (state.ageAlertedVersion !== version.version) {
      const eventId = await recordStep(ctx.trail, {
        action: "execute",
        secret: state.secret,
        version: version.version,
        fields: ["age"],
        outcome: "failed",
        reason: "age-alert",
      });
      await raiseAlert(
        ctx.trail,
        ALERT_RULES.age,
        state.secret,
        version.version,
        eventId,
      );
      state.ageAlertedVersion = version.version;
      state.ageWarnedVersion = version.version;
    }
    return "alert";
  }
  if (days >= warningDays) {
    if (state.ageWarnedVersion !== version.version) {
      logs.credentialAgeWarning(state.secret, version.version, days);
      await recordStep(ctx.trail, {
        action: "execute",
        secret: state.secret,
        version: version.version,
        fields: ["age"],
        reason: "age-warning",
        severity: "normal",
      });
      state.ageWarnedVersion = version.version;
    }
    return "warning";
  }
  return "ok";
}
