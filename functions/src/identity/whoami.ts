// Callable `whoami`: who the app is signed in as, and what that session can do: the role
// and practice, whether the sign-in used a second factor, whether the role needs one for
// PHI, and when the session must sign in again. It asks for neither a second factor nor a
// fresh session, so that the app can tell the user what to do; the answer holds no PHI.
import { z } from "zod";
import { runtimeConfig } from "../config.ts";
import { callable, type OperationDefinition } from "../http/callable.ts";
import * as logs from "../logs.ts";
import type { Role } from "./caller.ts";
import { PHI_ROLES, sessionExpiresAt } from "./guard.ts";

export interface WhoamiReply {
  uid: string;
  role: Role;
  practiceId: string | null;
  secondFactor: boolean;
  /** Whether the role needs a second factor for PHI. */
  secondFactorRequired: boolean;
  /** ISO 8601, UTC. */
  authTime: string;
  sessionExpiresAt: string;
}

export const whoamiInput = z.union([z.strictObject({}), z.null(), z.undefined()]);

export const whoamiOperation: OperationDefinition<typeof whoamiInput, WhoamiReply> = {
  name: "whoami",
  input: whoamiInput,
  handle(_input, { caller, audit }) {
    audit.entityId = caller.uid;
    logs.callerDescribed(caller.uid, caller.role);
    const expires = sessionExpiresAt(
      caller.authTime,
      runtimeConfig().maxSessionAgeMinutes,
    );
    return Promise.resolve({
      uid: caller.uid,
      role: caller.role,
      practiceId: caller.practiceId,
      secondFactor: caller.secondFactor,
      secondFactorRequired: PHI_ROLES.includes(caller.role),
      authTime: new Date(caller.authTime * 1000).toISOString(),
      sessionExpiresAt: new Date(expires * 1000).toISOString(),
    });
  },
};

export const whoami = callable(whoamiOperation);
