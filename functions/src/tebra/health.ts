// The `tebra` entry of the health report: this instance's circuit breaker and the kill
// switch. It never calls Tebra (a health check must not spend Tebra's rate limits).
import type { DependencyProbe, DependencyState } from "../health/report.ts";
import type { KillSwitch } from "./killSwitch.ts";
import type { BreakerState } from "./resilience.ts";

export function tebraHealth(
  breakerState: () => BreakerState,
  killSwitch: () => KillSwitch,
): DependencyProbe {
  return {
    name: "tebra",
    async check(): Promise<DependencyState> {
      let enabled: boolean;
      try {
        enabled = await killSwitch().enabled();
      } catch {
        return { status: "degraded", detail: "kill-switch-unreadable" };
      }
      if (!enabled) return { status: "degraded", detail: "switched-off" };
      const breaker = breakerState();
      if (breaker === "open" || breaker === "isolated") {
        return { status: "down", detail: "breaker-open" };
      }
      if (breaker === "half-open")
        return { status: "degraded", detail: "breaker-half-open" };
      return { status: "ok", detail: "breaker-closed" };
    },
  };
}
