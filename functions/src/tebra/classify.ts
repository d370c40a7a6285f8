// Classifies everything Tebra (or the network) can answer, in the order the reply is
// read: transport → HTTP status → SOAP Fault → ErrorResponse.IsError (throttle text
// first) → SecurityResponse → payload. Message texts are matched here and go no further.
import { TebraError, type TebraErrorKind } from "./errors.ts";
import { type Operation } from "./operations.ts";

/** "… endpoint requested more than allowed over time interval {N} milliseconds …" */
const THROTTLE_TEXT = /requested more than allowed\D*([\d.]+)\s*milli/i;
const CREDENTIAL_TEXTS = [
  /unable to find user/i,
  /invalid user ?name and\/or password/i,
  /invalid customer ?key/i,
  /password (has )?expired/i,
];
/** Faults that mean our request is malformed, not that Tebra is down. */
const CONTRACT_FAULTS = [
  /contractfilter mismatch/i,
  /expecting element/i,
  /actionnotsupported/i,
  /deserializ/i,
  /object reference not set/i,
];
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
]);

/** The interval in a throttle message, in whole milliseconds, or null if it is not one. */
export function throttleIntervalFrom(text: string): number | null {
  const match = THROTTLE_TEXT.exec(text);
  const interval = match ? Number.parseFloat(match[1]!) : NaN;
  return Number.isFinite(interval) ? Math.ceil(interval) : null;
}

/** What an ErrorResponse with IsError=true means. */
export function classifyErrorMessage(
  operation: Operation,
  message: string,
  fallbackIntervalMs: number,
): TebraError {
  const interval = throttleIntervalFrom(message);
  if (interval !== null || /^\s*429\b/.test(message)) {
    return new TebraError("throttled", {
      operation,
      retryAfterMs: interval ?? fallbackIntervalMs,
      reason: "error-response",
    });
  }
  if (CREDENTIAL_TEXTS.some((text) => text.test(message))) {
    return new TebraError("credentials", { operation, reason: "error-response" });
  }
  if (/object reference not set/i.test(message)) {
    return new TebraError("contract", { operation, reason: "null-reference" });
  }
  // "Appointment not found." and the like: the record asked for does not exist.
  if (/\bnot found\b/i.test(message)) {
    return new TebraError("not-found", { operation, reason: "error-response" });
  }
  return new TebraError("invalid-request", { operation, reason: "error-response" });
}

/** A SOAP Fault's code and string (already extracted; neither leaves this function). */
export function classifyFault(
  operation: Operation,
  faultCode: string,
  faultString: string,
  httpStatus: number,
): TebraError {
  const text = `${faultCode} ${faultString}`;
  const interval = throttleIntervalFrom(text);
  if (interval !== null) {
    return new TebraError("throttled", {
      operation,
      httpStatus,
      retryAfterMs: interval,
      reason: "fault",
    });
  }
  if (CREDENTIAL_TEXTS.some((pattern) => pattern.test(text))) {
    return new TebraError("credentials", { operation, httpStatus, reason: "fault" });
  }
  const kind: TebraErrorKind = CONTRACT_FAULTS.some((pattern) => pattern.test(text))
    ? "contract"
    : "transient";
  return new TebraError(kind, {
    operation,
    httpStatus,
    reason: faultCodeName(faultCode),
  });
}

/** `a:InternalServiceFault` → `InternalServiceFault`; anything odd → `fault`. */
function faultCodeName(faultCode: string): string {
  const local = faultCode.trim().split(":").pop() ?? "";
  return /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(local) ? local : "fault";
}

/** Extracts faultcode/faultstring from a SOAP 1.1 Fault body, or null when there is none. */
export function faultIn(body: string): { faultCode: string; faultString: string } | null {
  if (!/<(?:[\w-]+:|)Fault[\s>]/.test(body)) return null;
  const code = /<(?:[\w-]+:|)faultcode[^>]*>([^<]*)</.exec(body)?.[1] ?? "";
  const text = /<(?:[\w-]+:|)faultstring[^>]*>([^<]*)</.exec(body)?.[1] ?? "";
  return { faultCode: code.trim(), faultString: text.trim() };
}

/** A reply that is not HTTP 200 with a SOAP body. */
export function classifyHttpReply(
  operation: Operation,
  status: number,
  body: string,
  retryAfterHeader: string | undefined,
  fallbackIntervalMs: number,
): TebraError {
  if (status === 429) {
    const fromText = throttleIntervalFrom(body);
    const fromHeader = retryAfterHeader ? Number(retryAfterHeader) * 1000 : NaN;
    return new TebraError("throttled", {
      operation,
      httpStatus: status,
      retryAfterMs:
        fromText ?? (Number.isFinite(fromHeader) ? fromHeader : fallbackIntervalMs),
      reason: "http-429",
    });
  }
  const fault = faultIn(body);
  if (fault) return classifyFault(operation, fault.faultCode, fault.faultString, status);
  if (status >= 500 || status === 408) {
    return new TebraError("transient", { operation, httpStatus: status, reason: "http" });
  }
  if (status === 401 || status === 403) {
    return new TebraError("credentials", {
      operation,
      httpStatus: status,
      reason: "http",
    });
  }
  return new TebraError("contract", { operation, httpStatus: status, reason: "http" });
}

/** A request that got no reply at all. */
export function classifyNetworkError(operation: Operation, error: unknown): TebraError {
  if (error instanceof TebraError) return error.withOperation(operation);
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "AbortError" || code === "ABORT_ERR") {
    return new TebraError("timeout", { operation, reason: "aborted" });
  }
  if (
    typeof code === "string" &&
    /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(
      code,
    )
  ) {
    return new TebraError("tls", { operation, reason: code });
  }
  if (typeof code === "string" && NETWORK_CODES.has(code)) {
    return new TebraError("transient", { operation, reason: code });
  }
  return new TebraError("transient", { operation, reason: "network" });
}

type Flags = Record<string, unknown> | null | undefined;

function flag(block: Flags, name: string): boolean | undefined {
  const value = block?.[name];
  if (typeof value === "boolean") return value;
  if (typeof value === "string") return value.trim().toLowerCase() === "true";
  return undefined;
}

function practiceIdsIn(security: Flags): string[] {
  const authorized = security?.["PracticesAuthorized"] as Flags;
  const ids = (authorized?.["PracticeID"] as Flags)?.["int"];
  const list = Array.isArray(ids) ? ids : ids === undefined || ids === null ? [] : [ids];
  return list.map((id) => String(id).trim()).filter(Boolean);
}

/**
 * Checks a `{Op}Result` (ResponseBase + payload) and answers it when it is a success.
 * `practiceId`, when given, must be among the practices Tebra says the user may see.
 */
export function checkResponseBase(
  operation: Operation,
  result: Record<string, unknown>,
  fallbackIntervalMs: number,
  practiceId?: string,
): Record<string, unknown> {
  const errorBlock = result["ErrorResponse"] as Flags;
  if (flag(errorBlock, "IsError") === true) {
    const message = errorBlock?.["ErrorMessage"];
    throw classifyErrorMessage(
      operation,
      typeof message === "string" ? message : "",
      fallbackIntervalMs,
    );
  }

  // Missing when there is an error; when present every flag must hold.
  const security = result["SecurityResponse"] as Flags;
  if (security) {
    const securityText = security["SecurityResult"];
    if (typeof securityText === "string" && throttleIntervalFrom(securityText) !== null) {
      throw classifyErrorMessage(operation, securityText, fallbackIntervalMs);
    }
    if (
      flag(security, "CustomerKeyValid") === false ||
      flag(security, "Authenticated") === false
    ) {
      throw new TebraError("credentials", { operation, reason: "security-response" });
    }
    if (flag(security, "Authorized") === false) {
      throw new TebraError("not-authorized", { operation, reason: "security-response" });
    }
    if (flag(security, "SecurityResultSuccess") === false) {
      throw new TebraError("credentials", { operation, reason: "security-result" });
    }
    const practices = practiceIdsIn(security);
    if (practiceId && practices.length > 0 && !practices.includes(practiceId)) {
      throw new TebraError("not-authorized", { operation, reason: "practice" });
    }
  }
  return result;
}
