// What a sync runs on in production, built inside a handler (parameters are read there):
// the process's Tebra client behind a fresh call-counting source, the field cipher (one per
// instance: it keeps the key versions it has read), Firestore and the settings.
import { accessConfig, tebraConfig } from "../../config.ts";
import { FieldCipher } from "../../crypto/fieldCipher.ts";
import { db } from "../../platform/firebase.ts";
import { secretStore } from "../../platform/secretStore.ts";
import { tebraClient } from "../../tebra/instance.ts";
import type { SyncDeps } from "./run.ts";
import { syncSettings } from "./settings.ts";
import { ClientScheduleSource } from "./source.ts";

let cipher: { secretName: string; cipher: FieldCipher } | undefined;

function fieldCipher(secretName: string): FieldCipher {
  if (cipher?.secretName !== secretName) {
    cipher = { secretName, cipher: new FieldCipher(secretStore(), { secretName }) };
  }
  return cipher.cipher;
}

/** Dependencies for one run (the source counts that run's calls). */
export function productionSyncDeps(): SyncDeps {
  const tebra = tebraConfig();
  return {
    db: db(),
    source: new ClientScheduleSource(tebraClient()),
    cipher: fieldCipher(accessConfig().fieldEncryptionKeySecret),
    settings: syncSettings({
      practiceId: tebra.practiceId,
      timeZone: tebra.practiceTimeZone,
    }),
    now: Date.now,
  };
}
