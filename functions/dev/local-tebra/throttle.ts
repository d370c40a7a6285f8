// Tebra's per-operation rate limits: the minimum interval between two calls of an operation
// on one account. Exceeding one draws the guide's message in ErrorResponse. Only accepted
// calls start a new interval; a throttled call does not push the window further out.

/** The guide's table (API notes §2), in milliseconds; operations without a limit are absent. */
export const DOCUMENTED_INTERVALS_MS: Readonly<Record<string, number>> = {
  GetAppointments: 1000,
  GetAppointment: 500,
  CreateAppointment: 500,
  UpdateAppointment: 500,
  DeleteAppointment: 500,
  GetPatient: 250,
  GetPatients: 1000,
  GetAllPatients: 5000,
  CreatePatient: 500,
  UpdatePatient: 1000,
  GetProviders: 500,
  GetPractices: 500,
  GetServiceLocations: 500,
  GetProcedureCodes: 500,
  GetEncounterDetails: 500,
  CreateEncounter: 500,
  UpdateEncounterStatus: 500,
  GetCharges: 1000,
  GetPayments: 1000,
  CreatePayment: 500,
  GetTransactions: 1000,
  GetThrottles: 5000,
  GetExternalVendors: 1000,
  SearchPatient: 250,
};

/** The table in force: the documented intervals × scale, then any explicit overrides. */
export function throttleTable(
  scale: number,
  overrides: Readonly<Record<string, number>> = {},
): Record<string, number> {
  if (!(scale >= 0)) throw new Error("rateScale must be zero or more");
  const table: Record<string, number> = {};
  for (const [operation, ms] of Object.entries(DOCUMENTED_INTERVALS_MS)) {
    table[operation] = ms * scale;
  }
  return { ...table, ...overrides };
}

export function throttleMessage(operation: string, intervalMs: number): string {
  return (
    `429: ${operation} endpoint requested more than allowed over time interval ` +
    `${Math.ceil(intervalMs)} milliseconds. Please wait to try again.`
  );
}

export class RateLimiter {
  private readonly last = new Map<string, number>();
  private readonly table: () => Readonly<Record<string, number>>;
  private readonly now: () => number;

  constructor(table: () => Readonly<Record<string, number>>, now: () => number) {
    this.table = table;
    this.now = now;
  }

  /** Records the call if it is allowed; answers the interval it broke otherwise. */
  admit(
    account: string,
    operation: string,
  ): { allowed: true } | { allowed: false; intervalMs: number } {
    const intervalMs = this.table()[operation] ?? 0;
    if (intervalMs <= 0) return { allowed: true };
    const key = `${account}\u0000${operation}`;
    const now = this.now();
    const previous = this.last.get(key);
    if (previous !== undefined && now - previous < intervalMs) {
      return { allowed: false, intervalMs };
    }
    this.last.set(key, now);
    return { allowed: true };
  }

  reset(): void {
    this.last.clear();
  }
}
