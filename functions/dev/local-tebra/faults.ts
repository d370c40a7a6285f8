// Fault injection: what the next calls of an operation (or of every operation) should suffer.
// Latency combines with the rest; of the other kinds, the first that matches decides the
// reply, a fault for the named operation before one for every operation.
import { z } from "zod";

export const FAULT_KINDS = [
  "latency",
  "soap-fault",
  "http-error",
  "malformed-xml",
  "connection-reset",
  "hang",
  "throttle",
  "invalid-credentials",
  "unknown-user",
  "not-authorized",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const faultSchema = z
  .object({
    kind: z.enum(FAULT_KINDS),
    /** An operation name, or "*" for every operation. */
    operation: z
      .string()
      .regex(/^(\*|[A-Za-z]+)$/)
      .default("*"),
    /** How many matching calls it affects; absent means until removed. */
    times: z.number().int().positive().optional(),
    /** latency: how long to wait. */
    ms: z.number().int().min(0).max(600_000).optional(),
    /** http-error: the status to answer. */
    status: z.number().int().min(400).max(599).optional(),
    /** throttle: as ErrorResponse text (HTTP 200) or as HTTP 429. */
    style: z.enum(["error-response", "http-429"]).optional(),
  })
  .strict();

export type FaultSpec = z.input<typeof faultSchema>;
export type Fault = z.output<typeof faultSchema> & { id: string };

export interface InjectedFaults {
  latencyMs: number;
  /** The fault that decides the reply, if any. */
  fault: Fault | null;
}

export class FaultController {
  private faults: (Fault & { remaining: number })[] = [];
  private nextId = 1;

  /** Adds a fault and answers its id; throws on a malformed spec. */
  inject(spec: FaultSpec): string {
    const fault = { ...faultSchema.parse(spec), id: `fault-${this.nextId++}` };
    this.faults.push({ ...fault, remaining: fault.times ?? Infinity });
    return fault.id;
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    return this.faults.map(({ remaining: _remaining, ...fault }) => fault);
  }

  /** The faults for one call of `operation`, each use counted against its `times`. */
  take(operation: string | null): InjectedFaults {
    const matching = (f: Fault) =>
      f.operation === "*" || (operation !== null && f.operation === operation);
    const specificFirst = [...this.faults].sort(
      (a, b) => Number(a.operation === "*") - Number(b.operation === "*"),
    );
    let latencyMs = 0;
    let fault: Fault | null = null;
    const used: (Fault & { remaining: number })[] = [];
    for (const f of specificFirst) {
      if (!matching(f)) continue;
      if (f.kind === "latency") {
        latencyMs += f.ms ?? 0;
        used.push(f);
      } else if (!fault) {
        fault = f;
        used.push(f);
      }
    }
    for (const f of used) f.remaining--;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return { latencyMs, fault };
  }
}
