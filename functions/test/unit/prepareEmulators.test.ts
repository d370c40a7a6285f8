import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(
  new URL("../../../scripts/prepare-emulators.mjs", import.meta.url),
);

function prepare(env: Record<string, string>) {
  return spawnSync(process.execPath, [script], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
}

describe("scripts/prepare-emulators.mjs", () => {
  it("fails, naming every place it looked, when no Firestore JAR exists", () => {
    const result = prepare({
      FIRESTORE_JAR_SEARCH_PATH: "/nonexistent/a.jar:/nonexistent/b.jar",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("the Cloud Firestore emulator JAR is missing");
    expect(result.stderr).toContain("/nonexistent/a.jar");
    expect(result.stderr).toContain("/nonexistent/b.jar");
    expect(result.stdout).toBe("");
  });

  it("reports a machine without the Pub/Sub emulator instead of failing", () => {
    const result = prepare({ PUBSUB_EMULATOR_SEARCH_PATH: "/nonexistent/pubsub" });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("export PUBSUB_AVAILABLE=0");
    expect(result.stdout).toMatch(
      /export FIRESTORE_EMULATOR_BINARY_PATH='.+launcher\.jar'/,
    );
  });
});
