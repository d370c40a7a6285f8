// Wiring only: every deployed function is exported here and defined in its own module.
import "./options.ts";

export { health } from "./health/function.ts";
export { whoami } from "./identity/whoami.ts";
export { setUserRole } from "./identity/setUserRole.ts";
export { openBreakGlass } from "./identity/openBreakGlass.ts";
export {
  auditConfigChanges,
  auditScheduleChanges,
  auditUserChanges,
  auditVisitChanges,
} from "./audit/triggers.ts";
export { auditDailyReview, auditSealer } from "./audit/schedules.ts";
export {
  getComplianceReport,
  queryAuditEvents,
  verifyAuditTrail,
} from "./audit/callables.ts";
export { anomalyScan } from "./jobs/anomaly/function.ts";
export { purgeExpiredData } from "./jobs/retention/function.ts";
export { backupFirestore } from "./jobs/backup/function.ts";
export { dailyScheduleSync } from "./jobs/sync/function.ts";
export { syncSchedule } from "./jobs/sync/callable.ts";
export { credentialRotation } from "./jobs/rotation/function.ts";
export { rotateCredentials } from "./jobs/rotation/callable.ts";
export { endLockdown, startLockdown } from "./incident/functions.ts";
export {
  cancelAppointment,
  createAppointment,
  getAppointment,
  getPatient,
  getPractice,
  getProviders,
  getSchedule,
  getServiceLocations,
  moveAppointment,
  searchPatients,
} from "./phi/callables.ts";
export { api } from "./http/api/function.ts";
