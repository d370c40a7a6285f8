// The lockdown callables, `startLockdown` and `endLockdown`, defined through the callable
// wrapper: admins only, with a second factor and a fresh session (identity/policy.ts), and
// one high-severity audit event per call, whatever its outcome. During a lockdown the guard
// lets admins through, so the lockdown can always be ended.
import { callable, type OperationDefinition } from "../http/callable.ts";
import { auth, db } from "../platform/firebase.ts";
import {
  endLockdown as lift,
  endLockdownInput,
  startLockdown as engage,
  startLockdownInput,
  type LockdownEnded,
  type LockdownStarted,
} from "./lockdown.ts";

/** What the audit event names: the runtime switches and the fields the call wrote. */
const RUNTIME_ENTITY = "runtime";
const FIELDS_WRITTEN = ["tebraEnabled", "lockdown"];

export const startLockdownOperation: OperationDefinition<
  typeof startLockdownInput,
  LockdownStarted
> = {
  name: "startLockdown",
  input: startLockdownInput,
  handle(input, context) {
    context.audit.entityId = RUNTIME_ENTITY;
    context.audit.fieldsWritten.push(...FIELDS_WRITTEN);
    return engage(
      { db: db(), auth: auth(), now: context.now },
      context.caller.uid,
      input,
    );
  },
};

export const endLockdownOperation: OperationDefinition<
  typeof endLockdownInput,
  LockdownEnded
> = {
  name: "endLockdown",
  input: endLockdownInput,
  handle(input, context) {
    context.audit.entityId = RUNTIME_ENTITY;
    context.audit.fieldsWritten.push(...FIELDS_WRITTEN);
    return lift({ db: db(), auth: auth(), now: context.now }, context.caller.uid, input);
  },
};

export const startLockdown = callable(startLockdownOperation);
export const endLockdown = callable(endLockdownOperation);
