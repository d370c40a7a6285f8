// The process's SecretStore: Secret Manager in production, the Firestore-backed local store
// for a demo-* project (the Emulator Suite and the tests), always behind a short cache so
// that a new version or a moved alias takes effect within SECRET_CACHE_SECONDS.
import type { Firestore } from "firebase-admin/firestore";
import { defineInt } from "firebase-functions/params";
import { inEmulator } from "../config.ts";
import { db } from "./firebase.ts";
import { FirestoreSecretStore, isDemoProject } from "./localSecrets.ts";
import { CachingSecretStore, DEFAULT_SECRET_CACHE_MS } from "./secretCache.ts";
import { SecretManagerStore } from "./secretManager.ts";

const secretCacheSeconds = defineInt("SECRET_CACHE_SECONDS", {
  default: 300,
  description:
    "How long a secret value is reused before Secret Manager is read again " +
    "(a rotated secret takes effect within this time)",
});

export function projectId(): string | undefined {
  return process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT;
}

export interface SecretStoreOptions {
  projectId?: string | undefined;
  ttlMs?: number;
  /** Firestore for the local store (default: the Admin SDK's). */
  firestore?: () => Firestore;
}

/** A new store for the given project; `secretStore()` is the process's shared one. */
export function createSecretStore(options: SecretStoreOptions = {}): CachingSecretStore {
  const project = options.projectId;
  const ttlMs = options.ttlMs ?? DEFAULT_SECRET_CACHE_MS;
  if (isDemoProject(project)) {
    return new CachingSecretStore(
      new FirestoreSecretStore((options.firestore ?? db)(), project),
      ttlMs,
    );
  }
  if (inEmulator() || !project) {
    // The emulator with a real project id would read production secrets: refuse.
    throw new Error("secrets need a demo-* project in the emulator, or a project id");
  }
  return new CachingSecretStore(new SecretManagerStore(project), ttlMs);
}

let shared: { key: string; store: CachingSecretStore } | undefined;

/** The process's store, built on first use inside a handler. */
export function secretStore(): CachingSecretStore {
  const project = projectId();
  const seconds = secretCacheSeconds.value() || 300;
  const key = `${project ?? ""}:${seconds}`;
  if (shared?.key !== key) {
    shared = {
      key,
      store: createSecretStore({ projectId: project, ttlMs: seconds * 1000 }),
    };
  }
  return shared.store;
}
