// What the anomaly rules need from a stored audit event, read tolerantly: the trail holds
// events from several writers and versions, and one odd document must not stop the scan.
// A field that is missing or of the wrong type reads as "unknown" and the event is judged
// on what remains (an event without a user agent is the system's and no user rule applies).

export interface ScanEvent {
  id: string;
  /** The trail's commit time, milliseconds since the epoch (for the rules' buckets). */
  recordedMs: number;
  /** The same, to the microsecond Firestore keeps (for the scan's position). */
  recordedMicros: number;
  /** The acting user; null for the system, a service or an unauthenticated caller. */
  uid: string | null;
  kind: "user" | "service" | "system";
  outcome: "success" | "denied" | "failed";
  breakGlass: boolean;
  /** Patients the access disclosed or changed. */
  patientIds: readonly string[];
  /** True when the event names one record (a chart, an appointment), not a query. */
  singleRecord: boolean;
}

type Data = Record<string, unknown>;

function record(value: unknown): Data {
  return typeof value === "object" && value !== null ? (value as Data) : {};
}

/** Microseconds since the epoch of a Firestore Timestamp or a Date. */
function microsOf(value: unknown): number | null {
  if (value instanceof Date) return value.getTime() * 1000;
  const timestamp = value as { seconds?: unknown; nanoseconds?: unknown } | null;
  if (
    typeof timestamp?.seconds === "number" &&
    typeof timestamp.nanoseconds === "number"
  ) {
    return timestamp.seconds * 1_000_000 + Math.floor(timestamp.nanoseconds / 1000);
  }
  return null;
}

function kindOf(agent: Data): ScanEvent["kind"] {
  const kind = agent["kind"];
  if (kind === "user" || kind === "service") return kind;
  return "system";
}

function outcomeOf(value: unknown): ScanEvent["outcome"] {
  return value === "denied" || value === "failed" ? value : "success";
}

/** Reads a stored event; null when it has no commit time yet (not visible to a scan). */
export function readScanEvent(id: string, data: Data): ScanEvent | null {
  const recordedMicros = microsOf(data["recorded"]);
  if (recordedMicros === null) return null;
  const agent = record(data["agent"]);
  const entity = record(data["entity"]);
  const uid = typeof agent["uid"] === "string" && agent["uid"] ? agent["uid"] : null;
  const patientIds = Array.isArray(data["patientIds"])
    ? (data["patientIds"] as unknown[]).filter((p): p is string => typeof p === "string")
    : [];
  return {
    id,
    recordedMs: Math.floor(recordedMicros / 1000),
    recordedMicros,
    uid,
    kind: kindOf(agent),
    outcome: outcomeOf(data["outcome"]),
    breakGlass: agent["breakGlass"] === true,
    patientIds,
    singleRecord: typeof entity["id"] === "string" && entity["id"] !== "",
  };
}
