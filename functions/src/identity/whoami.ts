// Callable `whoami`: the caller's uid and role claim. Signed-out callers get
// `unauthenticated`; the answer holds no PHI.
import { HttpsError, onCall } from "firebase-functions/https";
import { REGION } from "../config.ts";
import * as logs from "../logs.ts";
import { describeCaller, type CallerDescription } from "./caller.ts";

export const whoami = onCall({ region: REGION }, (request): CallerDescription => {
  if (!request.auth) throw new HttpsError("unauthenticated", "Sign in first");
  const caller = describeCaller(request.auth.uid, request.auth.token);
  logs.callerDescribed(caller.uid, caller.role);
  return caller;
});
