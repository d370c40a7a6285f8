// A seal fixes a batch of one shard's events: the leaf hash of each event (over its
// canonical form, id included), their Merkle root, the hash of the shard's previous seal
// (a chain), and an HMAC over all of it with a key the database does not hold. Anyone who
// can write Firestore but not read the key can neither edit a sealed event nor forge a
// seal; the copy of every seal in Cloud Logging anchors the chain's head.
import { Timestamp, type DocumentData } from "firebase-admin/firestore";
import { canonicalJson, hmacSha256Hex, sha256Hex } from "./canonical.ts";
import { leafHash, merkleRoot } from "./merkle.ts";

export const SEAL_ALGORITHM = "rfc6962-sha256/hmac-sha256/v1";
/** The previous-seal hash of a shard's first seal. */
export const GENESIS_HASH = "0".repeat(64);
const HMAC_CONTEXT = "tebra-bridge/audit-seal/v1\n";

export interface SealBody {
  algorithm: string;
  shard: number;
  /** 1 for a shard's first seal, then one more per seal, without gaps. */
  seq: number;
  prevSealHash: string;
  /** `recorded` of the first and last event listed. */
  fromTime: Timestamp;
  toTime: Timestamp;
  /** In the sealer's order: by `recorded`, then by id. */
  eventIds: string[];
  leafHashes: string[];
  merkleRoot: string;
  /** The Secret Manager version of the HMAC key. */
  keyVersion: string;
  sealedAt: Timestamp;
}

export interface Seal extends SealBody {
  hmac: string;
}

/** The leaf of one stored event: its id and its data, canonically serialised. */
export function eventLeafHash(id: string, data: DocumentData): string {
  return leafHash(canonicalJson({ id, data }));
}

export function sealHmac(key: string, body: SealBody): string {
  return hmacSha256Hex(key, HMAC_CONTEXT + canonicalJson(bodyOf(body)));
}

/** The hash the next seal of the shard links to; covers every field, the HMAC too. */
export function sealHash(seal: Seal): string {
  return sha256Hex(canonicalJson({ ...bodyOf(seal), hmac: seal.hmac }));
}

/** Only the body's own fields, whatever else the object carries. */
export function bodyOf(seal: SealBody): SealBody {
  const {
    algorithm,
    shard,
    seq,
    prevSealHash,
    fromTime,
    toTime,
    eventIds,
    leafHashes,
    merkleRoot: root,
    keyVersion,
    sealedAt,
  } = seal;
  return {
    algorithm,
    shard,
    seq,
    prevSealHash,
    fromTime,
    toTime,
    eventIds,
    leafHashes,
    merkleRoot: root,
    keyVersion,
    sealedAt,
  };
}

export interface SealInput {
  shard: number;
  seq: number;
  prevSealHash: string;
  /** The events in the sealer's order, with their stored data. */
  events: ReadonlyArray<{ id: string; data: DocumentData }>;
  key: { version: string; value: string };
  sealedAt: Timestamp;
}

export function makeSeal(input: SealInput): Seal {
  const first = input.events[0];
  const last = input.events[input.events.length - 1];
  if (!first || !last) throw new RangeError("a seal needs at least one event");
  const leafHashes = input.events.map((event) => eventLeafHash(event.id, event.data));
  const body: SealBody = {
    algorithm: SEAL_ALGORITHM,
    shard: input.shard,
    seq: input.seq,
    prevSealHash: input.prevSealHash,
    fromTime: first.data["recorded"] as Timestamp,
    toTime: last.data["recorded"] as Timestamp,
    eventIds: input.events.map((event) => event.id),
    leafHashes,
    merkleRoot: merkleRoot(leafHashes),
    keyVersion: input.key.version,
    sealedAt: input.sealedAt,
  };
  return { ...body, hmac: sealHmac(input.key.value, body) };
}

// ---- The JSON form, for Cloud Logging (whose payloads hold no Firestore types) ---------

export type SealJson = Omit<Seal, "fromTime" | "toTime" | "sealedAt"> & {
  fromTime: string;
  toTime: string;
  sealedAt: string;
  sealHash: string;
};

function timestampText(value: Timestamp): string {
  return `${value.seconds}.${String(value.nanoseconds).padStart(9, "0")}`;
}

function timestampFrom(text: unknown): Timestamp {
  const match = /^(-?\d+)\.(\d{9})$/.exec(String(text));
  if (!match) throw new TypeError("not a seal timestamp");
  return new Timestamp(Number(match[1]), Number(match[2]));
}

export function sealToJson(seal: Seal): SealJson {
  return {
    ...bodyOf(seal),
    fromTime: timestampText(seal.fromTime),
    toTime: timestampText(seal.toTime),
    sealedAt: timestampText(seal.sealedAt),
    hmac: seal.hmac,
    sealHash: sealHash(seal),
  };
}

/** A seal from its JSON form; throws when a field is missing or of the wrong type. */
export function sealFromJson(json: Record<string, unknown>): Seal {
  const strings = (value: unknown): string[] => {
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
      throw new TypeError("not a list of strings");
    }
    return value;
  };
  return {
    algorithm: String(json["algorithm"]),
    shard: Number(json["shard"]),
    seq: Number(json["seq"]),
    prevSealHash: String(json["prevSealHash"]),
    fromTime: timestampFrom(json["fromTime"]),
    toTime: timestampFrom(json["toTime"]),
    eventIds: strings(json["eventIds"]),
    leafHashes: strings(json["leafHashes"]),
    merkleRoot: String(json["merkleRoot"]),
    keyVersion: String(json["keyVersion"]),
    sealedAt: timestampFrom(json["sealedAt"]),
    hmac: String(json["hmac"]),
  };
}

/** A stored seal document's data as a Seal (the document holds exactly these fields). */
export function sealFromDocument(data: DocumentData): Seal {
  return { ...bodyOf(data as SealBody), hmac: String(data["hmac"]) };
}
