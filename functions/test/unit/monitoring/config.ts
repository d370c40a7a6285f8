// What the monitoring tests read: the files under monitoring/ as parsed JSON, and the log
// catalog (functions/src/logs.ts) as text: every event it writes with the fields its line
// carries. Text rather than an import, so that an event counts even if nothing calls it.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../../../", import.meta.url));

export interface LogMetric {
  name: string;
  description: string;
  filter: string;
  metricDescriptor: {
    metricKind: string;
    valueType: string;
    labels?: Array<{ key: string; valueType: string }>;
  };
  labelExtractors?: Record<string, string>;
}

export interface Aggregation {
  alignmentPeriod: string;
  perSeriesAligner: string;
  crossSeriesReducer?: string;
  groupByFields?: string[];
}

export interface AlertPolicy {
  displayName: string;
  severity: string;
  combiner: string;
  conditions: Array<{
    displayName: string;
    conditionThreshold: {
      filter: string;
      aggregations: Aggregation[];
      comparison: string;
      thresholdValue: number;
      duration: string;
      evaluationMissingData?: string;
    };
  }>;
  notificationChannels: string[];
  documentation: { mimeType: string; content: string };
}

export interface ConfigFile<T> {
  file: string;
  /** The file name without `.json`. */
  name: string;
  json: T;
}

function readJsonFiles<T>(folder: string): Array<ConfigFile<T>> {
  const dir = `${root}monitoring/${folder}/`;
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({
      file: `monitoring/${folder}/${file}`,
      name: file.slice(0, -".json".length),
      json: JSON.parse(readFileSync(dir + file, "utf8")) as T,
    }));
}

export function readMetrics(): Array<ConfigFile<LogMetric>> {
  return readJsonFiles<LogMetric>("metrics");
}

export function readPolicies(): Array<ConfigFile<AlertPolicy>> {
  return readJsonFiles<AlertPolicy>("policies");
}

/** `logging.googleapis.com/user/NAME` in a condition's filter: the metric it watches. */
export function watchedMetric(filter: string): string | undefined {
  return /metric\.type="logging\.googleapis\.com\/user\/([a-z0-9_]+)"/.exec(filter)?.[1];
}

/** Event names a Cloud Logging filter matches with `jsonPayload.event="…"`. */
export function filterEvents(filter: string): string[] {
  return [...filter.matchAll(/jsonPayload\.event="([^"]+)"/g)].map((m) => m[1]!);
}

/** The keys of a flat object or type literal: `a, b: x` or `a: string; b?: number`. */
function keysIn(literal: string): string[] {
  return literal
    .split(/[,;\n]/)
    .map((part) => /^\s*(\w+)\??\s*(?::|$)/.exec(part)?.[1])
    .filter((key): key is string => key !== undefined);
}

/** The text between the `{` at `start` and its matching `}`. */
function braced(text: string, start: number): string {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "{") depth++;
    if (text[i] === "}" && --depth === 0) return text.slice(start + 1, i);
  }
  return "";
}

/** Event name → the fields of its line (`event` and `message` included). */
export function catalogEvents(): Map<string, Set<string>> {
  const source = readFileSync(`${root}functions/src/logs.ts`, "utf8");
  const events = new Map<string, Set<string>>();
  for (const fn of source.split(/\n(?=export function )/)) {
    for (const call of fn.matchAll(/\bwrite\(([\s\S]*?)\);/g)) {
      const args = call[1]!;
      const event = /"([a-z]+\.[a-z_]+)"/.exec(args);
      if (!event) continue;
      const fields = new Set(["event", "message"]);
      const rest = args.slice(event.index + event[0].length);
      const literal = rest.indexOf("{");
      if (literal >= 0) {
        for (const key of keysIn(braced(rest, literal))) fields.add(key);
      } else {
        // A parameter passed whole: its fields are those of its type in the signature.
        const param = /,\s*(\w+)\s*$/.exec(rest)?.[1];
        const declared = param ? fn.indexOf(`${param}: {`) : -1;
        if (declared >= 0) {
          const type = braced(fn, fn.indexOf("{", declared));
          for (const key of keysIn(type)) fields.add(key);
        }
      }
      events.set(event[1]!, fields);
    }
  }
  return events;
}
