// HTTPS `health`: GET only, no authentication, no PHI. 200 when every dependency is ok or
// degraded, 503 when one is down, so an uptime check can alert on the status code alone.
import { onRequest } from "firebase-functions/https";
import { REGION, SERVICE_NAME } from "../config.ts";
import { applySecurityHeaders } from "../http/headers.ts";
import * as logs from "../logs.ts";
import { db } from "../platform/firebase.ts";
import { tebraProbe } from "../tebra/instance.ts";
import { VERSION } from "../version.ts";
import { healthReport, type DependencyProbe } from "./report.ts";

const firestoreProbe: DependencyProbe = {
  name: "firestore",
  async check() {
    await db().doc("config/runtime").get();
    return { status: "ok" };
  },
};

/** Probes other modules contribute (the Tebra circuit breaker, for one). */
export const dependencyProbes: DependencyProbe[] = [firestoreProbe, tebraProbe];

export const health = onRequest({ region: REGION, cors: false }, async (req, res) => {
  applySecurityHeaders(res);
  if (req.method !== "GET") {
    res
      .status(405)
      .set("Allow", "GET")
      .json({ error: { status: "METHOD_NOT_ALLOWED" } });
    return;
  }
  const report = await healthReport(dependencyProbes, {
    service: SERVICE_NAME,
    version: VERSION,
  });
  const failing = Object.entries(report.dependencies)
    .filter(([, state]) => state.status !== "ok")
    .map(([name]) => name);
  logs.healthChecked(report.status, failing);
  res.status(report.status === "down" ? 503 : 200).json(report);
});
