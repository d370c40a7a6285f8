// The deployed package's version, read once from package.json beside src/ and lib/.
import { readFileSync } from "node:fs";

const PACKAGE_JSON = new URL("../package.json", import.meta.url);

// eslint-disable-next-line security/detect-non-literal-fs-filename -- a fixed path
const pkg = JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { version?: string };

export const VERSION = pkg.version ?? "0.0.0";
