// What the verifier can find, each naming the event or the seal concerned.
export const FINDING_KINDS = [
  /** A sealed event whose content no longer matches its leaf hash. */
  "edited",
  /** A sealed event that is gone. */
  "deleted",
  /** An event in a sealed stretch of its shard that no seal lists. */
  "inserted",
  /** An event older than the grace period that no seal covers yet. */
  "unsealed",
  /** A seal whose HMAC, Merkle root, chain link or Cloud Logging copy does not match. */
  "seal-tampered",
  /** A seal missing from the chain (a gap, or a copy in Cloud Logging with no seal). */
  "seal-missing",
  /** A seal older than the grace period with no copy in Cloud Logging. */
  "seal-unlogged",
  /** A seal whose key version cannot be read, so its HMAC cannot be checked. */
  "key-unavailable",
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  kind: FindingKind;
  shard: number | null;
  seq: number | null;
  eventId: string | null;
  /** A short code saying what did not match ("hmac", "leaf", "log-copy", …). */
  detail: string;
}

export function finding(
  kind: FindingKind,
  detail: string,
  where: { shard?: number | null; seq?: number | null; eventId?: string | null } = {},
): Finding {
  return {
    kind,
    shard: where.shard ?? null,
    seq: where.seq ?? null,
    eventId: where.eventId ?? null,
    detail,
  };
}

/**
 * One finding per event and kind. An event moved (its time or shard edited) shows up both
 * as missing where it was sealed and as unlisted where it now sits: it was edited.
 */
export function consolidate(findings: readonly Finding[]): Finding[] {
  const edited = new Set(
    findings.filter((f) => f.kind === "edited" && f.eventId).map((f) => f.eventId),
  );
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    if (f.kind === "inserted" && f.eventId && edited.has(f.eventId)) continue;
    const key = `${f.kind}|${f.shard}|${f.seq}|${f.eventId}|${f.detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}
