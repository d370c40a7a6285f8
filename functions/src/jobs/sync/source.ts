// What the sync asks of Tebra, as a small interface over the shared client, so that the
// core can run against the real client (a local Tebra in the tests and the benchmark) and
// the calls it makes can be counted. Each method is one Tebra call; the client paces it
// under the shared throttle and retries reads.
import type { TebraClient } from "../../tebra/client.ts";
import { isTebraError } from "../../tebra/errors.ts";
import type {
  ScheduledAppointment,
  TebraPatient,
  TebraProvider,
} from "../../tebra/results.ts";

/** An instant range (ISO, UTC) for Tebra's From/ToLastModifiedDate filters. */
export interface ModifiedRange {
  from: string;
  to: string;
}

export interface ScheduleSource {
  /** The day's appointments; with `modified`, only those Tebra changed in that range. */
  appointments(day: string, modified?: ModifiedRange): Promise<ScheduledAppointment[]>;
  /** One patient, or null when Tebra has none with this id. */
  patient(patientId: string): Promise<TebraPatient | null>;
  /** The practice's patients Tebra changed in the range. */
  patientsModified(range: ModifiedRange): Promise<TebraPatient[]>;
  providers(): Promise<TebraProvider[]>;
  /** Calls made through this source so far. */
  readonly calls: number;
}

/**
 * Rows Tebra says it changed in the range. A member Tebra does not know is dropped in
 * silence (API notes §1), so a filter it ignored would return everything: the range is
 * applied again here, which costs nothing when Tebra applied it.
 */
function changedIn<T extends { lastModifiedAt: string | null }>(
  rows: T[],
  range: ModifiedRange,
): T[] {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  return rows.filter((row) => {
    const at = Date.parse(row.lastModifiedAt ?? "");
    return !Number.isFinite(at) || (at >= from && at <= to);
  });
}

export class ClientScheduleSource implements ScheduleSource {
  private readonly client: TebraClient;
  private count = 0;

  constructor(client: TebraClient) {
    this.client = client;
  }

  get calls(): number {
    return this.count;
  }

  async appointments(
    day: string,
    modified?: ModifiedRange,
  ): Promise<ScheduledAppointment[]> {
    this.count++;
    if (!modified) return this.client.getAppointments({ fromDay: day });
    const rows = await this.client.getAppointments({
      fromDay: day,
      modifiedFrom: modified.from,
      modifiedTo: modified.to,
    });
    return changedIn(rows, modified);
  }

  async patient(patientId: string): Promise<TebraPatient | null> {
    this.count++;
    try {
      return await this.client.getPatient(patientId);
    } catch (error) {
      if (isTebraError(error) && error.kind === "not-found") return null;
      throw error;
    }
  }

  async patientsModified(range: ModifiedRange): Promise<TebraPatient[]> {
    this.count++;
    const patients = await this.client.getPatients({
      modifiedFrom: range.from,
      modifiedTo: range.to,
    });
    return changedIn(patients, range);
  }

  async providers(): Promise<TebraProvider[]> {
    this.count++;
    return this.client.getProviders();
  }
}
