// The health report: the service's version and the state of what it depends on. It holds
// no PHI and no configuration values, so it can be served without authentication.

export type DependencyStatus = "ok" | "degraded" | "down";

export interface DependencyState {
  status: DependencyStatus;
  /** A code such as a breaker state ("open"); never a message from the dependency. */
  detail?: string;
}

export interface DependencyProbe {
  name: string;
  check(): Promise<DependencyState>;
}

export interface HealthReport {
  status: DependencyStatus;
  service: string;
  version: string;
  checkedAt: string;
  dependencies: Record<string, DependencyState>;
}

const WORST: readonly DependencyStatus[] = ["ok", "degraded", "down"];

async function probeSafely(probe: DependencyProbe, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DependencyState>((resolve) => {
    timer = setTimeout(() => resolve({ status: "down", detail: "timeout" }), timeoutMs);
  });
  try {
    return await Promise.race([
      probe.check().catch((): DependencyState => ({ status: "down", detail: "error" })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function healthReport(
  probes: readonly DependencyProbe[],
  identity: { service: string; version: string },
  now: () => Date = () => new Date(),
  timeoutMs = 2000,
): Promise<HealthReport> {
  const states = await Promise.all(probes.map((probe) => probeSafely(probe, timeoutMs)));
  const dependencies: Record<string, DependencyState> = {};
  probes.forEach((probe, index) => (dependencies[probe.name] = states[index]!));
  const status = states.reduce<DependencyStatus>(
    (worst, state) =>
      WORST.indexOf(state.status) > WORST.indexOf(worst) ? state.status : worst,
    "ok",
  );
  return { status, ...identity, checkedAt: now().toISOString(), dependencies };
}
