// docs/openapi.yaml and docs/api.md against the route table: every route documented once,
// with its operation, its path parameters and the error response; nothing documented that
// the API does not answer. The YAML is read by its layout (two-space indents), which the
// file keeps on purpose, rather than by a parser the package does not otherwise need.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_ROUTES, CALLABLE_NAMES } from "../../../src/contract/index.ts";

const docs = (name: string) =>
  readFileSync(new URL(`../../../../docs/${name}`, import.meta.url), "utf8");

interface Documented {
  method: string;
  path: string;
  operationId: string | null;
  text: string;
}

/** The operations under `paths:`: a path at two spaces, a method at four. */
function documentedOperations(yaml: string): Documented[] {
  const lines = yaml.split("\n");
  const start = lines.indexOf("paths:");
  const end = lines.findIndex((line, i) => i > start && /^\S/.test(line));
  const out: Documented[] = [];
  let path = "";
  for (const line of lines.slice(start + 1, end)) {
    const pathMatch = /^ {2}(\/\S*):\s*$/.exec(line);
    if (pathMatch) path = pathMatch[1]!;
    const methodMatch = /^ {4}(get|post|put|patch|delete|head|options):\s*$/.exec(line);
    if (methodMatch) {
      out.push({
        method: methodMatch[1]!.toUpperCase(),
        path,
        operationId: null,
        text: "",
      });
      continue;
    }
    const current = out.at(-1);
    if (current && current.path === path) {
      current.text += `${line}\n`;
      current.operationId ??= /^ {6}operationId: (\w+)\s*$/.exec(line)?.[1] ?? null;
    }
  }
  return out;
}

describe("docs/openapi.yaml", () => {
  const yaml = docs("openapi.yaml");
  const documented = documentedOperations(yaml);

  it("is OpenAPI 3.1", () => {
    expect(yaml.startsWith("openapi: 3.1.0\n")).toBe(true);
  });

  it("documents exactly the API's routes, each with its operation", () => {
    const expected = API_ROUTES.map(
      (route) => `${route.method} ${route.path} ${route.operation}`,
    );
    const actual = documented.map((d) => `${d.method} ${d.path} ${d.operationId}`);
    expect(actual.sort()).toEqual(expected.sort());
  });

  it("declares every path parameter and the shared error response of each route", () => {
    for (const entry of documented) {
      for (const match of entry.path.matchAll(/\{(\w+)\}/g)) {
        const name = match[1]!;
        const declared =
          entry.text.includes(`name: ${name}`) ||
          entry.text.includes(
            `#/components/parameters/${name.charAt(0).toUpperCase()}${name.slice(1)}`,
          );
        expect(declared, `${entry.method} ${entry.path}: ${name}`).toBe(true);
      }
      expect(entry.text, `${entry.method} ${entry.path}`).toContain(
        'default: { $ref: "#/components/responses/Error" }',
      );
    }
  });
});

describe("docs/api.md", () => {
  const text = docs("api.md");

  it("names every callable and every route", () => {
    for (const name of CALLABLE_NAMES) expect(text).toContain(`\`${name}\``);
    for (const route of API_ROUTES) {
      expect(text).toContain(`${route.method} ${route.path}`);
    }
  });
});
