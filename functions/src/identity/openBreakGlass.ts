// Callable `openBreakGlass` (providers): opens time-boxed access to one patient outside the
// care relationship, for a reason the provider states. The grant lasts `minutes` (at most
// BREAK_GLASS_MAX_MINUTES, the maximum when omitted), raises a high-severity alert and is
// recorded as a high-severity audit event; the reply says when it expires.
import { HttpsError } from "firebase-functions/https";
import { z } from "zod";
import { accessConfig } from "../config.ts";
import { FieldCipher } from "../crypto/fieldCipher.ts";
import { callable, type OperationDefinition } from "../http/callable.ts";
import { db } from "../platform/firebase.ts";
import { secretStore } from "../platform/secretStore.ts";
import { openGrant, type BreakGlassGrant } from "./breakGlass.ts";

/** Tebra's PatientID, as a string. */
export const PATIENT_ID = /^[0-9]{1,12}$/;

export const openBreakGlassInput = z.strictObject({
  patientId: z
    .string()
    .refine((value) => PATIENT_ID.test(value), "expected a Tebra PatientID"),
  reason: z.string().trim().min(10).max(500),
  minutes: z.number().int().min(1).optional(),
});

export type OpenBreakGlassReply = Omit<BreakGlassGrant, "alertId">;

let cipher: { secretName: string; cipher: FieldCipher } | undefined;

/** One cipher per instance: it remembers key versions it has already read. */
function fieldCipher(secretName: string): FieldCipher {
  if (cipher?.secretName !== secretName) {
    cipher = { secretName, cipher: new FieldCipher(secretStore(), { secretName }) };
  }
  return cipher.cipher;
}

export const openBreakGlassOperation: OperationDefinition<
  typeof openBreakGlassInput,
  OpenBreakGlassReply
> = {
  name: "openBreakGlass",
  input: openBreakGlassInput,
  async handle(input, { caller, audit, now }) {
    const config = accessConfig();
    const minutes = input.minutes ?? config.breakGlassMaxMinutes;
    if (minutes > config.breakGlassMaxMinutes) {
      throw new HttpsError(
        "invalid-argument",
        `Invalid request: minutes: at most ${config.breakGlassMaxMinutes}`,
        { field: "minutes" },
      );
    }
    audit.patientIds.push(input.patientId);
    const grant = await openGrant(
      caller,
      { patientId: input.patientId, reason: input.reason, minutes },
      {
        firestore: db(),
        cipher: fieldCipher(config.fieldEncryptionKeySecret),
        now,
        maxMinutes: config.breakGlassMaxMinutes,
      },
    );
    audit.entityId = grant.grantId;
    audit.fieldsWritten.push("reason", "expiresAt");
    return {
      grantId: grant.grantId,
      patientId: grant.patientId,
      openedAt: grant.openedAt,
      expiresAt: grant.expiresAt,
    };
  },
};

export const openBreakGlass = callable(openBreakGlassOperation);
