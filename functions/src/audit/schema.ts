// The shape every audit event must have before it is stored. The recorder refuses an event
// that does not fit, so a coding mistake that would put a name or a note into the trail
// fails the call (closed) instead of writing PHI: ids, codes and field names only.
import { z } from "zod";
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  ENTITY_TYPES,
  PURPOSES_OF_USE,
  type NewAuditEvent,
} from "./event.ts";

/** An internal id or a code: no spaces, no "@", bounded. */
export const IDENTIFIER = /^[A-Za-z0-9_.:=+-]{1,160}$/;
/** A field name, possibly dotted ("agent.uid"), or the hash of an odd one ("h:…"). */
export const FIELD_NAME = /^(?:[A-Za-z0-9_.]{1,100}|h:[0-9a-f]{32})$/;
export const MAX_FIELDS = 200;

const identifier = z.string().regex(IDENTIFIER);

const agentSchema = z.strictObject({
  uid: identifier.nullable(),
  role: identifier.nullable(),
  kind: z.enum(["user", "service", "system"]),
  ip: z
    .string()
    .regex(/^[0-9A-Fa-f:.]{2,64}$/)
    .optional(),
  // Browsers' user agents are free text but describe software, not people.
  userAgent: z
    .string()
    .max(200)
    .regex(/^[\x20-\x7E]*$/)
    .optional(),
  breakGlass: z.boolean(),
  identifiedBy: z.enum(["token", "auth-context", "flowUpdatedBy"]).optional(),
});

export const newAuditEventSchema = z.strictObject({
  action: z.enum(AUDIT_ACTIONS),
  outcome: z.enum(AUDIT_OUTCOMES),
  outcomeReason: identifier.optional(),
  agent: agentSchema,
  entity: z.strictObject({
    type: z.enum(ENTITY_TYPES),
    id: identifier.optional(),
    fields: z.array(z.string().regex(FIELD_NAME)).max(MAX_FIELDS).optional(),
  }),
  patientIds: z.array(identifier).max(1000),
  purposeOfUse: z.enum(PURPOSES_OF_USE),
  source: z.strictObject({ function: identifier, requestId: identifier }),
  severity: z.enum(["normal", "high"]),
});

/** Raised when an event does not fit the schema; names the field, never its value. */
export class InvalidAuditEventError extends Error {
  override name = "InvalidAuditEventError";
  readonly field: string;

  constructor(field: string) {
    super(`audit event rejected: ${field} is not valid`);
    this.field = field;
  }
}

/** The event without undefined members (Firestore refuses them), or a thrown error. */
export function validateAuditEvent(event: NewAuditEvent): NewAuditEvent {
  const result = newAuditEventSchema.safeParse(event);
  if (!result.success) {
    const path = result.error.issues[0]?.path.map(String).join(".") ?? "(event)";
    throw new InvalidAuditEventError(path || "(event)");
  }
  return JSON.parse(JSON.stringify(result.data)) as NewAuditEvent;
}
