// Which limit applies to which call, and under which key. Calls count per user and per
// operation; patient search has its own, stricter limit; refused calls (failed
// authentication or authorization) count per uid, or per IP address for a signed-out caller,
// and once over their limit every call from that uid or address is refused for a while.
import { createHash } from "node:crypto";
import type { AccessConfig } from "../config.ts";
import type { LimitRule } from "./window.ts";

/** The limit an operation's calls count against (from its policy row). */
export type LimitClass = "standard" | "search";

export interface LimitSettings {
  standard: LimitRule;
  search: LimitRule;
  authFailures: LimitRule;
}

function atLeastOne(value: number): number {
  return Number.isFinite(value) && value >= 1 ? Math.floor(value) : 1;
}

export function limitSettings(config: AccessConfig): LimitSettings {
  const window = atLeastOne(config.rateLimitWindowSeconds);
  return {
    standard: {
      limit: atLeastOne(config.rateLimitCallsPerWindow),
      windowSeconds: window,
    },
    search: {
      limit: atLeastOne(config.rateLimitSearchesPerWindow),
      windowSeconds: window,
    },
    authFailures: {
      limit: atLeastOne(config.rateLimitAuthFailuresPerWindow),
      windowSeconds: atLeastOne(config.rateLimitAuthFailureWindowSeconds),
    },
  };
}

export function operationKey(operation: string, uid: string): string {
  return `op:${operation}:${uid}`;
}

/** Refusals count per uid; a signed-out caller is known only by a hash of its address. */
export function authFailureKey(uid: string | null, ip: string | undefined): string {
  if (uid) return `auth:uid:${uid}`;
  const address = ip ?? "unknown";
  return `auth:ip:${createHash("sha256").update(address).digest("hex").slice(0, 32)}`;
}
