// The CI gates themselves: each must fail when fed what it guards against. Everything
// planted here lives in a temporary folder, never in the repository.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const scripts = fileURLToPath(new URL("../../../../scripts/gates/", import.meta.url));

function run(command: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(command, args, { encoding: "utf8", env: { ...process.env, ...env } });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "gate-"));
}

describe("the credential scan gate", () => {
  it("fails on a private key and names the file, without printing the key", () => {
    const dir = tempDir();
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    writeFileSync(join(dir, "deploy-key.pem"), pem);
    const result = run("bash", [join(scripts, "scan-secrets.sh"), dir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("deploy-key.pem");
    expect(result.stdout).toContain("PrivateKey");
    expect(result.stdout + result.stderr).not.toContain(pem.split("\n")[1]!);
  });

  it("passes a folder with nothing secret in it", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "notes.md"), "The local Tebra uses local-api-user.\n");
    expect(run("bash", [join(scripts, "scan-secrets.sh"), dir]).status).toBe(0);
  });
});

function lockfileWith(dependencies: Record<string, string>): string {
  const dir = tempDir();
  const packages: Record<string, object> = { "": { name: "planted", version: "1.0.0" } };
  for (const [name, version] of Object.entries(dependencies)) {
    packages[`node_modules/${name}`] = { version };
  }
  writeFileSync(
    join(dir, "package-lock.json"),
    JSON.stringify({ name: "planted", lockfileVersion: 3, packages }),
  );
  return dir;
}

function audit(dir: string, env: Record<string, string> = {}) {
  return run(process.execPath, [join(scripts, "audit-deps.mjs"), "--dir", dir], {
    AUDIT_FORCE_OFFLINE: "1",
    ...env,
  });
}

describe("the dependency audit gate", () => {
  it("fails on a known-vulnerable production dependency and names the advisory", () => {
    const result = audit(lockfileWith({ minimist: "1.2.5", ms: "2.1.3" }));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("FAIL critical GHSA-xvch-5gv4-984h minimist@1.2.5");
  });

  it("passes the patched version of the same dependency", () => {
    expect(audit(lockfileWith({ minimist: "1.2.8" })).status).toBe(0);
  });

  it("accepts an advisory listed as an exception until the exception expires", () => {
    const dir = lockfileWith({ minimist: "1.2.5" });
    const exceptions = join(dir, "exceptions.json");
    writeFileSync(
      exceptions,
      JSON.stringify({
        exceptions: [
          {
            id: "GHSA-xvch-5gv4-984h",
            package: "minimist",
            reason: "only parses our own fixed arguments",
            expires: "2027-01-31",
          },
        ],
      }),
    );
    const env = { AUDIT_EXCEPTIONS: exceptions };
    expect(audit(dir, { ...env, AUDIT_TODAY: "2027-01-15" }).status).toBe(0);
    const expired = audit(dir, { ...env, AUDIT_TODAY: "2027-02-01" });
    expect(expired.status).toBe(1);
    expect(expired.stdout).toContain("exception expired on 2027-01-31");
  });

  it("ignores development-only dependencies", () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "package-lock.json"),
      JSON.stringify({
        lockfileVersion: 3,
        packages: { "": {}, "node_modules/minimist": { version: "1.2.5", dev: true } },
      }),
    );
    expect(audit(dir).status).toBe(0);
  });
});
