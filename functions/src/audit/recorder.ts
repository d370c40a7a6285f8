// The audit writer every function calls. One event is one new document in `auditEvents`,
// written with `create` and Firestore's commit time, so nothing is ever overwritten and
// no other document is touched per event (no counter, no chain head: see the sealer).
// `record` resolves only once the event is stored; the caller returns PHI after that.
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import * as logs from "../logs.ts";
import type { CloudLoggingClient } from "../platform/cloudLogging.ts";
import { highSeverityEventEntry, AUDIT_LOG_NAME } from "./auditLog.ts";
import { AUDIT_EVENTS } from "./collections.ts";
import type { AuditRecorder, NewAuditEvent, RecordOptions } from "./event.ts";
import { IDENTIFIER, InvalidAuditEventError, validateAuditEvent } from "./schema.ts";
import { AUDIT_SHARD_COUNT, shardOf } from "./shard.ts";

const ALREADY_EXISTS = 6;

export interface RecorderOptions {
  /** Where high-severity events also go at once; absent, they go to Firestore only. */
  log?: CloudLoggingClient;
  shardCount?: number;
}

export class FirestoreAuditRecorder implements AuditRecorder {
  private readonly db: Firestore;
  private readonly log: CloudLoggingClient | undefined;
  private readonly shardCount: number;

  constructor(db: Firestore, options: RecorderOptions = {}) {
    this.db = db;
    this.log = options.log;
    this.shardCount = options.shardCount ?? AUDIT_SHARD_COUNT;
  }

  async record(event: NewAuditEvent, options: RecordOptions = {}): Promise<string> {
    const valid = validateAuditEvent(event);
    if (options.id !== undefined && !IDENTIFIER.test(options.id)) {
      throw new InvalidAuditEventError("id");
    }
    const collection = this.db.collection(AUDIT_EVENTS);
    const ref = options.id === undefined ? collection.doc() : collection.doc(options.id);

    try {
      await ref.create({
        ...valid,
        shard: shardOf(ref.id, this.shardCount),
        recorded: FieldValue.serverTimestamp(),
      });
    } catch (error) {
      // A second delivery of the same trigger event: the first one already wrote it.
      if ((error as { code?: unknown }).code === ALREADY_EXISTS && options.id) {
        logs.auditEventDuplicate(ref.id);
        return ref.id;
      }
      throw error;
    }
    logs.auditEventWritten(ref.id, valid.action, valid.entity.type);

    if (valid.severity === "high" && this.log) await this.copyToLog(ref.id, valid);
    return ref.id;
  }

  /** Best effort: the event is already durable in Firestore and will be sealed. */
  private async copyToLog(id: string, event: NewAuditEvent): Promise<void> {
    try {
      await this.log!.write(AUDIT_LOG_NAME, [
        highSeverityEventEntry(id, event, new Date()),
      ]);
    } catch (error) {
      logs.auditCloudLoggingFailed(
        "event",
        error instanceof Error ? error.name : "unknown",
      );
    }
  }
}
