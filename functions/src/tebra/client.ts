// The Tebra client: one typed method per operation the backend uses. Every call goes the
// same way:
//
//   kill switch → credentials → [retry (reads) → breaker → node-soap ready → throttle slot
//   → timeout → send] → reply checked (classify.ts) → payload mapped (results.ts)
//
// and fails only with a TebraError (an HttpsError with a fixed message, see errors.ts).
// Nothing here logs a value from a request or a reply: only operations, kinds, codes,
// counts and durations (logs.ts).
import { BrokenCircuitError, TaskCancelledError } from "cockatiel";
import type { Client } from "soap";
import { parseInput } from "../errors.ts";
import * as logs from "../logs.ts";
import { VERSION } from "../version.ts";
import { checkResponseBase, classifyFault, classifyNetworkError } from "./classify.ts";
import type { CredentialSource } from "./credentials.ts";
import {
  clinicDayWindow,
  parseClinicDay,
  TebraDateError,
  toListInstant,
} from "./dates.ts";
import { KIND_TRAITS, TebraError, isTebraError } from "./errors.ts";
import type { KillSwitch } from "./killSwitch.ts";
import { OPERATION_TRAITS, type Operation } from "./operations.ts";
import * as build from "./requests.ts";
import type { Resilience } from "./resilience.ts";
import * as results from "./results.ts";
import { ThrottleStoreError, type Throttle } from "./throttle.ts";
import { createSoapClient } from "./wsdl.ts";
import {
  appointmentsQuery,
  appointmentStatus,
  newAppointment,
  patientsQuery,
  tebraId,
  type AppointmentsQuery,
  type NewAppointmentInput,
  type PatientsQuery,
} from "./inputs.ts";

export interface TebraClientOptions {
  /** Checked by transport.checkEndpoint before it gets here. */
  endpoint: string;
  practice: build.Practice;
  /** The practice's IANA time zone. */
  timeZone: string;
  credentials: CredentialSource;
  throttle: Throttle;
  killSwitch: KillSwitch;
  resilience: Resilience;
  /** node-soap's HTTP client: a TebraTransport, or a test's. */
  httpClient: object;
  wsdlPath?: string;
  clientVersion?: string;
  now?: () => number;
}

type Members = Record<string, unknown>;
type SoapMethod = (args: Members, options: object) => Promise<[unknown, ...unknown[]]>;

function textOf(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The longest list window the client asks for (wide ranges fault at Tebra). */
export const MAX_APPOINTMENT_DAYS = 7;

/** AppointmentUpdate built from what GetAppointment returned: Update replaces, so every
 *  member is carried across (a missing PatientCaseId would drop the case link). */
export function appointmentUpdateFrom(
  record: results.AppointmentRecord,
): build.AppointmentUpdate {
  if (!record.patientId || !record.serviceLocationId) {
    throw new TebraError("contract", {
      operation: "GetAppointment",
      reason: "incomplete",
    });
  }
  return {
    appointmentId: record.appointmentId,
    patientId: record.patientId,
    serviceLocationId: record.serviceLocationId,
    status: record.status,
    startTime: record.startTime,
    endTime: record.endTime,
    mode: record.mode,
    name: record.name,
    reasonId: record.reasonId,
    insurancePolicyAuthorizationId: record.insurancePolicyAuthorizationId,
    isRecurring: record.isRecurring,
    maxAttendees: record.maxAttendees,
    notes: record.notes,
    occurrenceId: record.occurrenceId,
    patientCaseId: record.patientCaseId,
    providerId: record.providerId,
    resourceId: record.resourceId,
    resourceIds: record.resourceIds,
  };
}

export class TebraClient {
  private readonly options: TebraClientOptions;
  private readonly clientVersion: string;
  private readonly now: () => number;
  private soap: Promise<Client> | undefined;
  private lastTableRefresh = -Infinity;

  constructor(options: TebraClientOptions) {
    this.options = options;
    this.clientVersion = options.clientVersion ?? `tebra-bridge/${VERSION}`;
    this.now = options.now ?? (() => Date.now());
  }

  get practice(): build.Practice {
    return this.options.practice;
  }

  get timeZone(): string {
    return this.options.timeZone;
  }

  // ---- Schedule ---------------------------------------------------------------------------

  /** The appointments of one clinic day (or up to a week of them), in start order. */
  async getAppointments(
    query: AppointmentsQuery,
  ): Promise<results.ScheduledAppointment[]> {
    const q = parseInput(appointmentsQuery, query);
    const zone = this.options.timeZone;
    const toDay = q.toDay ?? q.fromDay;
    let from: string, to: string;
    try {
      const first = parseClinicDay(q.fromDay, zone);
      const last = parseClinicDay(toDay, zone);
      const days = last.diff(first, "days").days;
      if (days < 0 || days >= MAX_APPOINTMENT_DAYS) {
        throw new TebraError("invalid-request", { reason: "window" });
      }
      from = clinicDayWindow(q.fromDay, zone).start;
      to = clinicDayWindow(toDay, zone).end;
    } catch (error) {
      if (error instanceof TebraDateError || isTebraError(error)) {
        throw new TebraError("invalid-request", {
          operation: "GetAppointments",
          reason: "days",
        });
      }
      throw error;
    }
    const result = await this.call(
      "GetAppointments",
      (header) =>
        build.getAppointments(header, this.practice, {
          startDate: from,
          endDate: to,
          ...(q.resourceName !== undefined && { resourceName: q.resourceName }),
          ...(q.patientId !== undefined && { patientId: q.patientId }),
          ...(q.confirmationStatus !== undefined && {
            confirmationStatus: q.confirmationStatus,
          }),
          ...(q.modifiedFrom !== undefined && {
            modifiedFrom: toListInstant(q.modifiedFrom),
          }),
          ...(q.modifiedTo !== undefined && { modifiedTo: toListInstant(q.modifiedTo) }),
        }),
      (r) => results.listOf(r["Appointments"], "AppointmentData").length,
    );
    const { appointments, skipped } = results.appointmentsFrom(result, zone, {
      from: q.fromDay,
      to: toDay,
    });
    if (skipped.unreadable > 0) {
      logs.tebraRowsSkipped("GetAppointments", skipped.unreadable, "unreadable-date");
    }
    return appointments;
  }

  /** One appointment by id, or `not-found`. */
  async getAppointment(appointmentId: string): Promise<results.AppointmentRecord> {
    const id = parseInput(tebraId, appointmentId);
    const result = await this.call("GetAppointment", (h) => build.getAppointment(h, id));
    return this.record("GetAppointment", result, true);
  }

  /** Creates an appointment. Never retried: after a timeout, look before trying again. */
  async createAppointment(
    input: NewAppointmentInput,
  ): Promise<results.AppointmentRecord> {
    const appointment = parseInput(newAppointment, input);
    const result = await this.call("CreateAppointment", (h) =>
      build.createAppointment(h, this.practice, appointment),
    );
    return this.record("CreateAppointment", result, false);
  }

  /** Replaces an appointment with `update` (see appointmentUpdateFrom). Never retried. */
  async updateAppointment(
    update: build.AppointmentUpdate,
  ): Promise<results.AppointmentRecord> {
    parseInput(tebraId, update.appointmentId);
    parseInput(tebraId, update.patientId);
    parseInput(tebraId, update.serviceLocationId);
    parseInput(appointmentStatus, update.status);
    const result = await this.call("UpdateAppointment", (h) =>
      build.updateAppointment(h, update),
    );
    return this.record("UpdateAppointment", result, false);
  }

  /** Reads the appointment, then writes it back with another status (two calls). */
  async setAppointmentStatus(
    appointmentId: string,
    next: build.AppointmentStatus,
  ): Promise<results.AppointmentRecord> {
    parseInput(appointmentStatus, next);
    const current = await this.getAppointment(appointmentId);
    return this.updateAppointment({ ...appointmentUpdateFrom(current), status: next });
  }

  // ---- Patients ---------------------------------------------------------------------------

  /** One patient by PatientID, or `not-found`. */
  async getPatient(patientId: string): Promise<results.TebraPatient> {
    const id = parseInput(tebraId, patientId);
    const result = await this.call("GetPatient", (h) => build.getPatient(h, id));
    const patient = results.patientFrom(result["Patient"], this.options.timeZone);
    if (!patient) throw new TebraError("not-found", { operation: "GetPatient" });
    return patient;
  }

  /** Patients of the practice matching a name and/or a date of birth. */
  async getPatients(query: PatientsQuery): Promise<results.TebraPatient[]> {
    const q = parseInput(patientsQuery, query);
    const result = await this.call(
      "GetPatients",
      (h) =>
        build.getPatients(h, this.practice, {
          ...(q.firstName !== undefined && { firstName: q.firstName }),
          ...(q.lastName !== undefined && { lastName: q.lastName }),
          ...(q.dateOfBirth !== undefined && { dateOfBirth: q.dateOfBirth }),
          ...(q.modifiedFrom !== undefined && {
            modifiedFrom: toListInstant(q.modifiedFrom),
          }),
          ...(q.modifiedTo !== undefined && { modifiedTo: toListInstant(q.modifiedTo) }),
        }),
      (r) => results.listOf(r["Patients"], "PatientData").length,
    );
    return results.patientsFrom(result, this.options.timeZone);
  }

  // ---- Reference data ---------------------------------------------------------------------

  async getProviders(): Promise<results.TebraProvider[]> {
    const result = await this.call(
      "GetProviders",
      (h) => build.getProviders(h, this.practice),
      (r) => results.listOf(r["Providers"], "ProviderData").length,
    );
    return results.providersFrom(result);
  }

  async getPractices(): Promise<results.TebraPractice[]> {
    const result = await this.call(
      "GetPractices",
      (h) => build.getPractices(h, this.practice),
      (r) => results.listOf(r["Practices"], "PracticeData").length,
    );
    return results.practicesFrom(result);
  }

  async getServiceLocations(): Promise<results.TebraServiceLocation[]> {
    const result = await this.call(
      "GetServiceLocations",
      (h) => build.getServiceLocations(h, this.practice),
      (r) => results.listOf(r["ServiceLocations"], "ServiceLocationData").length,
    );
    return results.serviceLocationsFrom(result);
  }

  /** Tebra's intervals in force, applied to (and shared by) the throttle. */
  async getThrottles(
    options: { slotTaken?: boolean } = {},
  ): Promise<results.ThrottleEntry[]> {
    const result = await this.call(
      "GetThrottles",
      (h) => build.getThrottles(h),
      undefined,
      {
        slotTaken: options.slotTaken ?? false,
      },
    );
    const entries = results.throttlesFrom(result);
    const table = await this.options.throttle.useTable(entries);
    logs.tebraThrottleTableRefreshed(entries.length, Object.keys(table.intervals).length);
    return entries;
  }

  /** A PHI-free check that the credentials work (GetCustomerIdFromKey). */
  /**
   * A PHI-free check that credentials work (GetCustomerIdFromKey): the source's, or a
   * `candidate` (a rotation testing a pending secret version). A refused candidate neither
   * drops the source's cache nor raises `tebra.alert`: the caller records and alerts.
   */
  async checkCredentials(
    candidate?: build.TebraCredentials,
  ): Promise<results.CustomerIdCheck> {
    const result = await this.call(
      "GetCustomerIdFromKey",
      (_h, credentials) => build.getCustomerIdFromKey(credentials),
      undefined,
      candidate ? { credentials: candidate } : {},
    );
    const check = results.customerIdFrom(result);
    if (!check.isAuthorized) {
      const error = new TebraError("credentials", {
        operation: "GetCustomerIdFromKey",
        reason: "not-authorized-key",
      });
      this.failed(error, 1, this.now(), candidate !== undefined);
      throw error;
    }
    return check;
  }

  // ---- The call pipeline ------------------------------------------------------------------

  private record(
    operation: Operation,
    result: Members,
    notFoundWhenEmpty: boolean,
  ): results.AppointmentRecord {
    let record: results.AppointmentRecord | null;
    try {
      record = results.appointmentRecord(result["Appointment"]);
    } catch (error) {
      if (!(error instanceof TebraDateError)) throw error;
      throw new TebraError("contract", { operation, reason: "unreadable-date" });
    }
    if (record) return record;
    throw new TebraError(notFoundWhenEmpty ? "not-found" : "contract", {
      operation,
      reason: "no-appointment",
    });
  }

  /** Refreshes the throttle table when it is stale, at most once a minute per instance;
   *  GetThrottles is skipped when another instance holds its slot. Never fails a call. */
  private async refreshThrottleTableIfStale(): Promise<void> {
    const now = this.now();
    if (now - this.lastTableRefresh < 60_000) return;
    this.lastTableRefresh = now;
    try {
      const throttle = this.options.throttle;
      if (!(await throttle.tableIsStale())) return;
      await this.soapClient("GetThrottles");
      if (!(await throttle.tryAcquire("GetThrottles"))) return;
      await this.getThrottles({ slotTaken: true });
    } catch (error) {
      logs.tebraThrottleTableRefreshFailed(isTebraError(error) ? error.kind : "error");
    }
  }

  private async call(
    operation: Operation,
    body: (header: Members, credentials: build.TebraCredentials) => Members,
    count?: (result: Members) => number,
    options: { slotTaken?: boolean; credentials?: build.TebraCredentials } = {},
  ): Promise<Members> {
    const started = this.now();
    const traits = OPERATION_TRAITS[operation];
    let attempts = 0;
    try {
      await this.options.killSwitch.assertEnabled(operation);
      if (operation !== "GetThrottles") await this.refreshThrottleTableIfStale();
      const credentials = options.credentials ?? (await this.options.credentials.get());
      const request = body(
        build.requestHeader(credentials, this.clientVersion),
        credentials,
      );
      const policy =
        traits.kind === "read"
          ? this.options.resilience.read
          : this.options.resilience.write;
      const result = await policy.execute(async () => {
        attempts++;
        // Load node-soap and the WSDL (first call only) before taking a slot: a slot is a
        // start time, and must not be spent waiting for anything but Tebra.
        const soap = await this.soapClient(operation);
        // A refresh of the throttle table has already taken GetThrottles' slot.
        if (!options.slotTaken || attempts > 1) {
          await this.options.throttle.acquire(operation);
        }
        return this.attempt(soap, operation, request);
      });
      logs.tebraCallSucceeded(
        operation,
        this.now() - started,
        attempts,
        count?.(result) ?? null,
      );
      return result;
    } catch (error) {
      const failure = this.normalise(operation, error, traits.kind);
      this.failed(failure, attempts, started, options.credentials !== undefined);
      throw failure;
    }
  }

  /** One attempt: timeout around the send; a throttled reply pushes the shared slot back. */
  private async attempt(
    client: Client,
    operation: Operation,
    request: Members,
  ): Promise<Members> {
    try {
      return await this.options.resilience.timeout.execute(({ signal }) =>
        this.send(client, operation, request, signal),
      );
    } catch (error) {
      const classified =
        error instanceof TaskCancelledError
          ? new TebraError("timeout", { operation, reason: "timeout" })
          : isTebraError(error)
            ? error.withOperation(operation)
            : classifyNetworkError(operation, error);
      if (classified.kind === "throttled") {
        const wait =
          classified.retryAfterMs ?? OPERATION_TRAITS[operation].documentedIntervalMs;
        logs.tebraThrottled(operation, wait, classified.reason ?? "reply");
        await this.options.throttle.penalize(operation, wait);
      }
      throw classified;
    }
  }

  /** The node-soap client, built once (a failure is retried on the next call). */
  private async soapClient(operation: Operation): Promise<Client> {
    this.soap ??= createSoapClient({
      endpoint: this.options.endpoint,
      httpClient: this.options.httpClient,
      ...(this.options.wsdlPath !== undefined && { wsdlPath: this.options.wsdlPath }),
    }).catch((error: unknown) => {
      this.soap = undefined;
      throw error;
    });
    try {
      return await this.soap;
    } catch {
      throw new TebraError("configuration", { operation, reason: "wsdl" });
    }
  }

  /** Builds node-soap's client ahead of the first call (a cold start can do it early). */
  async ready(): Promise<void> {
    await this.soapClient("GetThrottles");
  }

  private async send(
    client: Client,
    operation: Operation,
    request: Members,
    signal: AbortSignal,
  ) {
    const method = (client as unknown as Record<string, SoapMethod>)[`${operation}Async`];
    if (!method)
      throw new TebraError("configuration", { operation, reason: "wsdl-operation" });

    let reply: unknown;
    try {
      [reply] = await method.call(client, request, { signal, tebraOperation: operation });
    } catch (error) {
      throw this.soapFailure(operation, error);
    }

    const result = (reply as Members | null | undefined)?.[`${operation}Result`];
    if (typeof result !== "object" || result === null) {
      throw new TebraError("contract", { operation, reason: "no-result" });
    }
    if (operation === "GetCustomerIdFromKey") return result as Members;
    return checkResponseBase(
      operation,
      result as Members,
      OPERATION_TRAITS[operation].documentedIntervalMs,
      this.practice.id,
    );
  }

  /** node-soap's failures: ours from the transport, a parsed Fault, or unreadable XML. */
  private soapFailure(operation: Operation, error: unknown): TebraError {
    if (isTebraError(error)) return error.withOperation(operation);
    const fault = (
      error as { root?: { Envelope?: { Body?: { Fault?: Members } } } } | null
    )?.root?.Envelope?.Body?.Fault;
    if (fault) {
      return classifyFault(
        operation,
        textOf(fault["faultcode"]),
        textOf(fault["faultstring"]),
        200,
      );
    }
    if (typeof error === "object" && error !== null && "Fault" in error) {
      return new TebraError("transient", { operation, reason: "malformed-xml" });
    }
    if (error instanceof Error && /cannot parse response/i.test(error.message)) {
      return new TebraError("transient", { operation, reason: "unparseable" });
    }
    if (error instanceof TypeError) {
      return new TebraError("transient", { operation, reason: "unparseable" });
    }
    return classifyNetworkError(operation, error);
  }

  private normalise(
    operation: Operation,
    error: unknown,
    kind: "read" | "write",
  ): TebraError {
    let out: TebraError;
    if (isTebraError(error)) out = error.withOperation(operation);
    else if (error instanceof BrokenCircuitError) {
      out = new TebraError("circuit-open", { operation, reason: "breaker-open" });
    } else if (error instanceof ThrottleStoreError) {
      out = new TebraError("transient", { operation, reason: "throttle-store" });
    } else if (error instanceof TaskCancelledError) {
      out = new TebraError("timeout", { operation, reason: "timeout" });
    } else {
      logs.unexpectedError(
        `tebra.${operation}`,
        error instanceof Error ? error.name : "unknown",
      );
      out = new TebraError("contract", { operation, reason: "unexpected" });
    }
    if (kind === "write" && out.kind === "timeout") {
      // The write may have been applied: say so, and never retry it blindly.
      out = new TebraError("timeout", {
        operation,
        reason: out.reason ?? "timeout",
        outcomeUnknown: true,
      });
    }
    return out;
  }

  private failed(
    error: TebraError,
    attempts: number,
    started: number,
    candidateCredentials = false,
  ): void {
    const refused = error.kind === "credentials" || error.kind === "not-authorized";
    if (error.kind === "credentials" && !candidateCredentials) {
      this.options.credentials.invalidate();
    }
    logs.tebraCallFailed({
      operation: error.operation ?? "unknown",
      kind: error.kind,
      code: error.code,
      attempts,
      durationMs: this.now() - started,
      httpStatus: error.httpStatus ?? null,
      reason: error.reason ?? null,
    });
    if (KIND_TRAITS[error.kind].alert && !(candidateCredentials && refused)) {
      logs.tebraAlert(error.kind, error.operation ?? null, error.reason ?? null);
    }
  }
}
