// The demo project's parameters (functions/.env.demo-tebra-bridge) in process.env, as the
// Firebase CLI sets them for the emulator. Parameters read nothing else at run time: an
// int parameter missing from the environment reads 0, not its default.
import { readFileSync } from "node:fs";

const ENV_FILE = new URL("../../.env.demo-tebra-bridge", import.meta.url);

export function useDemoParams(overrides: Record<string, string> = {}): void {
  const text = readFileSync(ENV_FILE, "utf8");
  for (const match of text.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)) {
    const [, name, value] = match;
    const unquoted = value!.trim().replace(/^"(.*)"$|^'(.*)'$/, "$1$2");
    if (process.env[name!] === undefined) process.env[name!] = unquoted;
  }
  Object.assign(process.env, overrides);
}
