// Validation against Tebra's reference XSD (../shared/tebra/wsdl-2025, read at run time and
// never copied into the project). Two validators over the same seven files:
//
// - `loadTebraSchema()` compiles the XSD once per process into a small model and checks a
//   parsed element in microseconds. The local Tebra checks every request with it, and the
//   model also drives how the server writes its replies (members in schema order). The
//   schemas use only sequences of elements, extensions and simple restrictions, which is
//   all the model implements; it refuses to compile anything else rather than guess.
// - `validateWithXmllint()` runs libxml2 itself (xmllint-wasm). The library recompiles the
//   schema on every run (about 1.2 s here), so pass many documents to one call. It is the
//   authority in tests; a test keeps the two validators in agreement.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  XMLNS_XSI,
  attribute,
  isNil,
  parseXml,
  qualifiedName,
  serializeStandalone,
  type XmlElement,
} from "./local-tebra/xml.ts";

export const TEBRA_NS = "http://www.kareo.com/api/schemas/";
/** The no-slash namespace of GetServiceLocations' and GetProcedureCodes' payload. */
export const TEBRA_NS_NO_SLASH = "http://www.kareo.com/api/schemas";
export const SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/";
const XS = "http://www.w3.org/2001/XMLSchema";

/** Where the reference XSDs are: $TEBRA_XSD_DIR, else ../shared beside the repository. */
export function tebraXsdDir(): string {
  return (
    process.env.TEBRA_XSD_DIR ??
    new URL("../../../shared/tebra/wsdl-2025/", import.meta.url).pathname
  );
}

export interface ElementParticle {
  ns: string;
  name: string;
  /** Key of the element's type, `{namespace}name`. */
  type: string;
  nillable: boolean;
  minOccurs: number;
  maxOccurs: number;
}

export interface ComplexTypeModel {
  kind: "complex";
  key: string;
  /** Base type's members first, then the type's own: the order on the wire. */
  particles: ElementParticle[];
}

export interface SimpleTypeModel {
  kind: "simple";
  key: string;
  /** The built-in XSD type it restricts, e.g. "string", "int", "dateTime". */
  builtin: string;
  enumeration: string[] | null;
  /** Patterns as the XSD writes them, and compiled (anchored). */
  patterns: { source: string; regexp: RegExp }[];
}

export type TypeModel = ComplexTypeModel | SimpleTypeModel;

export interface SchemaIssue {
  /** Where, as a path of local names from the validated root ("/GetAppointments/request"). */
  path: string;
  /** libxml2's wording, so messages read the same as xmllint's. */
  message: string;
}

const ANY_TYPE = `{${XS}}anyType`;

const BUILTIN_CHECKS: Record<string, (value: string) => boolean> = {
  string: () => true,
  anyURI: () => true,
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored, no nested repeats; one XML value
  QName: (v) => /^([A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*$/.test(v),
  ID: (v) => /^[A-Za-z_][\w.-]*$/.test(v),
  IDREF: (v) => /^[A-Za-z_][\w.-]*$/.test(v),
  boolean: (v) => /^(true|false|1|0)$/.test(v),
  byte: (v) => integerWithin(v, -128n, 127n),
  short: (v) => integerWithin(v, -32768n, 32767n),
  int: (v) => integerWithin(v, -2147483648n, 2147483647n),
  long: (v) => integerWithin(v, -9223372036854775808n, 9223372036854775807n),
  unsignedByte: (v) => integerWithin(v, 0n, 255n),
  unsignedShort: (v) => integerWithin(v, 0n, 65535n),
  unsignedInt: (v) => integerWithin(v, 0n, 4294967295n),
  unsignedLong: (v) => integerWithin(v, 0n, 18446744073709551615n),
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored, no nested repeats; one XML value
  decimal: (v) => /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v),
  double: isFloat,
  float: isFloat,
  dateTime: isDateTime,
  duration: (v) =>
    // eslint-disable-next-line security/detect-unsafe-regex -- anchored, no nested repeats; one XML value
    /^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(v),
  base64Binary: (v) => /^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(v),
};

function integerWithin(value: string, min: bigint, max: bigint): boolean {
  if (!/^[+-]?\d+$/.test(value)) return false;
  const n = BigInt(value);
  return n >= min && n <= max;
}

function isFloat(value: string): boolean {
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored, no nested repeats; one XML value
  return /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$/.test(value);
}

function isDateTime(value: string): boolean {
  const m =
    // eslint-disable-next-line security/detect-unsafe-regex -- anchored, no nested repeats; one XML value
    /^(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-](\d\d):(\d\d))?$/.exec(
      value,
    );
  if (!m) return false;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(
    Number,
  ) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(Number(m[1]), month))
    return false;
  if (hour > 24 || minute > 59 || second > 59) return false;
  if (hour === 24 && (minute > 0 || second > 0)) return false;
  return !m[9] || (Number(m[9]) <= 14 && Number(m[10]) <= 59);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The compiled reference schema: global elements and named types by `{namespace}name`. */
export class TebraSchema {
  readonly elements = new Map<string, ElementParticle>();
  readonly types = new Map<string, TypeModel>();
  /** Milliseconds spent reading and compiling the files. */
  compileMs = 0;

  /** The global element declaration `{ns}local`, or null. */
  element(ns: string, local: string): ElementParticle | null {
    return this.elements.get(qualifiedName(ns, local)) ?? null;
  }

  type(key: string): TypeModel {
    const type = this.types.get(key);
    if (!type) throw new Error(`the schema has no type ${key}`);
    return type;
  }

  complexType(key: string): ComplexTypeModel {
    const type = this.type(key);
    if (type.kind !== "complex") throw new Error(`${key} is not a complex type`);
    return type;
  }

  /** Validates an element (and everything inside it) against its global declaration. */
  validate(root: XmlElement): SchemaIssue[] {
    const issues: SchemaIssue[] = [];
    const declaration = this.element(root.ns, root.local);
    if (!declaration) {
      issues.push({
        path: `/${root.local}`,
        message: `Element '${qualifiedName(root.ns, root.local)}': No matching global declaration available for the validation root.`,
      });
      return issues;
    }
    this.checkElement(root, declaration, `/${root.local}`, issues);
    return issues;
  }

  /** Parses a standalone document and validates its root element. */
  validateXml(xml: string): SchemaIssue[] {
    return this.validate(parseXml(xml));
  }

  private checkElement(
    element: XmlElement,
    particle: ElementParticle,
    path: string,
    issues: SchemaIssue[],
  ): void {
    const name = qualifiedName(element.ns, element.local);
    const report = (message: string) =>
      issues.push({ path, message: `Element '${name}'${message}` });

    for (const attr of element.attributes) {
      if (attr.ns === XMLNS_XSI && attr.local === "nil") continue;
      const attrName = qualifiedName(attr.ns, attr.local);
      report(`, attribute '${attrName}': The attribute '${attrName}' is not allowed.`);
      return;
    }
    if (attribute(element, XMLNS_XSI, "nil") !== null) {
      if (!particle.nillable) return void report(": The element is not 'nillable'.");
      if (isNil(element)) {
        if (element.children.length > 0 || element.text.trim() !== "") {
          report(": The element cannot have content, since it is nilled.");
        }
        return;
      }
    }
    if (particle.type === ANY_TYPE) return;
    const type = this.type(particle.type);
    if (type.kind === "simple") return this.checkSimple(element, type, report);

    if (element.text.trim() !== "") {
      return void report(
        ": Character content other than whitespace is not allowed because the content type is 'element-only'.",
      );
    }
    this.checkSequence(element, type.particles, path, report, issues);
  }

  private checkSimple(
    element: XmlElement,
    type: SimpleTypeModel,
    report: (message: string) => void,
  ): void {
    const first = element.children[0];
    if (first) {
      return void report(
        ": Element content is not allowed, because the content type is a simple type definition.",
      );
    }
    // Every built-in type but string collapses white space before it is checked.
    const value = type.builtin === "string" ? element.text : element.text.trim();
    const check = BUILTIN_CHECKS[type.builtin];
    if (!check) throw new Error(`no check for xs:${type.builtin}`);
    if (!check(value)) {
      return void report(
        `: '${value}' is not a valid value of the atomic type 'xs:${type.builtin}'.`,
      );
    }
    if (type.enumeration && !type.enumeration.includes(value)) {
      const set = type.enumeration.map((v) => `'${v}'`).join(", ");
      return void report(
        `: [facet 'enumeration'] The value '${value}' is not an element of the set {${set}}.`,
      );
    }
    for (const pattern of type.patterns) {
      if (!pattern.regexp.test(value)) {
        return void report(
          `: [facet 'pattern'] The value '${value}' is not accepted by the pattern '${pattern.source}'.`,
        );
      }
    }
  }

  private checkSequence(
    element: XmlElement,
    particles: readonly ElementParticle[],
    path: string,
    report: (message: string) => void,
    issues: SchemaIssue[],
  ): void {
    let index = 0;
    let count = 0;
    for (const child of element.children) {
      const [fromIndex, fromCount] = [index, count];
      for (;;) {
        const particle = particles[index];
        const matches =
          particle && child.ns === particle.ns && child.local === particle.name;
        if (particle && matches && count < particle.maxOccurs) {
          count++;
          this.checkElement(child, particle, `${path}/${child.local}`, issues);
          break;
        }
        if (!particle || count < particle.minOccurs) {
          issues.push(
            unexpected(child, path, expectedFrom(particles, fromIndex, fromCount)),
          );
          return;
        }
        index++;
        count = 0;
      }
    }
    const missing = expectedFrom(particles, index, count);
    const required = particles.some(
      (p, i) => i >= index && (i === index ? count : 0) < p.minOccurs,
    );
    if (required) {
      report(`: Missing child element(s). Expected is ${expectedList(missing)}.`);
    }
  }
}

/** The members that could come next: up to and including the first one still required. */
function expectedFrom(
  particles: readonly ElementParticle[],
  index: number,
  count: number,
): ElementParticle[] {
  const expected: ElementParticle[] = [];
  for (let i = index; i < particles.length; i++) {
    const particle = particles[i]!;
    const seen = i === index ? count : 0;
    if (seen < particle.maxOccurs) expected.push(particle);
    if (seen < particle.minOccurs) break;
  }
  return expected;
}

/** libxml2 names at most ten expected elements. */
const MAX_EXPECTED = 10;

function expectedList(expected: readonly ElementParticle[]): string {
  const names = expected
    .slice(0, MAX_EXPECTED)
    .map((p) => qualifiedName(p.ns, p.name))
    .join(", ");
  return expected.length === 1 ? `( ${names} )` : `one of ( ${names} )`;
}

function unexpected(
  child: XmlElement,
  parentPath: string,
  expected: readonly ElementParticle[],
): SchemaIssue {
  const name = qualifiedName(child.ns, child.local);
  const tail = expected.length ? ` Expected is ${expectedList(expected)}.` : "";
  return {
    path: `${parentPath}/${child.local}`,
    message: `Element '${name}': This element is not expected.${tail}`,
  };
}

// ---- Compiling the XSD files ------------------------------------------------------------

interface RawComplex {
  key: string;
  base: string | null;
  own: ElementParticle[];
}

function xs(element: XmlElement, local: string): XmlElement[] {
  return element.children.filter((c) => c.ns === XS && c.local === local);
}

function attr(element: XmlElement, name: string): string | null {
  return attribute(element, "", name);
}

function resolveQName(element: XmlElement, qname: string): string {
  const colon = qname.indexOf(":");
  const prefix = colon < 0 ? "" : qname.slice(0, colon);
  const ns = element.scope[prefix];
  if (ns === undefined) throw new Error(`unbound prefix in ${qname}`);
  return qualifiedName(ns, colon < 0 ? qname : qname.slice(colon + 1));
}

class SchemaCompiler {
  readonly complex = new Map<string, RawComplex>();
  readonly simpleBases = new Map<string, string>();
  readonly schema = new TebraSchema();

  addFile(root: XmlElement): void {
    const target = attr(root, "targetNamespace") ?? "";
    if (attr(root, "elementFormDefault") !== "qualified") {
      throw new Error(`schema ${target} is not elementFormDefault="qualified"`);
    }
    for (const node of root.children) {
      if (node.ns !== XS) continue;
      const name = attr(node, "name");
      switch (node.local) {
        case "element":
          this.schema.elements.set(
            qualifiedName(target, name!),
            this.particle(node, target),
          );
          break;
        case "complexType":
          this.addComplex(node, qualifiedName(target, name!), target);
          break;
        case "simpleType":
          this.addSimple(node, qualifiedName(target, name!));
          break;
        case "import":
        case "attribute":
        case "annotation":
          break;
        default:
          throw new Error(`unsupported top-level xs:${node.local}`);
      }
    }
  }

  private particle(node: XmlElement, target: string): ElementParticle {
    const name = attr(node, "name");
    if (!name || attr(node, "ref"))
      throw new Error("element references are not supported");
    const typeAttr = attr(node, "type");
    let type: string;
    if (typeAttr) type = resolveQName(node, typeAttr);
    else {
      const inline = xs(node, "complexType")[0];
      if (!inline) throw new Error(`element ${name} has no type`);
      type = `${qualifiedName(target, name)}#inline`;
      this.addComplex(inline, type, target);
    }
    const max = attr(node, "maxOccurs") ?? "1";
    return {
      ns: target,
      name,
      type,
      nillable: attr(node, "nillable") === "true",
      minOccurs: Number(attr(node, "minOccurs") ?? "1"),
      maxOccurs: max === "unbounded" ? Infinity : Number(max),
    };
  }

  private sequenceOf(holder: XmlElement, target: string): ElementParticle[] {
    const [sequence, ...more] = xs(holder, "sequence");
    const other = holder.children.find(
      (c) =>
        c.ns === XS && !["sequence", "annotation", "complexContent"].includes(c.local),
    );
    if (more.length || other)
      throw new Error("only one xs:sequence per type is supported");
    if (!sequence) return [];
    return sequence.children
      .filter((c) => c.ns === XS && c.local !== "annotation")
      .map((c) => {
        if (c.local !== "element") throw new Error(`unsupported particle xs:${c.local}`);
        return this.particle(c, target);
      });
  }

  private addComplex(node: XmlElement, key: string, target: string): void {
    const content = xs(node, "complexContent")[0];
    if (!content) {
      this.complex.set(key, { key, base: null, own: this.sequenceOf(node, target) });
      return;
    }
    const extension = xs(content, "extension")[0];
    if (!extension) throw new Error(`${key}: only complexContent/extension is supported`);
    this.complex.set(key, {
      key,
      base: resolveQName(extension, attr(extension, "base")!),
      own: this.sequenceOf(extension, target),
    });
  }

  private addSimple(node: XmlElement, key: string): void {
    const restriction = xs(node, "restriction")[0];
    if (!restriction)
      throw new Error(`${key}: only xs:restriction simple types are supported`);
    const base = resolveQName(restriction, attr(restriction, "base")!);
    const enumeration = xs(restriction, "enumeration").map((e) => attr(e, "value")!);
    const patterns = xs(restriction, "pattern").map((p) => {
      const source = attr(p, "value")!;
      // eslint-disable-next-line security/detect-non-literal-regexp -- from the reference XSD
      return { source, regexp: new RegExp(`^(?:${source})$`) };
    });
    this.simpleBases.set(key, base);
    this.schema.types.set(key, {
      kind: "simple",
      key,
      builtin: "",
      enumeration: enumeration.length ? enumeration : null,
      patterns,
    });
  }

  finish(): TebraSchema {
    // Simple types may restrict other simple types (ser:char restricts xs:int).
    for (const type of this.schema.types.values()) {
      if (type.kind !== "simple") continue;
      let base = this.simpleBases.get(type.key)!;
      for (let depth = 0; !base.startsWith(`{${XS}}`); depth++) {
        const parent = this.schema.types.get(base);
        if (!parent || parent.kind !== "simple" || depth > 8)
          throw new Error(`bad base ${base}`);
        type.patterns.push(...parent.patterns);
        type.enumeration ??= parent.enumeration;
        base = this.simpleBases.get(base)!;
      }
      type.builtin = base.slice(XS.length + 2);
      if (!BUILTIN_CHECKS[type.builtin])
        throw new Error(`unsupported base xs:${type.builtin}`);
    }
    for (const name of Object.keys(BUILTIN_CHECKS)) {
      const key = qualifiedName(XS, name);
      this.schema.types.set(key, {
        kind: "simple",
        key,
        builtin: name,
        enumeration: null,
        patterns: [],
      });
    }
    for (const raw of this.complex.values()) {
      this.schema.types.set(raw.key, {
        kind: "complex",
        key: raw.key,
        particles: this.flatten(raw, 0),
      });
    }
    for (const particle of this.allParticles()) {
      if (particle.type !== ANY_TYPE && !this.schema.types.has(particle.type)) {
        throw new Error(`unknown type ${particle.type} for element ${particle.name}`);
      }
    }
    return this.schema;
  }

  private flatten(raw: RawComplex, depth: number): ElementParticle[] {
    if (!raw.base) return raw.own;
    const base = this.complex.get(raw.base);
    if (!base || depth > 8) throw new Error(`unknown base type ${raw.base}`);
    return [...this.flatten(base, depth + 1), ...raw.own];
  }

  private *allParticles(): Generator<ElementParticle> {
    yield* this.schema.elements.values();
    for (const type of this.schema.types.values()) {
      if (type.kind === "complex") yield* type.particles;
    }
  }
}

function xsdFiles(dir: string): { fileName: string; contents: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".xsd"));
  } catch {
    names = [];
  }
  if (!names.some((name) => name === "KareoServices.xsd0.xsd")) {
    throw new Error(
      `Tebra's reference XSDs are not in ${dir}: the local Tebra and the contract tests ` +
        "read ../shared/tebra/wsdl-2025 beside the repository (or set TEBRA_XSD_DIR)",
    );
  }
  // xsd0 first: xmllint takes the first file as the main schema.
  return names.sort().map((fileName) => ({
    fileName,
    contents: readFileSync(join(dir, fileName), "utf8"),
  }));
}

const compiled = new Map<string, TebraSchema>();

/** The reference schema, compiled once per process (and per directory). */
export function loadTebraSchema(dir: string = tebraXsdDir()): TebraSchema {
  const cached = compiled.get(dir);
  if (cached) return cached;
  const started = performance.now();
  const compiler = new SchemaCompiler();
  for (const file of xsdFiles(dir)) compiler.addFile(parseXml(file.contents));
  const schema = compiler.finish();
  schema.compileMs = performance.now() - started;
  compiled.set(dir, schema);
  return schema;
}

// ---- Envelopes --------------------------------------------------------------------------

/** The operation element inside a SOAP 1.1 envelope's Body. */
export function envelopeBody(envelope: XmlElement): XmlElement {
  if (envelope.ns !== SOAP_ENV_NS || envelope.local !== "Envelope") {
    throw new Error(
      `not a SOAP 1.1 envelope: ${qualifiedName(envelope.ns, envelope.local)}`,
    );
  }
  const body = envelope.children.find((c) => c.ns === SOAP_ENV_NS && c.local === "Body");
  const operation = body?.children[0];
  if (!operation) throw new Error("the envelope's Body is empty");
  return operation;
}

/** Validates the operation element of a whole SOAP envelope with the compiled model. */
export function validateEnvelope(envelopeXml: string, dir?: string): SchemaIssue[] {
  return loadTebraSchema(dir).validate(envelopeBody(parseXml(envelopeXml)));
}

/** Takes the operation element out of an envelope as a standalone document for xmllint. */
export function extractBody(envelopeXml: string): string {
  return serializeStandalone(envelopeBody(parseXml(envelopeXml)));
}

// ---- libxml2 through xmllint-wasm -------------------------------------------------------

export interface XmllintReport {
  /** The document's index in the call's input. */
  index: number;
  valid: boolean;
  /** libxml2's messages without file and line. */
  errors: string[];
}

interface XmllintModule {
  validateXML(options: {
    xml: { fileName: string; contents: string }[];
    schema: { fileName: string; contents: string }[];
    preload: { fileName: string; contents: string }[];
    maxMemoryPages?: number;
  }): Promise<{
    valid: boolean;
    errors: { message: string; loc: { fileName: string } | null }[];
  }>;
}

const filesByDir = new Map<string, { fileName: string; contents: string }[]>();

/**
 * Validates standalone documents (operation elements such as `<GetAppointments>` or
 * `<GetAppointmentsResponse>`, with their namespaces declared) in one xmllint run.
 */
export async function validateWithXmllint(
  documents: readonly string[],
  dir: string = tebraXsdDir(),
): Promise<XmllintReport[]> {
  if (documents.length === 0) return [];
  let files = filesByDir.get(dir);
  if (!files) {
    files = xsdFiles(dir);
    filesByDir.set(dir, files);
  }
  const [main, ...rest] = files;
  const xmllint = createRequire(import.meta.url)("xmllint-wasm") as XmllintModule;
  const result = await xmllint.validateXML({
    xml: documents.map((contents, index) => ({ fileName: `doc${index}.xml`, contents })),
    schema: [main!],
    preload: rest,
    // The 615 KB main schema needs more than the default 32 MiB.
    maxMemoryPages: 4096,
  });
  return documents.map((_, index) => {
    const errors = result.errors
      .filter((e) => e.loc?.fileName === `doc${index}.xml`)
      // eslint-disable-next-line security/detect-unsafe-regex -- anchored, no nested repeats; one XML value
      .map((e) => e.message.replace(/^(element [^:]+: )?Schemas validity error : /, ""));
    return { index, valid: errors.length === 0, errors };
  });
}
