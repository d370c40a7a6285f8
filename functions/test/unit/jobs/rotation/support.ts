// In-memory parts for rotation's unit tests: the secret store with the test's clock (so a
// version's age is whatever the test says), a recorder that validates and keeps events,
// alerts kept by id, and a checker that answers what the test tells it to.
import type { AuditRecorder, NewAuditEvent } from "../../../../src/audit/event.ts";
import { validateAuditEvent } from "../../../../src/audit/schema.ts";
import type { SecurityAlertDraft } from "../../../../src/incident/securityAlerts.ts";
import { alertId } from "../../../../src/incident/securityAlerts.ts";
import type {
  CheckOutcome,
  CredentialChecker,
} from "../../../../src/jobs/rotation/checker.ts";
import { SYSTEM_AGENT } from "../../../../src/jobs/rotation/deps.ts";
import type { RotationContext } from "../../../../src/jobs/rotation/lifecycle.ts";
import type { RotationSettings } from "../../../../src/jobs/rotation/settings.ts";
import { InMemorySecretStore } from "../../../../src/platform/secrets.ts";
import type { TebraCredentials } from "../../../../src/tebra/requests.ts";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const SETTINGS: RotationSettings = {
  graceMs: 24 * HOUR,
  warningDays: 75,
  alertDays: 90,
  keyRotationDays: 60,
  reencryptBatch: 100,
  secrets: {
    tebraCredentials: "tebra-credentials",
    auditSealKey: "audit-seal-key",
    fieldEncryptionKey: "field-encryption-key",
  },
};

export const CURRENT_CREDENTIAL = {
  customerKey: "local-customer-key",
  user: "local-api-user",
  password: "local-password-not-secret",
};
export const NEW_CREDENTIAL = { ...CURRENT_CREDENTIAL, user: "local-api-user-2" };

export class FakeRecorder implements AuditRecorder {
  events: NewAuditEvent[] = [];

  record(event: NewAuditEvent): Promise<string> {
    this.events.push(validateAuditEvent(event));
    return Promise.resolve(`event-${this.events.length}`);
  }

  about(entityId: string): NewAuditEvent[] {
    return this.events.filter((e) => e.entity.id === entityId);
  }
}

/** Answers per user name; counts the checks it was asked for. */
export class FakeChecker implements CredentialChecker {
  answers = new Map<string, CheckOutcome>();
  checked: string[] = [];

  check(credentials: TebraCredentials): Promise<CheckOutcome> {
    this.checked.push(credentials.user);
    return Promise.resolve(
      this.answers.get(credentials.user) ?? { kind: "ok", customerId: "4242" },
    );
  }
}

export interface Rig {
  clock: { now: number };
  store: InMemorySecretStore;
  recorder: FakeRecorder;
  alerts: Map<string, SecurityAlertDraft>;
  checker: FakeChecker;
  ctx: RotationContext;
}

export function rig(): Rig {
  const clock = { now: Date.parse("2026-01-05T15:00:00Z") };
  const now = () => clock.now;
  const store = new InMemorySecretStore(() => new Date(clock.now));
  const recorder = new FakeRecorder();
  const alerts = new Map<string, SecurityAlertDraft>();
  const checker = new FakeChecker();
  return {
    clock,
    store,
    recorder,
    alerts,
    checker,
    ctx: {
      store,
      settings: SETTINGS,
      now,
      trail: {
        recorder,
        alert: (draft) => {
          const id = alertId(draft.rule, draft.subjectUid, draft.bucket);
          alerts.set(id, draft);
          return Promise.resolve(id);
        },
        agent: SYSTEM_AGENT,
        source: { function: "credentialRotation", requestId: "unit" },
        now,
      },
    },
  };
}
