import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROLES } from "../../../src/identity/caller.ts";
import { OPERATIONS, POLICY } from "../../../src/identity/policy.ts";

const DOC = new URL("../../../../docs/identity.md", import.meta.url);

/** The matrix as docs/identity.md shows it, built from the table in the code. */
function matrix(): string {
  const header = `| Operation | PHI | ${ROLES.join(" | ")} |`;
  const rule = `| --- | --- | ${ROLES.map(() => "---").join(" | ")} |`;
  const rows = OPERATIONS.map((name) => {
    const row = POLICY[name];
    const cells = ROLES.map((role) => row.access[role]?.purposeOfUse ?? "—");
    return `| ${name} | ${row.phi ? "yes" : "no"} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}

describe("docs/identity.md", () => {
  it("shows the same role-by-operation matrix as the policy table", () => {
    const text = readFileSync(DOC, "utf8");
    const block =
      /<!-- policy-matrix:start -->\n([\s\S]*?)\n<!-- policy-matrix:end -->/.exec(text);
    expect(block, "the matrix markers are missing").not.toBeNull();
    expect(block![1]).toBe(matrix());
  });
});
