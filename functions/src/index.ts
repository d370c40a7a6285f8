// Wiring only: every deployed function is exported here and defined in its own module.
import "./options.ts";

export { health } from "./health/function.ts";
export { whoami } from "./identity/whoami.ts";
export { auditUserChanges } from "./audit/userTrigger.ts";
