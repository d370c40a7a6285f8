// Cloud Logging through one small interface: the audit trail writes its seals and its
// high-severity events here, a second system that someone with access to the database
// cannot rewrite (route the log to a bucket with locked retention, see docs/audit.md).
// Production uses @google-cloud/logging; the emulator and the tests use the local
// implementation below, because Cloud Logging has no local server. The real client's
// requests are proven by a contract test against a local gRPC LoggingServiceV2.
import { Logging } from "@google-cloud/logging";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { inEmulator } from "../config.ts";

export type LogSeverity = "DEBUG" | "INFO" | "NOTICE" | "WARNING" | "ERROR" | "ALERT";

export interface LogEntryInput {
  severity: LogSeverity;
  /** When the entry happened; now when absent. */
  timestamp?: Date;
  labels?: Record<string, string>;
  /** Written as the entry's jsonPayload: JSON values only. */
  payload: Record<string, unknown>;
}

export interface LogEntryRecord {
  severity: string;
  timestamp: Date;
  labels: Record<string, string>;
  payload: Record<string, unknown>;
}

export interface LogQuery {
  /** Entries whose timestamp lies in [from, to]. */
  from: Date;
  to: Date;
  /** Equality on top-level payload fields; identifiers and numbers only. */
  payload?: Record<string, string | number>;
  /** When present, an entry must also match one of these groups (each as `payload`). */
  anyOf?: ReadonlyArray<Record<string, string | number>>;
}

export interface CloudLoggingClient {
  /** Appends entries to the named log of this project; resolves once accepted. */
  write(logName: string, entries: readonly LogEntryInput[]): Promise<void>;
  /** The named log's entries matching the query, oldest first. */
  read(logName: string, query: LogQuery): Promise<LogEntryRecord[]>;
}

const LOG_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const FILTER_VALUE = /^[A-Za-z0-9_.:=+-]{1,160}$/;

/** Cloud Logging refuses entries over 256 KB; we refuse them first, loudly. */
export const MAX_ENTRY_BYTES = 200_000;

function checkSizes(entries: readonly LogEntryInput[]): void {
  for (const entry of entries) {
    if (Buffer.byteLength(JSON.stringify(entry.payload)) > MAX_ENTRY_BYTES) {
      throw new RangeError("log entry too large");
    }
  }
}

function checkLogName(logName: string): void {
  if (!LOG_NAME.test(logName)) throw new RangeError("invalid log name");
}

type Equalities = Readonly<Record<string, string | number>>;

function matches(
  payload: Record<string, unknown>,
  wanted: Equalities | undefined,
): boolean {
  return Object.entries(wanted ?? {}).every(([key, value]) => payload[key] === value);
}

function matchesQuery(payload: Record<string, unknown>, query: LogQuery): boolean {
  if (!matches(payload, query.payload)) return false;
  return !query.anyOf || query.anyOf.some((group) => matches(payload, group));
}

/** `jsonPayload.a="x" AND jsonPayload.b=2` for the API's filter language. */
function filterClauses(wanted: Equalities): string[] {
  return Object.entries(wanted).map(([key, value]) => {
    if (!LOG_NAME.test(key)) throw new RangeError("invalid payload field in filter");
    if (typeof value === "number" && Number.isFinite(value)) {
      return `jsonPayload.${key}=${value}`;
    }
    if (typeof value === "string" && FILTER_VALUE.test(value)) {
      return `jsonPayload.${key}="${value}"`;
    }
    throw new RangeError("invalid payload value in filter");
  });
}

/** The Cloud Logging API through @google-cloud/logging. */
export class GoogleCloudLogging implements CloudLoggingClient {
  private readonly logging: Logging;
  private readonly projectId: string;
  private readonly resource: { type: string; labels: Record<string, string> };

  /** `clientOptions` reach the Logging client (the contract test points it at loopback). */
  constructor(projectId: string, clientOptions: Record<string, unknown> = {}) {
    this.projectId = projectId;
    this.logging = new Logging({ projectId, ...clientOptions });
    // Naming the resource spares the client a metadata-server lookup on first write.
    this.resource = { type: "global", labels: { project_id: projectId } };
  }

  async write(logName: string, entries: readonly LogEntryInput[]): Promise<void> {
    checkLogName(logName);
    if (entries.length === 0) return;
    checkSizes(entries);
    const log = this.logging.log(logName);
    const prepared = entries.map((entry) =>
      log.entry(
        {
          severity: entry.severity,
          timestamp: entry.timestamp ?? new Date(),
          labels: entry.labels ?? {},
          resource: this.resource,
        },
        entry.payload,
      ),
    );
    // The client adds its own diagnostic entry to its first write and then asks for a
    // partial success; the API still fails the call when one of our entries is refused.
    await log.write(prepared, { resource: this.resource });
  }

  async read(logName: string, query: LogQuery): Promise<LogEntryRecord[]> {
    checkLogName(logName);
    if (query.anyOf?.length === 0) return [];
    const clauses = [
      `logName="projects/${this.projectId}/logs/${logName}"`,
      `timestamp>="${query.from.toISOString()}"`,
      `timestamp<="${query.to.toISOString()}"`,
    ];
    clauses.push(...filterClauses(query.payload ?? {}));
    if (query.anyOf) {
      const groups = query.anyOf.map(
        (group) => `(${filterClauses(group).join(" AND ")})`,
      );
      clauses.push(`(${groups.join(" OR ")})`);
    }
    const [entries] = await this.logging.getEntries({
      resourceNames: [`projects/${this.projectId}`],
      filter: clauses.join(" AND "),
      orderBy: "timestamp asc",
      pageSize: 1000,
    });
    return entries.map((entry) => ({
      severity: String(entry.metadata.severity ?? "DEFAULT"),
      timestamp: toDate(entry.metadata.timestamp),
      labels: { ...(entry.metadata.labels ?? {}) },
      payload: (entry.data ?? {}) as Record<string, unknown>,
    }));
  }
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string") return new Date(value);
  const { seconds, nanos } = (value ?? {}) as { seconds?: unknown; nanos?: unknown };
  return new Date(Number(seconds ?? 0) * 1000 + Number(nanos ?? 0) / 1e6);
}

interface StoredLine {
  logName: string;
  severity: string;
  timestamp: string;
  labels: Record<string, string>;
  payload: Record<string, unknown>;
}

/**
 * A local stand-in: entries in memory, or appended as JSON lines to a file when one is
 * named, so that every function worker of one emulator run sees the same log.
 */
export class LocalCloudLogging implements CloudLoggingClient {
  private readonly file: string | undefined;
  private readonly memory: StoredLine[] = [];

  constructor(file?: string) {
    this.file = file;
  }

  async write(logName: string, entries: readonly LogEntryInput[]): Promise<void> {
    checkLogName(logName);
    checkSizes(entries);
    const lines: StoredLine[] = entries.map((entry) => ({
      logName,
      severity: entry.severity,
      timestamp: (entry.timestamp ?? new Date()).toISOString(),
      labels: { ...(entry.labels ?? {}) },
      // A JSON round trip, as the API's Struct conversion would do.
      payload: JSON.parse(JSON.stringify(entry.payload)) as Record<string, unknown>,
    }));
    if (!this.file) {
      this.memory.push(...lines);
      return;
    }
    // The file is this process's own choice (localLogFile), never a caller's input.
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    await mkdir(dirname(this.file), { recursive: true });
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    await appendFile(
      this.file,
      lines.map((line) => JSON.stringify(line) + "\n").join(""),
    );
  }

  async read(logName: string, query: LogQuery): Promise<LogEntryRecord[]> {
    checkLogName(logName);
    const from = query.from.getTime();
    const to = query.to.getTime();
    return (await this.lines())
      .filter((line) => line.logName === logName)
      .filter((line) => {
        const at = Date.parse(line.timestamp);
        return at >= from && at <= to && matchesQuery(line.payload, query);
      })
      .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp))
      .map((line) => ({
        severity: line.severity,
        timestamp: new Date(line.timestamp),
        labels: line.labels,
        payload: line.payload,
      }));
  }

  private async lines(): Promise<StoredLine[]> {
    if (!this.file) return [...this.memory];
    let text: string;
    try {
      // eslint-disable-next-line security/detect-non-literal-fs-filename
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as StoredLine);
  }
}

function projectId(): string {
  return process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT ?? "";
}

/** Where the local log of this emulator run lives: one file per project and Firestore. */
export function localLogFile(): string {
  const override = process.env.CLOUD_LOGGING_LOCAL_FILE;
  if (override) return override;
  const run = (process.env.FIRESTORE_EMULATOR_HOST ?? "default").replace(
    /[^0-9A-Za-z]/g,
    "-",
  );
  return join(
    tmpdir(),
    "tebra-bridge-cloud-logging",
    `${projectId() || "local"}-${run}.jsonl`,
  );
}

let client: CloudLoggingClient | undefined;

/** The process's client: local for the emulator and demo projects, the API otherwise. */
export function cloudLogging(): CloudLoggingClient {
  if (!client) {
    const local = inEmulator() || projectId().startsWith("demo-");
    client = local
      ? new LocalCloudLogging(localLogFile())
      : new GoogleCloudLogging(projectId());
  }
  return client;
}
