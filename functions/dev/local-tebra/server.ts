// The local Tebra: an HTTP server on loopback that answers Tebra's SOAP 1.1 contract the way
// WCF does, plus a control endpoint for fault injection and the call log. See README.md.
//
// A request goes through the checks in the order the real stack applies them: HTTP
// (method, content type), XML, SOAPAction, SOAP header, body element, then the strict
// schema check (which the real service does not have: it drops unknown members in
// silence), the rate limit, the credentials, and finally the operation.
import { readFileSync } from "node:fs";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  SOAP_ENV_NS,
  TEBRA_NS,
  loadTebraSchema,
  tebraXsdDir,
  type TebraSchema,
} from "../xsd.ts";
import { CallLog, type CallOutcome } from "./calls.ts";
import { readElement, writeResponse, type WireObject } from "./codec.ts";
import {
  addedPatientSchema,
  handleControl,
  readBody,
  type AddedPatient,
} from "./control.ts";
import {
  LOCAL_TEBRA_CUSTOMER_ID,
  LOCAL_TEBRA_DEFAULT_PORT,
  LOCAL_TEBRA_PATH,
} from "./credentials.ts";
import {
  contractMismatch,
  deserializationFailed,
  envelope,
  faultEnvelope,
  htmlErrorPage,
  internalServiceFault,
  versionMismatch,
  type SoapFault,
} from "./envelope.ts";
import { FaultController, type Fault } from "./faults.ts";
import {
  InternalFault,
  NotAuthorizedError,
  TebraError,
  type OperationContext,
} from "./handler.ts";
import { HANDLERS, clinicNow, isOperation, type OperationName } from "./operations.ts";
import { SyntheticPractice, type PatientChange } from "./practice.ts";
import { Schedule } from "./schedule.ts";
import {
  ApiUsers,
  securityFromFault,
  securityResponse,
  type SecurityCase,
} from "./security.ts";
import {
  DOCUMENTED_INTERVALS_MS,
  RateLimiter,
  throttleMessage,
  throttleTable,
} from "./throttle.ts";
import { XmlSyntaxError, parseXml, type XmlElement } from "./xml.ts";

export type { AddedPatient } from "./control.ts";

export interface LocalTebraOptions {
  /** Default 8787; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  seed?: number;
  appointmentsPerDay?: number;
  /** Multiplies Tebra's documented intervals; 1 = the real ones, 0 = no limits. */
  rateScale?: number;
  /** Intervals (ms) per operation that replace the scaled ones. */
  throttleTable?: Record<string, number>;
  timeZone?: string;
  /** Check every request against the reference XSD (default true). */
  validateRequests?: boolean;
  /** The clock for LastModifiedDate, CreatedAt, default windows and rate limits. */
  now?: () => Date;
  /** Patients to add to the synthetic pool at start (see `addPatient`). */
  extraPatients?: AddedPatient[];
  /** More API users of the same customer key (credential rotation tests). */
  extraUsers?: { user: string; password: string }[];
}

export interface LocalTebra {
  /** The SOAP endpoint, e.g. http://127.0.0.1:8787/services/soap/2.1/KareoServices.svc */
  url: string;
  origin: string;
  port: number;
  controlUrl: string;
  faults: FaultController;
  calls: CallLog;
  practice: SyntheticPractice;
  schedule: Schedule;
  throttleTable(): Record<string, number>;
  /** The account's API users: `add(user, password)`, `disable(user)`, `enable(user)`. */
  users: ApiUsers;
  /** Changes a patient in place and stamps its LastModifiedDate with the clock. */
  updatePatient(patientId: number, change: PatientChange): void;
  /** Adds a patient (kept across `reset()`); the appointment, if asked for, is not. */
  addPatient(patient: AddedPatient): { patientId: number; appointmentId: number | null };
  reset(): void;
  close(): Promise<void>;
}

const SOAP_ACTION_PREFIX = "http://www.kareo.com/api/schemas/KareoServices/";
const SOAP_12_NS = "http://www.w3.org/2003/05/soap-envelope";

interface Reply {
  status: number | null;
  outcome: CallOutcome;
  contentType?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Reset the connection instead of answering; or never answer. */
  drop?: "reset" | "hang";
}

export async function startLocalTebra(
  options: LocalTebraOptions = {},
): Promise<LocalTebra> {
  const host = options.host ?? "127.0.0.1";
  const now = options.now ?? (() => new Date());
  const rateScale = options.rateScale ?? 1;
  const table = throttleTable(rateScale, options.throttleTable);
  const schema = loadTebraSchema();
  const practice = new SyntheticPractice({
    seed: options.seed ?? 1,
    appointmentsPerDay: options.appointmentsPerDay ?? 40,
    timeZone: options.timeZone ?? "America/Chicago",
  });
  const schedule = new Schedule(practice);
  const faults = new FaultController();
  const users = new ApiUsers();
  for (const extra of options.extraUsers ?? []) users.add(extra.user, extra.password);
  const calls = new CallLog();
  const limiter = new RateLimiter(
    () => table,
    () => now().getTime(),
  );
  const context: OperationContext = {
    practice,
    schedule,
    now: clinicNow(now),
    customerId: LOCAL_TEBRA_CUSTOMER_ID,
    throttleTable: () => table,
  };
  const validate = options.validateRequests ?? true;
  let origin = "";

  const server: Server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      console.error("local-tebra: unexpected error", error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", origin);
    if (url.pathname === "/__control") {
      return handleControl(req, res, {
        faults,
        calls,
        throttleTable: () => ({ ...table }),
        reset,
        addPatient,
        users,
      });
    }
    if (url.pathname.toLowerCase() !== LOCAL_TEBRA_PATH.toLowerCase()) {
      return send(res, { status: 404, outcome: "bad-request", ...html(404) });
    }
    if (req.method === "GET") return getPage(url, res);
    if (req.method !== "POST") {
      return send(res, {
        status: 405,
        outcome: "bad-request",
        headers: { Allow: "GET, POST" },
      });
    }
    const arrived = new Date(now().getTime());
    const started = performance.now();
    const body = await readBody(req);
    const action = soapAction(req.headers.soapaction);
    const operation = operationFor(action);
    const { reply, injected } = await answer(req, body, action, operation);
    if (reply.drop === "reset") req.socket.resetAndDestroy();
    else if (reply.drop !== "hang") send(res, reply);
    calls.add({
      operation,
      at: arrived.toISOString(),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      httpStatus: reply.drop ? null : reply.status,
      outcome: reply.outcome,
      injected,
    });
  }

  async function answer(
    req: IncomingMessage,
    body: string | null,
    action: string | null,
    operation: OperationName | null,
  ): Promise<{ reply: Reply; injected: string | null }> {
    const { latencyMs, fault } = faults.take(operation);
    if (latencyMs > 0) await sleep(latencyMs);
    const reply = answerChecked(req, body, action, operation, fault);
    const injected = reply.injected ? fault!.kind : latencyMs > 0 ? "latency" : null;
    return { reply, injected };
  }

  function answerChecked(
    req: IncomingMessage,
    body: string | null,
    action: string | null,
    operation: OperationName | null,
    fault: Fault | null,
  ): Reply & { injected?: boolean } {
    const early = fault && transportFault(fault, operation);
    if (early) return { ...early, injected: true };

    if (body === null) return { status: 413, outcome: "bad-request" };
    const contentType = (req.headers["content-type"] ?? "").toLowerCase();
    if (!contentType.startsWith("text/xml"))
      return { status: 415, outcome: "bad-request" };

    let root: XmlElement;
    try {
      root = parseXml(body);
    } catch (error) {
      if (error instanceof XmlSyntaxError) return { status: 400, outcome: "bad-request" };
      throw error;
    }
    if (root.local === "Envelope" && root.ns === SOAP_12_NS) {
      return soapFault(versionMismatch(), "soap-fault");
    }
    if (root.local !== "Envelope" || root.ns !== SOAP_ENV_NS) {
      return { status: 400, outcome: "bad-request" };
    }
    if (!operation) return soapFault(contractMismatch(action ?? ""), "contract-mismatch");

    const header = root.children.find(
      (c) => c.ns === SOAP_ENV_NS && c.local === "Header",
    );
    if (header && header.children.length > 0) {
      // Credentials in s:Header (and other headers WCF was not told about) drew this.
      return soapFault(internalServiceFault(), "soap-fault");
    }
    const operationElement = root.children.find(
      (c) => c.ns === SOAP_ENV_NS && c.local === "Body",
    )?.children[0];
    if (
      !operationElement ||
      operationElement.local !== operation ||
      operationElement.ns !== TEBRA_NS
    ) {
      const found = operationElement
        ? `Found node type 'Element' with name '${operationElement.local}' and namespace '${operationElement.ns}'`
        : "Found node type 'EndElement' with name 'Body'";
      return soapFault(
        deserializationFailed(
          operation,
          `OperationFormatter encountered an invalid Message body. Expected to find node ` +
            `type 'Element' with name '${operation}' and namespace '${TEBRA_NS}'. ${found}`,
        ),
        "schema-rejected",
      );
    }
    if (validate) {
      const issues = schema.validate(operationElement);
      if (issues.length > 0) {
        const detail = issues.map((i) => `${i.message} (at ${i.path})`).join(" ");
        return {
          ...soapFault(
            deserializationFailed(
              operation,
              `Local Tebra strict check (the real service would drop this in silence): ${detail}`,
            ),
            "schema-rejected",
          ),
          headers: { "X-Local-Tebra-Rejected": "schema" },
        };
      }
    }
    const request = readRequest(schema, operationElement, operation);
    return { ...operate(operation, request, fault), injected: fault !== null };
  }

  function operate(
    operation: OperationName,
    request: WireObject | null,
    fault: Fault | null,
  ): Reply {
    const header = request?.RequestHeader;
    const credentials =
      operation === "GetCustomerIdFromKey"
        ? request
        : header && typeof header === "object" && !Array.isArray(header)
          ? header
          : null;

    if (operation === "GetCustomerIdFromKey") {
      const check = fault ? securityFromFault(fault) : users.check(credentials);
      const ok = check === "ok";
      return soapReply(operation, {
        CustomerId: ok || check === "not-authorized" ? LOCAL_TEBRA_CUSTOMER_ID : 0,
        IsAuthorized: ok,
      });
    }
    if (!request || !credentials) {
      return errorReply(
        operation,
        new TebraError("Object reference not set to an instance of an object."),
      );
    }

    const account =
      typeof credentials.CustomerKey === "string" ? credentials.CustomerKey : "";
    if (fault?.kind === "throttle") {
      return errorReply(
        operation,
        new TebraError(throttleMessage(operation, injectedInterval(operation))),
        "throttled",
      );
    }
    const admitted = limiter.admit(account, operation);
    if (!admitted.allowed) {
      return errorReply(
        operation,
        new TebraError(throttleMessage(operation, admitted.intervalMs)),
        "throttled",
      );
    }

    const security = fault ? securityFromFault(fault) : users.check(credentials);
    if (security !== "ok") return securityReply(operation, security);

    try {
      const payload = HANDLERS[operation](request, context);
      return soapReply(operation, {
        ErrorResponse: { ErrorMessage: null, IsError: false, StackTrace: null },
        SecurityResponse: securityResponse("ok"),
        ...payload,
      });
    } catch (error) {
      if (error instanceof TebraError) return errorReply(operation, error);
      if (error instanceof NotAuthorizedError)
        return securityReply(operation, "not-authorized");
      if (error instanceof InternalFault)
        return soapFault(internalServiceFault(), "soap-fault");
      throw error;
    }
  }

  function soapReply(
    operation: OperationName,
    result: WireObject,
    outcome: CallOutcome = "ok",
  ): Reply {
    return {
      status: 200,
      outcome,
      contentType: "text/xml; charset=utf-8",
      body: envelope(writeResponse(schema, TEBRA_NS, `${operation}Response`, result)),
    };
  }

  function errorReply(
    operation: OperationName,
    error: TebraError,
    outcome: CallOutcome = "error-response",
  ): Reply {
    // A reply with an error carries no SecurityResponse (the guide says it may be missing).
    return soapReply(
      operation,
      {
        ErrorResponse: {
          ErrorMessage: error.message,
          IsError: true,
          StackTrace: error.stackTrace,
        },
      },
      outcome,
    );
  }

  function securityReply(operation: OperationName, security: SecurityCase): Reply {
    return soapReply(
      operation,
      {
        ErrorResponse: { ErrorMessage: null, IsError: false, StackTrace: null },
        SecurityResponse: securityResponse(security),
      },
      "security",
    );
  }

  function transportFault(fault: Fault, operation: OperationName | null): Reply | null {
    switch (fault.kind) {
      case "soap-fault":
        return soapFault(internalServiceFault(), "soap-fault");
      case "http-error": {
        const status = fault.status ?? 503;
        return { status, outcome: "http-error", ...html(status) };
      }
      case "malformed-xml": {
        const op = operation ?? "GetAppointments";
        return {
          status: 200,
          outcome: "malformed-reply",
          contentType: "text/xml; charset=utf-8",
          body: `<s:Envelope xmlns:s="${SOAP_ENV_NS}"><s:Body><${op}Response xmlns="${TEBRA_NS}"><${op}Result><ErrorResponse><IsErr`,
        };
      }
      case "connection-reset":
        return { status: null, outcome: "reset", drop: "reset" };
      case "hang":
        return { status: null, outcome: "hang", drop: "hang" };
      case "throttle":
        if (fault.style !== "http-429") return null;
        {
          const op = operation ?? "GetAppointments";
          const interval = injectedInterval(op);
          return {
            status: 429,
            outcome: "throttled",
            contentType: "text/plain; charset=utf-8",
            body: throttleMessage(op, interval),
            headers: { "Retry-After": String(Math.max(1, Math.ceil(interval / 1000))) },
          };
        }
      default:
        return null;
    }
  }

  /** The interval an injected throttle names: the one in force, else the documented one. */
  function injectedInterval(operation: string): number {
    return table[operation] || DOCUMENTED_INTERVALS_MS[operation] || 1000;
  }

  function getPage(url: URL, res: ServerResponse): void {
    const query = url.search.slice(1).toLowerCase();
    if (query === "wsdl" || query === "singlewsdl") {
      const wsdl = readReferenceWsdl().replace(
        /(<soap:address location=")[^"]*(")/,
        `$1${origin}${LOCAL_TEBRA_PATH}$2`,
      );
      res.writeHead(200, { "Content-Type": "text/xml; charset=utf-8" }).end(wsdl);
      return;
    }
    res
      .writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
      .end(
        "<html><head><title>KareoServices Service (local Tebra)</title></head><body>" +
          "<h1>KareoServices Service</h1><p>The local Tebra, a synthetic stand-in. " +
          `POST SOAP 1.1 to this address; the WSDL is at <a href="?wsdl">?wsdl</a>.</p></body></html>`,
      );
  }

  function addPatient(input: AddedPatient): {
    patientId: number;
    appointmentId: number | null;
  } {
    const { appointmentOn, appointmentTime, ...demographics } =
      addedPatientSchema.parse(input);
    const now = context.now();
    const patient = practice.addPatient(demographics, now);
    if (!appointmentOn) return { patientId: patient.id, appointmentId: null };
    const start = practice.clinicTime(appointmentOn, appointmentTime ?? "09:00");
    const appointment = schedule.bookVisit(patient, start, now);
    return { patientId: patient.id, appointmentId: appointment.id };
  }

  function reset(): void {
    faults.clear();
    calls.clear();
    limiter.reset();
    schedule.reset();
    users.enableAll();
  }

  for (const patient of options.extraPatients ?? []) addPatient(patient);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? LOCAL_TEBRA_DEFAULT_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host}:${port}`;

  return {
    url: `${origin}${LOCAL_TEBRA_PATH}`,
    origin,
    port,
    controlUrl: `${origin}/__control`,
    faults,
    calls,
    practice,
    schedule,
    throttleTable: () => ({ ...table }),
    users,
    updatePatient: (patientId, change) =>
      practice.updatePatient(patientId, change, context.now()),
    addPatient,
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function readRequest(
  schema: TebraSchema,
  operationElement: XmlElement,
  operation: OperationName,
): WireObject | null {
  const declaration = schema.element(TEBRA_NS, operation)!;
  const wrapper = readElement(schema, operationElement, declaration) as WireObject | null;
  const request = wrapper?.request;
  return request && typeof request === "object" && !Array.isArray(request)
    ? request
    : null;
}

function soapFault(fault: SoapFault, outcome: CallOutcome): Reply {
  return {
    status: 500,
    outcome,
    contentType: "text/xml; charset=utf-8",
    body: faultEnvelope(fault),
  };
}

function html(status: number): { contentType: string; body: string } {
  return { contentType: "text/html", body: htmlErrorPage(status) };
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.contentType) headers["Content-Type"] = reply.contentType;
  res.writeHead(reply.status ?? 500, headers).end(reply.body ?? "");
}

/** The SOAPAction header without its quotes; null when absent. */
function soapAction(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return null;
  return value.trim().replace(/^"(.*)"$/, "$1");
}

function operationFor(action: string | null): OperationName | null {
  if (!action?.startsWith(SOAP_ACTION_PREFIX)) return null;
  const name = action.slice(SOAP_ACTION_PREFIX.length);
  return isOperation(name) ? name : null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let wsdlText: string | null = null;

function readReferenceWsdl(): string {
  wsdlText ??= readFileSync(
    join(tebraXsdDir(), "..", "KareoServices-2025.flat.wsdl"),
    "utf8",
  );
  return wsdlText;
}
