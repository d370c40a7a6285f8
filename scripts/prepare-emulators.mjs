#!/usr/bin/env node
// Prepares the Java emulators for this offline machine and prints `export` lines for the
// Firebase CLI. The CLI would download the Firestore JAR from Google; here it cannot, so we
// point it (FIRESTORE_EMULATOR_BINARY_PATH) at a launcher JAR whose manifest names the main
// class and puts the real JAR on the class path. Fails loudly when no JAR exists: the rules
// and trigger tests guard PHI and must never be skipped.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { crc32 } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, ".emulators");
const FIRESTORE_MAIN = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";

// System package first, the shared fallback second; a colon-separated override for tests.
const firestoreCandidates = (
  process.env.FIRESTORE_JAR_SEARCH_PATH ??
  [
    "/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar",
    resolve(root, "../shared/emulators/cloud-firestore-emulator.jar"),
  ].join(":")
).split(":");
const pubsubCandidates = (
  process.env.PUBSUB_EMULATOR_SEARCH_PATH ??
  "/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator"
).split(":");

function fail(message) {
  process.stderr.write(`prepare-emulators: ${message}\n`);
  process.exit(1);
}

function checkJava() {
  try {
    const out = execFileSync("java", ["-version"], { encoding: "utf8", stdio: "pipe" });
    return out;
  } catch (error) {
    if (error.code === "ENOENT") {
      fail(
        "Java is not installed, and the Firestore emulator is a Java program. " +
          "Install a JRE 17 or newer (.ci/run does: apt-get install openjdk-17-jre-headless).",
      );
    }
    return String(error.stderr ?? "");
  }
}

// A JAR is a zip; one stored (uncompressed) entry is all a launcher needs.
function zipWithOneFile(name, content) {
  const nameBytes = Buffer.from(name, "utf8");
  const data = Buffer.from(content, "utf8");
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const centralOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

function firestoreLauncher() {
  const jar = firestoreCandidates.find((candidate) => candidate && existsSync(candidate));
  if (!jar) {
    fail(
      "the Cloud Firestore emulator JAR is missing. Looked in:\n" +
        firestoreCandidates.map((c) => `  - ${c}`).join("\n") +
        "\nInstall google-cloud-cli-firestore-emulator, or place the JAR in ../shared/emulators/. " +
        "The rules and trigger tests cannot run without it.",
    );
  }
  // Manifest lines are limited to 72 bytes; continuation lines start with one space.
  const classPath = `Class-Path: ${pathToFileURL(jar).href}`;
  const wrapped = classPath.match(/.{1,70}/g).join("\r\n ");
  const manifest =
    `Manifest-Version: 1.0\r\nMain-Class: ${FIRESTORE_MAIN}\r\n${wrapped}\r\n\r\n`;
  const launcher = join(outDir, "firestore-launcher.jar");
  writeFileSync(launcher, zipWithOneFile("META-INF/MANIFEST.MF", manifest));
  return { jar, launcher };
}

function pubsubWrapper() {
  const binary = pubsubCandidates.find((candidate) => candidate && existsSync(candidate));
  if (!binary) return undefined;
  const wrapper = join(outDir, "pubsub-emulator.sh");
  writeFileSync(wrapper, `#!/bin/sh\nexec '${binary}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return { binary, wrapper };
}

mkdirSync(outDir, { recursive: true });
checkJava();
const firestore = firestoreLauncher();
const pubsub = pubsubWrapper();

process.stderr.write(`prepare-emulators: Firestore emulator JAR ${firestore.jar}\n`);
process.stderr.write(
  pubsub
    ? `prepare-emulators: Pub/Sub emulator ${pubsub.binary}\n`
    : "prepare-emulators: no Pub/Sub emulator on this machine; scheduled functions are " +
        "invoked through the Functions emulator's trigger route instead\n",
);
const lines = [
  `export FIRESTORE_EMULATOR_BINARY_PATH='${firestore.launcher}'`,
  `export FIRESTORE_EMULATOR_JAR='${firestore.jar}'`,
  pubsub
    ? `export PUBSUB_EMULATOR_BINARY_PATH='${pubsub.wrapper}'\nexport PUBSUB_AVAILABLE=1`
    : "export PUBSUB_AVAILABLE=0",
];
process.stdout.write(lines.join("\n") + "\n");
