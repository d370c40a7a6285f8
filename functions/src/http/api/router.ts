// Matches a request's method and path against the route table (contract/routes.ts).
// Paths are compared segment by segment; a `{name}` segment matches any one non-empty
// segment and yields it, percent-decoded, as a request field for validation to judge.
import { API_ROUTES, type ApiRoute } from "../../contract/index.ts";

export type RouteMatch =
  | { kind: "route"; route: ApiRoute; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: ApiRoute["method"][] }
  | { kind: "no-route" };

function segments(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

const compiled = API_ROUTES.map((route) => ({ route, parts: segments(route.path) }));

function matchParts(
  pattern: readonly string[],
  actual: readonly string[],
): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    const segment = actual[i]!;
    const name = /^\{(\w+)\}$/.exec(expected)?.[1];
    if (name) {
      let value: string;
      try {
        value = decodeURIComponent(segment);
      } catch {
        return null;
      }
      params[name] = value;
    } else if (expected !== segment) {
      return null;
    }
  }
  return params;
}

/** The route for `method` and `path`; a literal segment wins over a parameter. */
export function matchRoute(method: string, path: string): RouteMatch {
  const actual = segments(path);
  const allowed: ApiRoute["method"][] = [];
  let best: { route: ApiRoute; params: Record<string, string> } | null = null;
  let bestParams = Infinity;
  for (const { route, parts } of compiled) {
    const params = matchParts(parts, actual);
    if (!params) continue;
    if (route.method !== method) {
      if (!allowed.includes(route.method)) allowed.push(route.method);
      continue;
    }
    const count = Object.keys(params).length;
    if (count < bestParams) {
      best = { route, params };
      bestParams = count;
    }
  }
  if (best) return { kind: "route", ...best };
  return allowed.length ? { kind: "method-not-allowed", allowed } : { kind: "no-route" };
}

/** The methods some route answers at `path` (for a CORS preflight). */
export function methodsAt(path: string): ApiRoute["method"][] {
  const actual = segments(path);
  const methods = new Set<ApiRoute["method"]>();
  for (const { route, parts } of compiled) {
    if (matchParts(parts, actual)) methods.add(route.method);
  }
  return [...methods];
}
