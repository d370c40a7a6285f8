// Three layers, one runner. scripts/test.sh runs each project inside the emulators it
// needs; a layer started without its emulators fails in its setup and says why.
import { defineConfig } from "vitest/config";

const shared = {
  environment: "node" as const,
  env: { GCLOUD_PROJECT: "demo-tebra-bridge", TZ: process.env.TZ ?? "UTC" },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
        },
      },
      {
        test: {
          ...shared,
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          setupFiles: ["test/support/requireFirestoreEmulator.ts"],
          // One emulator, shared state: files run one after another.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          ...shared,
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          setupFiles: ["test/support/requireFullStack.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
