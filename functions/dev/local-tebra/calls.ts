// The call log: one record per request to the SOAP endpoint, so tests can assert how many
// calls a piece of work made ("a second sync makes at most 2 calls") and how each ended.

export type CallOutcome =
  | "ok"
  | "error-response"
  | "throttled"
  | "security"
  | "soap-fault"
  | "schema-rejected"
  | "contract-mismatch"
  | "bad-request"
  | "http-error"
  | "malformed-reply"
  | "reset"
  | "hang";

export interface CallRecord {
  seq: number;
  /** The operation the SOAPAction named, or null when it named none we serve. */
  operation: string | null;
  /** When the request arrived, ISO 8601. */
  at: string;
  durationMs: number;
  /** The HTTP status sent, or null when no reply was sent (reset, hang). */
  httpStatus: number | null;
  outcome: CallOutcome;
  /** The injected fault's kind when one decided the reply. */
  injected: string | null;
}

export class CallLog {
  private records: CallRecord[] = [];
  private seq = 0;

  add(record: Omit<CallRecord, "seq">): CallRecord {
    const stored = { ...record, seq: ++this.seq };
    this.records.push(stored);
    // A long demo must not grow without bound; tests look at far fewer.
    if (this.records.length > 10_000)
      this.records.splice(0, this.records.length - 10_000);
    return stored;
  }

  list(operation?: string): CallRecord[] {
    return this.records.filter(
      (r) => operation === undefined || r.operation === operation,
    );
  }

  count(operation?: string): number {
    return this.list(operation).length;
  }

  /** Calls per operation ("(none)" for requests that named no operation we serve). */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.records) {
      const key = r.operation ?? "(none)";
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  /** Forgets every record; numbering starts again at 1. */
  clear(): void {
    this.records = [];
    this.seq = 0;
  }
}
