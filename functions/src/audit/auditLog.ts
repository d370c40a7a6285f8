// What the audit trail writes to Cloud Logging, and how it reads seals back. One log,
// `tebra-bridge-audit`, so that a single sink can route it to a bucket with locked
// retention. Seals are logged with the time of their last event, so the verifier can find
// the copy of a seal by its shard, sequence number and time.
import type {
  CloudLoggingClient,
  LogEntryInput,
  LogEntryRecord,
} from "../platform/cloudLogging.ts";
import type { NewAuditEvent } from "./event.ts";
import { sealFromJson, sealToJson, type Seal } from "./seal.ts";

export const AUDIT_LOG_NAME = "tebra-bridge-audit";
const SEAL_KIND = "audit-seal";
const EVENT_KIND = "audit-event";

export function sealEntry(seal: Seal): LogEntryInput {
  return {
    severity: "NOTICE",
    timestamp: seal.toTime.toDate(),
    labels: { kind: SEAL_KIND, shard: String(seal.shard), seq: String(seal.seq) },
    payload: { kind: SEAL_KIND, ...sealToJson(seal) },
  };
}

export function highSeverityEventEntry(
  id: string,
  event: NewAuditEvent,
  at: Date,
): LogEntryInput {
  return {
    severity: "WARNING",
    timestamp: at,
    labels: { kind: EVENT_KIND, function: event.source.function },
    payload: { kind: EVENT_KIND, id, ...event },
  };
}

export async function logSeals(
  log: CloudLoggingClient,
  seals: readonly Seal[],
): Promise<void> {
  await log.write(AUDIT_LOG_NAME, seals.map(sealEntry));
}

export interface LoggedSeal {
  seal: Seal;
  /** The hash the sealer computed when it wrote the copy. */
  sealHash: string;
}

function toLoggedSeal(entry: LogEntryRecord): LoggedSeal | null {
  try {
    return {
      seal: sealFromJson(entry.payload),
      sealHash: String(entry.payload["sealHash"]),
    };
  } catch {
    return null;
  }
}

/** Copies of seals logged in [from, to], optionally only those of the given (shard, seq). */
export async function readLoggedSeals(
  log: CloudLoggingClient,
  from: Date,
  to: Date,
  only?: ReadonlyArray<{ shard: number; seq: number }>,
): Promise<LoggedSeal[]> {
  const groups = only ? chunks(only, FILTER_GROUPS_PER_READ) : [undefined];
  const found: LoggedSeal[] = [];
  for (const group of groups) {
    const entries = await log.read(AUDIT_LOG_NAME, {
      from,
      to,
      payload: { kind: SEAL_KIND },
      ...(group ? { anyOf: group.map(({ shard, seq }) => ({ shard, seq })) } : {}),
    });
    for (const entry of entries) {
      const logged = toLoggedSeal(entry);
      if (logged) found.push(logged);
    }
  }
  return found;
}

/** Keeps each API filter well under Cloud Logging's 20,000-character limit. */
const FILTER_GROUPS_PER_READ = 50;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function sealKey(shard: number, seq: number): string {
  return `${shard}:${seq}`;
}
