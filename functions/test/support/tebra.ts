// Helpers for the Tebra client's tests: a client wired to a loopback endpoint, a tiny HTTP
// server that answers with fixtures and records what it was sent, and log capture.
import { logger } from "firebase-functions";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { vi } from "vitest";
import { LOCAL_TEBRA_CREDENTIALS } from "../../src/platform/localSecrets.ts";
import { TebraClient, type TebraClientOptions } from "../../src/tebra/client.ts";
import { fixedCredentials } from "../../src/tebra/credentials.ts";
import { ALWAYS_ENABLED } from "../../src/tebra/killSwitch.ts";
import { createResilience, type ResilienceOptions } from "../../src/tebra/resilience.ts";
import { NO_THROTTLE } from "../../src/tebra/throttle.ts";
import { pinnedAgent } from "../../src/tebra/tls.ts";
import { TebraTransport } from "../../src/tebra/transport.ts";

export const LOCAL_PRACTICE = { id: "1", name: "Lakeside Family Medicine (synthetic)" };
export const TEST_CLIENT_VERSION = "tebra-bridge/test";
export const CREDENTIALS = { ...LOCAL_TEBRA_CREDENTIALS };

const FIXTURES = new URL("../fixtures/tebra/", import.meta.url);

/** A fixture's text (test/fixtures/tebra/{name}). */
export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** XML with the whitespace between tags removed, for comparing with golden files. */
export function compact(xml: string): string {
  return xml
    .replace(/<\?xml[^>]*\?>/, "")
    .replace(/>\s+</g, "><")
    .trim();
}

/** Policies that answer fast: no real waits in unit tests unless a test asks for them. */
export const FAST_RESILIENCE: ResilienceOptions = {
  timeoutMs: 2_000,
  retries: 2,
  initialDelayMs: 1,
  maxDelayMs: 5,
  breakerThreshold: 5,
  halfOpenAfterMs: 30_000,
};

export function testClient(
  endpoint: string,
  overrides: Partial<TebraClientOptions> = {},
): TebraClient {
  return new TebraClient({
    endpoint,
    practice: LOCAL_PRACTICE,
    timeZone: "America/Chicago",
    credentials: fixedCredentials(CREDENTIALS),
    throttle: NO_THROTTLE,
    killSwitch: ALWAYS_ENABLED,
    resilience: createResilience(FAST_RESILIENCE),
    httpClient: new TebraTransport({ agent: pinnedAgent({ pins: [] }) }),
    clientVersion: TEST_CLIENT_VERSION,
    ...overrides,
  });
}

export interface RecordedRequest {
  operation: string;
  soapAction: string;
  contentType: string;
  body: string;
}

export interface Reply {
  status?: number;
  body: string | Buffer;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  /** Never answer. */
  hang?: boolean;
}

export type Responder = (request: RecordedRequest) => Reply | string;

/** A loopback HTTP server that records each request and answers with `respond`. */
export async function replyServer(respond: Responder) {
  const requests: RecordedRequest[] = [];
  let responder = respond;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const soapAction = String(req.headers["soapaction"] ?? "");
      const recorded: RecordedRequest = {
        operation: /\/(\w+)"$/.exec(soapAction)?.[1] ?? "",
        soapAction,
        contentType: String(req.headers["content-type"] ?? ""),
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      const raw = responder(recorded);
      const reply: Reply = typeof raw === "string" ? { body: raw } : raw;
      if (reply.hang) return;
      if (reply.reset) {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status ?? 200, {
        "Content-Type": "text/xml; charset=utf-8",
        ...reply.headers,
      });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/soap/2.1/KareoServices.svc`,
    requests,
    respondWith(next: Responder) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every log line written through the catalog while the returned handle is active. */
export function captureLogs() {
  const entries: Record<string, unknown>[] = [];
  const spy = vi.spyOn(logger, "write").mockImplementation((entry) => {
    entries.push(entry);
  });
  return {
    entries,
    events: () => entries.map((e) => String(e["event"])),
    text: () => JSON.stringify(entries),
    restore: () => spy.mockRestore(),
  };
}

/**
 * The operation element of a SOAP envelope as a standalone document, with the envelope's
 * namespace declarations copied onto it (xmllint validates the element, not the envelope).
 */
export function operationElement(envelope: string): string {
  const open = /<(\w+):Envelope\b([^>]*)>/.exec(envelope);
  if (!open) throw new Error("not a SOAP envelope");
  const prefix = open[1]!;
  const declarations = [...open[2]!.matchAll(/\s(xmlns[:\w]*)="([^"]*)"/g)]
    .filter(([, name]) => name !== `xmlns:${prefix}`)
    .map(([, name, value]) => ` ${name}="${value}"`);
  const open_ = `<${prefix}:Body>`;
  const close = `</${prefix}:Body>`;
  const from = envelope.indexOf(open_);
  const to = envelope.lastIndexOf(close);
  const body = from >= 0 && to > from ? envelope.slice(from + open_.length, to) : null;
  if (!body) throw new Error("the envelope has no Body");
  const inner = body.trim();
  const tagEnd = inner.search(/\/?>/);
  const start = inner.slice(0, tagEnd);
  const existing = new Set([...start.matchAll(/\s(xmlns[:\w]*)=/g)].map((m) => m[1]));
  const added = declarations.filter((d) => !existing.has(d.trim().split("=")[0]));
  return `${start}${added.join("")}${inner.slice(tagEnd)}`;
}

/** An HTTP client for node-soap that records envelopes and answers from `respond`. */
export function recordingHttpClient(respond: (operation: string) => string) {
  const sent: { operation: string; envelope: string }[] = [];
  return {
    sent,
    request(
      _url: string,
      data: string,
      callback: (error: unknown, response?: unknown, body?: string) => void,
      _headers: unknown,
      options?: { tebraOperation?: string },
    ) {
      const operation = options?.tebraOperation ?? "";
      sent.push({ operation, envelope: data });
      const body = respond(operation);
      setImmediate(() => callback(null, { status: 200, headers: {}, data: body }, body));
    },
  };
}
