// The roles a caller can hold, in the custom claim `role` (and mirrored in `users/{uid}`).
// What each may do is in policy.ts; who the caller is, once checked, is guard.ts's Caller.

export const ROLES = ["admin", "provider", "staff", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
