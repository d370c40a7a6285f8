// Reads validated request elements into plain values and writes replies, both driven by the
// compiled reference schema, so the reply's members come out in schema order and in the
// right namespace whatever order the handler built them in. Writing follows WCF's
// DataContractSerializer: a member the handler left out (or set to null) is written as
// i:nil="true" when the schema lets it be nil, and omitted when it is optional and not.
import type { ComplexTypeModel, ElementParticle, TebraSchema } from "../xsd.ts";
import { XMLNS_XSI, escapeXml, isNil, type XmlElement } from "./xml.ts";

/** A reply value: a primitive, null (nil), a member object or a list for a repeated member. */
export type WireValue =
  string | number | boolean | null | undefined | WireObject | WireValue[];
export interface WireObject {
  [member: string]: WireValue;
}

const NUMERIC = new Set([
  "byte",
  "short",
  "int",
  "long",
  "unsignedByte",
  "unsignedShort",
  "unsignedInt",
  "unsignedLong",
  "decimal",
  "double",
  "float",
]);

/** Reads an element the schema check accepted: nil → null, lists → arrays, typed scalars. */
export function readElement(
  schema: TebraSchema,
  element: XmlElement,
  particle: ElementParticle,
): WireValue {
  if (isNil(element)) return null;
  if (particle.type.endsWith("}anyType")) return element.text;
  const type = schema.type(particle.type);
  if (type.kind === "simple") {
    const text = type.builtin === "string" ? element.text : element.text.trim();
    if (type.builtin === "boolean") return text === "true" || text === "1";
    if (NUMERIC.has(type.builtin)) return Number(text);
    return text;
  }
  const out: WireObject = {};
  for (const member of type.particles) {
    const matching = element.children.filter(
      (c) => c.ns === member.ns && c.local === member.name,
    );
    if (member.maxOccurs > 1) {
      if (matching.length)
        out[member.name] = matching.map((c) => readElement(schema, c, member));
    } else if (matching[0]) {
      out[member.name] = readElement(schema, matching[0], member);
    }
  }
  return out;
}

const MEMBER_NAMES = new WeakMap<ComplexTypeModel, Set<string>>();

function memberNames(type: ComplexTypeModel): Set<string> {
  let names = MEMBER_NAMES.get(type);
  if (!names) {
    names = new Set(type.particles.map((p) => p.name));
    MEMBER_NAMES.set(type, names);
  }
  return names;
}

interface Scope {
  defaultNs: string;
  prefixes: Map<string, string>;
}

/** Writes one element of a reply; throws when the value does not fit the schema. */
export function writeElement(
  schema: TebraSchema,
  particle: ElementParticle,
  value: WireValue,
  scope: Scope,
  extraDeclarations = "",
): string {
  let decls = extraDeclarations;
  let name: string;
  let inner: Scope = scope;
  if (particle.ns === scope.defaultNs) name = particle.name;
  else {
    let prefix = scope.prefixes.get(particle.ns);
    if (!prefix) {
      // A new prefix per namespace, declared where first used, as WCF writes them.
      prefix = String.fromCharCode(97 + scope.prefixes.size);
      inner = { defaultNs: scope.defaultNs, prefixes: new Map(scope.prefixes) };
      inner.prefixes.set(particle.ns, prefix);
      decls += ` xmlns:${prefix}="${escapeXml(particle.ns)}"`;
    }
    name = `${prefix}:${particle.name}`;
  }

  if (value === null || value === undefined) {
    if (!particle.nillable)
      throw new Error(`${particle.name} is required and not nillable`);
    return `<${name}${decls} i:nil="true"/>`;
  }
  const type = schema.type(particle.type);
  if (type.kind === "simple") {
    if (typeof value === "object")
      throw new Error(`${particle.name} takes a simple value`);
    return `<${name}${decls}>${escapeXml(String(value))}</${name}>`;
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${particle.name} takes an object of members`);
  }
  // Rows are built once and never changed (rows.ts caches them), so their XML can be kept
  // too, when it does not depend on prefixes declared above it.
  const plain = scope.prefixes.size === 0 && !decls && particle.ns === scope.defaultNs;
  const cached = plain ? WRITTEN.get(value) : undefined;
  if (cached?.particle === particle) return cached.xml;
  const known = memberNames(type);
  for (const key in value) {
    if (!known.has(key)) throw new Error(`${particle.name} has no member ${key}`);
  }

  let body = "";
  for (const member of type.particles) {
    const memberValue = value[member.name];
    if (member.maxOccurs > 1) {
      const items = memberValue ?? [];
      if (!Array.isArray(items)) throw new Error(`${member.name} takes a list`);
      for (const item of items) body += writeElement(schema, member, item, inner);
    } else if (memberValue === undefined || memberValue === null) {
      // A null value type (a long with no value) is left out when it cannot be nil.
      if (member.nillable) body += writeElement(schema, member, null, inner);
      else if (member.minOccurs > 0) throw new Error(`${member.name} is required`);
    } else {
      body += writeElement(schema, member, memberValue, inner);
    }
  }
  const xml = body ? `<${name}${decls}>${body}</${name}>` : `<${name}${decls}/>`;
  if (plain) WRITTEN.set(value, { particle, xml });
  return xml;
}

const WRITTEN = new WeakMap<WireObject, { particle: ElementParticle; xml: string }>();

/**
 * The reply body for an operation: `<{Op}Response><{Op}Result …>{result}</…></…>` with the
 * XMLSchema-instance prefix declared on the result, as WCF does.
 */
export function writeResponse(
  schema: TebraSchema,
  responseNs: string,
  responseElement: string,
  result: WireObject,
): string {
  const wrapper = schema.element(responseNs, responseElement);
  if (!wrapper) throw new Error(`no element ${responseElement}`);
  const wrapperType = schema.complexType(wrapper.type);
  const resultParticle = wrapperType.particles[0];
  if (!resultParticle) throw new Error(`${responseElement} has no result member`);
  const scope: Scope = { defaultNs: responseNs, prefixes: new Map() };
  const inner = writeElement(
    schema,
    resultParticle,
    result,
    scope,
    ` xmlns:i="${XMLNS_XSI}"`,
  );
  return `<${responseElement} xmlns="${escapeXml(responseNs)}">${inner}</${responseElement}>`;
}
