// The Firestore-backed secret store of the demo project: shared by every process through
// the emulator, seeded with the local Tebra's synthetic credentials, and shaped like
// Secret Manager (versions, states, aliases).
import { beforeEach, describe, expect, it } from "vitest";
import {
  FirestoreSecretStore,
  LOCAL_SECRETS_COLLECTION,
  LOCAL_TEBRA_CREDENTIALS,
} from "../../../src/platform/localSecrets.ts";
import { SecretCredentials } from "../../../src/tebra/credentials.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { PROJECT_ID } from "../../support/emulators.ts";

beforeEach(() => clearFirestore());

function store() {
  return new FirestoreSecretStore(adminDb(), PROJECT_ID);
}

describe("FirestoreSecretStore on the emulator", () => {
  it("seeds the Tebra credentials on first read, once", async () => {
    const [a, b] = await Promise.all([
      store().access("tebra-credentials"),
      store().access("tebra-credentials"),
    ]);
    expect(JSON.parse(a.value)).toEqual(LOCAL_TEBRA_CREDENTIALS);
    expect(b.version).toBe("1");
    const doc = await adminDb()
      .collection(LOCAL_SECRETS_COLLECTION)
      .doc("tebra-credentials")
      .get();
    expect((doc.get("versions") as unknown[]).length).toBe(1);
  });

  it("gives the Tebra client working credentials from the seed", async () => {
    expect(await new SecretCredentials(store(), "tebra-credentials").get()).toEqual(
      LOCAL_TEBRA_CREDENTIALS,
    );
  });

  it("keeps versions, states and aliases that every process sees", async () => {
    const writer = store();
    const reader = store();
    await writer.access("tebra-credentials");
    const next = await writer.addVersion("tebra-credentials", '{"rotated":true}');
    expect(next).toBe("2");
    expect((await reader.access("tebra-credentials")).version).toBe("2");
    await writer.setAlias("tebra-credentials", "current", "1");
    expect((await reader.access("tebra-credentials", "current")).version).toBe("1");
    expect(await reader.aliases("tebra-credentials")).toEqual({ current: "1" });
    await writer.disableVersion("tebra-credentials", "2");
    expect((await reader.access("tebra-credentials")).version).toBe("1");
    await expect(reader.access("tebra-credentials", "2")).rejects.toMatchObject({
      reason: "disabled",
    });
    expect(
      (await reader.listVersions("tebra-credentials")).map((v) => [v.version, v.state]),
    ).toEqual([
      ["2", "disabled"],
      ["1", "enabled"],
    ]);
  });

  it("answers not-found for a secret that is neither stored nor seeded", async () => {
    await expect(store().access("no-such-secret")).rejects.toMatchObject({
      reason: "not-found",
    });
    expect(await store().listVersions("no-such-secret")).toEqual([]);
  });
});
