// What a rotation run uses in production, built inside a handler: the process's secret
// store (Secret Manager, or the local store of a demo project), the audit recorder, a
// credential checker over Tebra, Firestore and the settings.
import type { AuditAgent } from "../../audit/event.ts";
import { auditRecorder } from "../../audit/deps.ts";
import { tebraConfig } from "../../config.ts";
import { db } from "../../platform/firebase.ts";
import { secretStore } from "../../platform/secretStore.ts";
import { productionChecker } from "./checker.ts";
import type { RotationDeps } from "./run.ts";
import { rotationSettings } from "./settings.ts";
import { firestoreAlerts, ROTATION_FUNCTION } from "./trail.ts";

export const SYSTEM_AGENT: AuditAgent = {
  uid: null,
  role: null,
  kind: "system",
  breakGlass: false,
};

export function productionRotationDeps(
  agent: AuditAgent,
  source: { function: string; requestId: string },
): RotationDeps {
  const now = Date.now;
  return {
    db: db(),
    store: secretStore(),
    checker: productionChecker(),
    settings: rotationSettings(),
    practiceId: tebraConfig().practiceId,
    now,
    trail: {
      recorder: auditRecorder(),
      alert: firestoreAlerts(db()),
      agent,
      source,
      now,
    },
  };
}

export function scheduledSource(runId: string) {
  return { function: ROTATION_FUNCTION, requestId: runId };
}
