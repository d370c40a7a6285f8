// Credential rotation's settings: how long a replaced version keeps working, when a
// version is old enough to warn and to alert, and how often the backend's own keys turn
// over. Read inside a handler only.
import { defineInt } from "firebase-functions/params";
import { z } from "zod";
import { accessConfig, auditConfig, tebraConfig } from "../../config.ts";

const graceHours = defineInt("CREDENTIAL_GRACE_HOURS", {
  default: 24,
  description:
    "A replaced version stays enabled this long after the switch (every instance reads " +
    "the new one within SECRET_CACHE_SECONDS), then it is disabled",
});

const warningDays = defineInt("CREDENTIAL_WARNING_DAYS", {
  default: 75,
  description: "A current credential or key older than this logs a warning",
});

const alertDays = defineInt("CREDENTIAL_ALERT_DAYS", {
  default: 90,
  description: "A current credential or key older than this raises a security alert",
});

const keyRotationDays = defineInt("KEY_ROTATION_DAYS", {
  default: 60,
  description:
    "The backend's own keys (audit seal, field encryption) get a new version at this age",
});

export interface RotationSettings {
  graceMs: number;
  warningDays: number;
  alertDays: number;
  keyRotationDays: number;
  /** Documents re-encrypted per run at most (a run must fit in its timeout). */
  reencryptBatch: number;
  /** The secrets rotation manages, by their role. */
  secrets: ManagedSecrets;
}

export interface ManagedSecrets {
  tebraCredentials: string;
  auditSealKey: string;
  fieldEncryptionKey: string;
}

const DAY_MS = 86_400_000;

const schema = z
  .object({
    graceMs: z
      .number()
      .int()
      .min(15 * 60_000)
      .max(30 * DAY_MS),
    warningDays: z.number().int().min(1).max(3650),
    alertDays: z.number().int().min(1).max(3650),
    keyRotationDays: z.number().int().min(1).max(3650),
    reencryptBatch: z.number().int().min(1).max(100_000),
    secrets: z.object({
      tebraCredentials: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/),
      auditSealKey: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/),
      fieldEncryptionKey: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/),
    }),
  })
  .refine((s) => s.warningDays < s.alertDays, { message: "warning before alert" });

export class RotationSettingsError extends Error {
  override name = "RotationSettingsError";
}

export function checkRotationSettings(settings: RotationSettings): RotationSettings {
  const result = schema.safeParse(settings);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new RotationSettingsError(
      `rotation settings: ${issue?.path.join(".") || "(settings)"} ${issue?.message ?? ""}`,
    );
  }
  return settings;
}

export function rotationSettings(): RotationSettings {
  return checkRotationSettings({
    graceMs: (graceHours.value() || 24) * 3_600_000,
    warningDays: warningDays.value() || 75,
    alertDays: alertDays.value() || 90,
    keyRotationDays: keyRotationDays.value() || 60,
    reencryptBatch: 5_000,
    secrets: {
      tebraCredentials: tebraConfig().credentialsSecret,
      auditSealKey: auditConfig().sealKeySecret,
      fieldEncryptionKey: accessConfig().fieldEncryptionKeySecret,
    },
  });
}
