// Raw HTTP against the local Tebra: hand-written envelopes from ./fixtures, POSTed with
// fetch and read back with fast-xml-parser, so the server is tested without the client and
// without its own XML code.
import { readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";
import { LOCAL_TEBRA_CREDENTIALS } from "../../../dev/local-tebra/credentials.ts";

const fixturesDir = new URL("./fixtures/", import.meta.url);

const DEFAULTS: Record<string, string> = {
  CustomerKey: LOCAL_TEBRA_CREDENTIALS.customerKey,
  User: LOCAL_TEBRA_CREDENTIALS.user,
  Password: LOCAL_TEBRA_CREDENTIALS.password,
};

/** A fixture envelope with its {{placeholders}} filled (credentials default to the local ones). */
export function fixture(
  name: string,
  values: Record<string, string | number> = {},
): string {
  const text = readFileSync(new URL(name, fixturesDir), "utf8");
  const all: Record<string, string | number> = { ...DEFAULTS, ...values };
  const filled = text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = all[key];
    if (value === undefined) throw new Error(`fixture ${name} needs a value for ${key}`);
    return String(value);
  });
  return filled;
}

export function soapAction(operation: string): string {
  return `"http://www.kareo.com/api/schemas/KareoServices/${operation}"`;
}

export interface RawReply {
  status: number;
  contentType: string;
  headers: Headers;
  text: string;
}

export async function post(
  url: string,
  body: string,
  options: {
    operation?: string;
    action?: string | null;
    contentType?: string;
    signal?: AbortSignal;
  },
): Promise<RawReply> {
  const headers: Record<string, string> = {
    "Content-Type": options.contentType ?? "text/xml; charset=utf-8",
  };
  const action =
    options.action !== undefined
      ? options.action
      : options.operation
        ? soapAction(options.operation)
        : null;
  if (action !== null) headers.SOAPAction = action;
  const response = await fetch(url, {
    method: "POST",
    headers,
    body,
    signal: options.signal,
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    headers: response.headers,
    text: await response.text(),
  };
}

/** POSTs a fixture with the SOAPAction of its operation. */
export function call(
  url: string,
  operation: string,
  fixtureName: string,
  values: Record<string, string | number> = {},
): Promise<RawReply> {
  return post(url, fixture(fixtureName, values), { operation });
}

const REPEATED = new Set([
  "AppointmentData",
  "PatientData",
  "ProviderData",
  "PracticeData",
  "ServiceLocationData",
  "ThrottleDetail",
  "PatientCaseData",
  "int",
  "long",
  "string",
]);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  isArray: (name) => REPEATED.has(name),
});

// Replies are plain trees of strings; tests index into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tree = any;

export function parse(text: string): Tree {
  return parser.parse(text);
}

/** `{Op}Response/{Op}Result` of a reply. */
export function resultOf(reply: RawReply, operation: string): Tree {
  const tree = parse(reply.text);
  const result = tree?.Envelope?.Body?.[`${operation}Response`]?.[`${operation}Result`];
  if (result === undefined)
    throw new Error(`no ${operation}Result in: ${reply.text.slice(0, 300)}`);
  return result;
}

/** The fault of a reply: its code (without prefix) and text. */
export function faultOf(reply: RawReply): { code: string; text: string } {
  const fault = parse(reply.text)?.Envelope?.Body?.Fault;
  if (!fault) throw new Error(`no fault in: ${reply.text.slice(0, 300)}`);
  return {
    code: String(fault.faultcode["#text"] ?? fault.faultcode).replace(/^\w+:/, ""),
    text: String(fault.faultstring["#text"] ?? fault.faultstring),
  };
}

/** A member's text, or null when it is nil or absent. */
export function value(node: Tree): string | null {
  if (node === undefined || node === null) return null;
  if (typeof node === "object") {
    return node["@nil"] === "true" ? null : String(node["#text"] ?? "");
  }
  return String(node);
}

/** The body element of a reply as a standalone document (for the XSD). */
export function replyBody(reply: RawReply): string {
  const match = /<s:Body>([\s\S]*)<\/s:Body>/.exec(reply.text);
  if (!match?.[1]) throw new Error("no body");
  return match[1];
}
