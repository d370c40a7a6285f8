// Who is calling, from a verified Firebase ID token. Roles live in the custom claim `role`.

export const ROLES = ["admin", "provider", "staff", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export interface CallerDescription {
  uid: string;
  role: Role | null;
}

/** Custom claims arrive as an open record; we read only the ones we know. */
export type CallerToken = Readonly<Record<string, unknown>>;

export function describeCaller(uid: string, token: CallerToken): CallerDescription {
  const role = token["role"];
  return { uid, role: isRole(role) ? role : null };
}
