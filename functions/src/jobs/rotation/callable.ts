// Callable `rotateCredentials` (admins): runs a rotation of one secret now, through the
// shared wrapper (second factor, fresh session, one audit event for the call; each step is
// audited as well). For the Tebra credential it tests the pending version a person added
// (and tests again one Tebra refused before); for the backend's own keys it adds a new
// version at once.
import { HttpsError } from "firebase-functions/https";
import { z } from "zod";
import type { AuditAgent } from "../../audit/event.ts";
import { callable, type OperationDefinition } from "../../http/callable.ts";
import { productionRotationDeps } from "./deps.ts";
import { runRotation, ROLES, type RotationDeps } from "./run.ts";

/** Outcomes that moved "current". */
const CHANGED = new Set(["promoted", "rotated", "created"]);

export const rotateCredentialsInput = z.strictObject({
  secret: z.enum(ROLES),
});

export interface RotateCredentialsReply {
  secret: string;
  status: string;
  version: string | null;
  previousVersion: string | null;
  startedAt: string;
}

export function rotateCredentialsOperation(
  deps: (agent: AuditAgent, requestId: string) => RotationDeps = (agent, requestId) =>
    productionRotationDeps(agent, { function: "rotateCredentials", requestId }),
): OperationDefinition<typeof rotateCredentialsInput, RotateCredentialsReply> {
  return {
    name: "rotateCredentials",
    input: rotateCredentialsInput,
    async handle(input, { caller, requestId, now, audit }) {
      const agent: AuditAgent = {
        uid: caller.uid,
        role: caller.role,
        kind: "user",
        breakGlass: false,
        identifiedBy: "token",
      };
      const d = deps(agent, requestId);
      const [outcome] = await runRotation(d, {
        runId: `admin-${requestId}`,
        trigger: "admin",
        roles: [input.secret],
        force: true,
      });
      if (!outcome) throw new HttpsError("internal", "Internal error");
      if (outcome.status === "busy") {
        throw new HttpsError("aborted", "A rotation of this secret is already running", {
          reason: "rotation-running",
        });
      }
      audit.entityId = outcome.secret;
      if (CHANGED.has(outcome.status)) audit.fieldsWritten.push("alias.current");
      return {
        secret: outcome.secret,
        status: outcome.status,
        version: outcome.version,
        previousVersion: outcome.previousVersion,
        startedAt: now.toISOString(),
      };
    },
  };
}

export const rotateCredentials = callable(rotateCredentialsOperation());
