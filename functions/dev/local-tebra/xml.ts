// A small namespace-aware XML tree over fast-xml-parser: enough for SOAP envelopes and the
// reference XSDs. Every element carries its resolved namespace, so checks compare
// `{namespace}name` pairs (what WCF and the XSD compare), never prefixes.
import { XMLParser, XMLValidator } from "fast-xml-parser";

export const XMLNS_XSI = "http://www.w3.org/2001/XMLSchema-instance";
const XMLNS_XML = "http://www.w3.org/XML/1998/namespace";

export interface XmlAttribute {
  ns: string;
  local: string;
  value: string;
}

export interface XmlElement {
  /** The resolved namespace URI; "" when the element is in no namespace. */
  ns: string;
  local: string;
  /** The prefix as written ("" for none); kept only for messages. */
  prefix: string;
  /** Attributes other than namespace declarations. */
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** Direct character content (text and CDATA), concatenated. */
  text: string;
  /** Prefix → URI for every namespace in scope here ("" is the default namespace). */
  scope: Readonly<Record<string, string>>;
  parent: XmlElement | null;
}

/** Raised for input that is not well-formed XML (or uses a prefix it never declared). */
export class XmlSyntaxError extends Error {
  override name = "XmlSyntaxError";
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: "#comment",
  cdataPropName: "#cdata",
});

type RawNode = Record<string, unknown> & { ":@"?: Record<string, string> };

function splitName(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(":");
  return colon < 0 ? ["", qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

function rawText(nodes: unknown): string {
  if (!Array.isArray(nodes)) return "";
  return (nodes as RawNode[])
    .map((node) => (typeof node["#text"] === "string" ? node["#text"] : ""))
    .join("");
}

function build(
  name: string,
  content: RawNode[],
  attrs: Record<string, string>,
  parent: XmlElement | null,
): XmlElement {
  const scope: Record<string, string> = { ...(parent?.scope ?? { xml: XMLNS_XML }) };
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "xmlns") scope[""] = value;
    else if (key.startsWith("xmlns:")) scope[key.slice(6)] = value;
  }
  const [prefix, local] = splitName(name);
  const ns = scope[prefix];
  if (ns === undefined)
    throw new XmlSyntaxError(`Namespace prefix '${prefix}' is not defined`);

  const element: XmlElement = {
    ns,
    local,
    prefix,
    attributes: [],
    children: [],
    text: "",
    scope,
    parent,
  };
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "xmlns" || key.startsWith("xmlns:")) continue;
    const [attrPrefix, attrLocal] = splitName(key);
    // Unprefixed attributes are in no namespace (the default namespace does not apply).
    const attrNs = attrPrefix ? scope[attrPrefix] : "";
    if (attrNs === undefined) {
      throw new XmlSyntaxError(`Namespace prefix '${attrPrefix}' is not defined`);
    }
    element.attributes.push({ ns: attrNs, local: attrLocal, value });
  }

  let text = "";
  for (const node of content) {
    if (typeof node["#text"] === "string") text += node["#text"];
    else if ("#cdata" in node) text += rawText(node["#cdata"]);
    else if ("#comment" in node) continue;
    else {
      const childName = Object.keys(node).find((key) => key !== ":@");
      if (!childName) continue;
      const child = node[childName];
      element.children.push(
        build(
          childName,
          Array.isArray(child) ? (child as RawNode[]) : [],
          node[":@"] ?? {},
          element,
        ),
      );
    }
  }
  element.text = text;
  return element;
}

/** Parses a document and answers its root element; malformed input throws XmlSyntaxError. */
export function parseXml(xml: string): XmlElement {
  // A DTD has no place in a SOAP message (WCF refuses one too); refusing it also keeps
  // entity expansion out of reach.
  if (/<!DOCTYPE/i.test(xml)) throw new XmlSyntaxError("DTD is prohibited");
  const check = XMLValidator.validate(xml);
  if (check !== true) throw new XmlSyntaxError(check.err.msg);
  const roots = (parser.parse(xml) as RawNode[]).filter(
    (node) => !("#text" in node) && !("#comment" in node),
  );
  const root = roots[0];
  const name = root && Object.keys(root).find((key) => key !== ":@");
  if (!root || !name || roots.length > 1) {
    throw new XmlSyntaxError("A document must have exactly one root element");
  }
  const content = root[name];
  return build(
    name,
    Array.isArray(content) ? (content as RawNode[]) : [],
    root[":@"] ?? {},
    null,
  );
}

/** `{namespace}local`, the form schema messages use (just `local` without a namespace). */
export function qualifiedName(ns: string, local: string): string {
  return ns ? `{${ns}}${local}` : local;
}

export function attribute(element: XmlElement, ns: string, local: string): string | null {
  return element.attributes.find((a) => a.ns === ns && a.local === local)?.value ?? null;
}

export function isNil(element: XmlElement): boolean {
  const nil = attribute(element, XMLNS_XSI, "nil");
  return nil !== null && /^\s*(true|1)\s*$/.test(nil);
}

export function childrenNamed(element: XmlElement, local: string): XmlElement[] {
  return element.children.filter((child) => child.local === local);
}

export function child(element: XmlElement, ns: string, local: string): XmlElement | null {
  return element.children.find((c) => c.ns === ns && c.local === local) ?? null;
}

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/**
 * Writes an element back out with every namespace it uses declared on itself, so that it
 * stands alone as a document (what xmllint needs when a body is taken out of its envelope).
 */
export function serializeStandalone(element: XmlElement): string {
  return write(element, {}, true);
}

function write(
  element: XmlElement,
  declared: Record<string, string>,
  top: boolean,
): string {
  const decls: string[] = [];
  const inScope = { ...declared };
  const need = (prefix: string, ns: string) => {
    if (inScope[prefix] !== ns) {
      inScope[prefix] = ns;
      decls.push(
        prefix ? ` xmlns:${prefix}="${escapeXml(ns)}"` : ` xmlns="${escapeXml(ns)}"`,
      );
    }
  };
  if (top) {
    for (const [prefix, ns] of Object.entries(element.scope)) {
      if (prefix !== "xml") need(prefix, ns);
    }
  }
  need(element.prefix, element.ns);
  const name = element.prefix ? `${element.prefix}:${element.local}` : element.local;
  const attrs = element.attributes
    .map((a) => {
      if (!a.ns) return ` ${a.local}="${escapeXml(a.value)}"`;
      const prefix =
        Object.entries(element.scope).find(([p, ns]) => p && ns === a.ns)?.[0] ?? "a0";
      need(prefix, a.ns);
      return ` ${prefix}:${a.local}="${escapeXml(a.value)}"`;
    })
    .join("");
  const inner =
    element.children.length > 0
      ? element.children.map((c) => write(c, inScope, false)).join("")
      : escapeXml(element.text);
  return `<${name}${decls.join("")}${attrs}>${inner}</${name}>`;
}
