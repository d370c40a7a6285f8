// The HTTP leg of a Tebra call, handed to node-soap as its HTTP client. It posts the
// envelope over the pinned agent, honours the call's abort signal, and turns anything that
// is not an HTTP 200 SOAP reply into a classified TebraError before node-soap parses it.
//
// Endpoint policy: HTTPS only. Plain HTTP is accepted for a loopback host, and only when
// the caller allows it (the emulator and the tests); an empty pin list likewise.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest, type Agent } from "node:https";
import { createGunzip, createInflate } from "node:zlib";
import type { Readable } from "node:stream";
import { classifyHttpReply, classifyNetworkError } from "./classify.ts";
import { TebraError } from "./errors.ts";
import { OPERATION_TRAITS, isOperation, type Operation } from "./operations.ts";

/** Tebra's own sample client allowed replies up to 10 MB; a larger one is refused. */
export const MAX_REPLY_BYTES = 10 * 1024 * 1024;

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host === "::1") return true;
  const parts = host.split(".");
  return (
    parts.length === 4 && parts[0] === "127" && parts.every((p) => /^\d{1,3}$/.test(p))
  );
}

export interface EndpointPolicy {
  /** Plain HTTP to a loopback host (the emulator and the tests only). */
  allowLoopbackHttp: boolean;
  pins: readonly string[];
}

/** The endpoint as a URL, or a `configuration` TebraError saying which rule it breaks. */
export function checkEndpoint(endpoint: string, policy: EndpointPolicy): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TebraError("configuration", { reason: "endpoint-not-a-url" });
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === "http:") {
    if (!loopback || !policy.allowLoopbackHttp) {
      throw new TebraError("configuration", { reason: "endpoint-not-https" });
    }
    return url;
  }
  if (url.protocol !== "https:") {
    throw new TebraError("configuration", { reason: "endpoint-not-https" });
  }
  if (policy.pins.length === 0 && !loopback) {
    throw new TebraError("configuration", { reason: "no-spki-pins" });
  }
  return url;
}

/** What node-soap's client hands its HTTP client (the subset used). */
export interface SoapRequestOptions {
  signal?: AbortSignal;
  tebraOperation?: Operation;
}

type SoapCallback = (error: unknown, response?: unknown, body?: string) => void;

export interface TransportOptions {
  /** The agent for HTTPS (pinned); HTTP to loopback uses Node's default agent. */
  agent: Agent;
  maxReplyBytes?: number;
}

function soapActionOf(headers: Record<string, unknown> | undefined): string {
  const action = headers?.["SOAPAction"];
  return typeof action === "string" ? action : "";
}

function operationFrom(
  headers: Record<string, unknown> | undefined,
  options: SoapRequestOptions | undefined,
): Operation | undefined {
  if (options?.tebraOperation) return options.tebraOperation;
  const action = soapActionOf(headers);
  const name = /\/([A-Za-z]+)"?$/.exec(action)?.[1] ?? "";
  return isOperation(name) ? name : undefined;
}

function decoded(response: IncomingMessage): Readable {
  const encoding = String(response.headers["content-encoding"] ?? "").toLowerCase();
  if (encoding === "gzip") return response.pipe(createGunzip());
  if (encoding === "deflate") return response.pipe(createInflate());
  return response;
}

/** node-soap's IHttpClient over node:http(s). */
export class TebraTransport {
  private readonly agent: Agent;
  private readonly maxReplyBytes: number;

  constructor(options: TransportOptions) {
    this.agent = options.agent;
    this.maxReplyBytes = options.maxReplyBytes ?? MAX_REPLY_BYTES;
  }

  request(
    url: string,
    data: string,
    callback: SoapCallback,
    headers?: Record<string, unknown>,
    options?: SoapRequestOptions,
  ): void {
    const operation = operationFrom(headers, options) ?? "GetThrottles";
    const fallbackInterval = OPERATION_TRAITS[operation].documentedIntervalMs;
    let done = false;
    const finish: SoapCallback = (error, response, body) => {
      if (done) return;
      done = true;
      callback(error, response, body);
    };

    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const payload = Buffer.from(data, "utf8");
    const outgoing = send(
      target,
      {
        method: "POST",
        ...(target.protocol === "https:" && { agent: this.agent }),
        ...(options?.signal && { signal: options.signal }),
        headers: {
          "Content-Type": "text/xml; charset=utf-8",
          SOAPAction: soapActionOf(headers),
          "Content-Length": payload.length,
          "Accept-Encoding": "gzip, deflate",
          "User-Agent": "tebra-bridge",
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const body = decoded(response);
        body.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxReplyBytes) {
            outgoing.destroy();
            finish(new TebraError("contract", { operation, reason: "reply-too-large" }));
            return;
          }
          chunks.push(chunk);
        });
        body.on("error", (error) => finish(classifyNetworkError(operation, error)));
        body.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = response.statusCode ?? 0;
          if (status !== 200) {
            const retryAfter: string | string[] | undefined =
              response.headers["retry-after"];
            finish(
              classifyHttpReply(
                operation,
                status,
                text,
                typeof retryAfter === "string" ? retryAfter : retryAfter?.[0],
                fallbackInterval,
              ),
            );
            return;
          }
          if (!/<(?:[\w-]+:|)Envelope[\s>]/.test(text)) {
            // A proxy's HTML page or an empty body: not Tebra's answer.
            finish(
              new TebraError("transient", {
                operation,
                httpStatus: 200,
                reason: "not-soap",
              }),
            );
            return;
          }
          finish(null, { status, headers: response.headers, data: text }, text);
        });
      },
    );
    outgoing.on("error", (error) => finish(classifyNetworkError(operation, error)));
    outgoing.end(payload);
  }
}
