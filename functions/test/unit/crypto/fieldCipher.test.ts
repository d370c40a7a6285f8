import { describe, expect, it } from "vitest";
import { FieldCipher, isEnvelope, newFieldKey } from "../../../src/crypto/fieldCipher.ts";
import { InMemorySecretStore } from "../../../src/platform/secrets.ts";

const SECRET = "field-encryption-key";
const PLACE = "breakGlass/g1#reason";

async function setup() {
  const store = new InMemorySecretStore();
  await store.addVersion(SECRET, newFieldKey());
  let clock = 0;
  const cipher = new FieldCipher(store, { secretName: SECRET, now: () => clock });
  return { store, cipher, advance: (ms: number) => (clock += ms) };
}

describe("FieldCipher", () => {
  it("round-trips a value, and the envelope does not contain it", async () => {
    const { cipher } = await setup();
    const envelope = await cipher.encrypt("Synthetic reason: chest pain", PLACE);
    expect(isEnvelope(envelope)).toBe(true);
    expect(envelope).not.toContain("chest");
    expect(await cipher.decrypt(envelope, PLACE)).toBe("Synthetic reason: chest pain");
  });

  it("uses a fresh IV each time", async () => {
    const { cipher } = await setup();
    expect(await cipher.encrypt("same", PLACE)).not.toBe(
      await cipher.encrypt("same", PLACE),
    );
  });

  it("refuses a ciphertext moved to another record (associated data)", async () => {
    const { cipher } = await setup();
    const envelope = await cipher.encrypt("value", PLACE);
    await expect(cipher.decrypt(envelope, "breakGlass/g2#reason")).rejects.toThrow(
      "failed authentication",
    );
  });

  it("refuses a ciphertext whose bytes were changed", async () => {
    const { cipher } = await setup();
    const envelope = await cipher.encrypt("value", PLACE);
    // Flip a bit of the ciphertext's bytes, not a character of its text: the last base64
    // character also carries padding bits, and changing only those changes no byte.
    const parts = envelope.split(":");
    const body = Buffer.from(parts.at(-1)!, "base64url");
    body[0] = body[0]! ^ 0x01;
    parts[parts.length - 1] = body.toString("base64url");
    await expect(cipher.decrypt(parts.join(":"), PLACE)).rejects.toThrow(
      "failed authentication",
    );
  });

  it("keeps old data readable after rotation, and seals new data with the new key", async () => {
    const { store, cipher, advance } = await setup();
    const old = await cipher.encrypt("before rotation", PLACE);
    await store.addVersion(SECRET, newFieldKey());
    advance(6 * 60_000);
    const fresh = await cipher.encrypt("after rotation", PLACE);
    expect(FieldCipher.keyVersionOf(old)).toBe("1");
    expect(FieldCipher.keyVersionOf(fresh)).toBe("2");
    expect(await cipher.decrypt(old, PLACE)).toBe("before rotation");
    expect(await cipher.decrypt(fresh, PLACE)).toBe("after rotation");
  });

  it("follows the 'current' alias when the secret has one", async () => {
    const { store, cipher } = await setup();
    await store.addVersion(SECRET, newFieldKey());
    await store.setAlias(SECRET, "current", "1");
    expect(FieldCipher.keyVersionOf(await cipher.encrypt("x", PLACE))).toBe("1");
  });

  it("cannot open data sealed with a disabled key version", async () => {
    const { store } = await setup();
    const writer = new FieldCipher(store, { secretName: SECRET });
    const envelope = await writer.encrypt("x", PLACE);
    await store.disableVersion(SECRET, "1");
    const reader = new FieldCipher(store, { secretName: SECRET });
    await expect(reader.decrypt(envelope, PLACE)).rejects.toThrow("unavailable");
  });

  it("rejects text that is not an envelope", async () => {
    const { cipher } = await setup();
    await expect(cipher.decrypt("plain text", PLACE)).rejects.toThrow(
      "not an encrypted field",
    );
  });
});
