// TLS to Tebra: version 1.2 at least, the usual chain and host name checks, and on top of
// them certificate pinning by SPKI SHA-256 (the base64 SHA-256 of the DER public key, as
// in HPKP's pin-sha256). A pin may name any certificate of the chain the server presents,
// so the list can hold the current and the next key (or the issuing CA's) while they rotate.
import { X509Certificate, createHash } from "node:crypto";
import { Agent } from "node:https";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import * as logs from "../logs.ts";

export const PIN_MISMATCH_CODE = "ERR_TLS_SPKI_PIN_MISMATCH";

/**
 * The pin of one certificate: base64 SHA-256 of its SubjectPublicKeyInfo DER. Taken from
 * the certificate's DER (`raw`), since Node's `pubkey` is SPKI for RSA keys only (for EC
 * keys it is the bare point).
 */
export function spkiPin(certificate: Pick<PeerCertificate, "raw">): string {
  const spki = new X509Certificate(certificate.raw).publicKey.export({
    type: "spki",
    format: "der",
  });
  return createHash("sha256").update(spki).digest("base64");
}

/** The pins of the chain as presented, leaf first. */
export function chainPins(leaf: PeerCertificate): string[] {
  const pins: string[] = [];
  const seen = new Set<PeerCertificate>();
  let current: PeerCertificate | undefined = leaf;
  while (current && !seen.has(current) && current.raw) {
    seen.add(current);
    pins.push(spkiPin(current));
    const issuer: PeerCertificate | undefined = (
      current as PeerCertificate & { issuerCertificate?: PeerCertificate }
    ).issuerCertificate;
    current = issuer;
  }
  return pins;
}

/** Splits the TEBRA_SPKI_PINS value (comma separated) and rejects anything not a pin. */
export function parsePins(value: string): string[] {
  const pins = value
    .split(",")
    .map((pin) => pin.trim())
    .filter(Boolean);
  for (const pin of pins) {
    if (!/^[A-Za-z0-9+/]{43}=$/.test(pin)) {
      throw new Error("TEBRA_SPKI_PINS holds something that is not a base64 SHA-256 pin");
    }
  }
  return pins;
}

export class PinMismatchError extends Error {
  override name = "PinMismatchError";
  readonly code = PIN_MISMATCH_CODE;

  constructor(host: string) {
    super(`the certificate of ${host} matches none of the configured SPKI pins`);
  }
}

export interface PinnedAgentOptions {
  /** Accepted pins; empty means no pinning (allowed only for a loopback endpoint). */
  pins: readonly string[];
  /** Extra trust anchors, for a local test server's self-signed certificate. */
  ca?: string | Buffer | Array<string | Buffer>;
  keepAlive?: boolean;
}

/** An https.Agent that refuses TLS below 1.2 and any server whose chain matches no pin. */
export function pinnedAgent(options: PinnedAgentOptions): Agent {
  const pins = new Set(options.pins);
  return new Agent({
    keepAlive: options.keepAlive ?? true,
    minVersion: "TLSv1.2",
    ...(options.ca !== undefined && { ca: options.ca }),
    checkServerIdentity(host, certificate) {
      const identityError = checkServerIdentity(host, certificate);
      if (identityError) return identityError;
      if (pins.size === 0) return undefined;
      const presented = chainPins(certificate);
      if (presented.some((pin) => pins.has(pin))) return undefined;
      logs.tebraTlsPinMismatch(host, presented);
      return new PinMismatchError(host);
    },
  });
}
