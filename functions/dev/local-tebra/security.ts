// The credential check every operation starts with, and the SecurityResponse block it
// answers: the texts of API notes §6 for a wrong key, user or password, or practice.
import type { WireObject } from "./codec.ts";
import { LOCAL_TEBRA_CREDENTIALS, LOCAL_TEBRA_CUSTOMER_ID } from "./credentials.ts";
import type { Fault } from "./faults.ts";

export type SecurityCase =
  "ok" | "bad-key" | "unknown-user" | "bad-password" | "not-authorized";

/**
 * The account's API users: the synthetic one, plus any a test adds. A disabled user is
 * what an expired or deleted Tebra user looks like ("Unable to find user.").
 */
export class ApiUsers {
  private readonly users = new Map<string, { password: string; enabled: boolean }>();

  constructor() {
    this.add(LOCAL_TEBRA_CREDENTIALS.user, LOCAL_TEBRA_CREDENTIALS.password);
  }

  /** Adds a user (or sets the password of an existing one) and enables it. */
  add(user: string, password: string): void {
    this.users.set(user, { password, enabled: true });
  }

  disable(user: string): boolean {
    const found = this.users.get(user);
    if (found) found.enabled = false;
    return found !== undefined;
  }

  enable(user: string): boolean {
    const found = this.users.get(user);
    if (found) found.enabled = true;
    return found !== undefined;
  }

  /** Enables every user again (reset() between tests); added users stay. */
  enableAll(): void {
    for (const user of this.users.values()) user.enabled = true;
  }

  /** The RequestHeader's (or GetCustomerIdFromKey's) CustomerKey, User and Password. */
  check(credentials: WireObject | null): SecurityCase {
    if (credentials?.CustomerKey !== LOCAL_TEBRA_CREDENTIALS.customerKey)
      return "bad-key";
    const user =
      typeof credentials.User === "string" ? this.users.get(credentials.User) : null;
    if (!user?.enabled) return "unknown-user";
    if (credentials.Password !== user.password) return "bad-password";
    return "ok";
  }
}

export function securityFromFault(fault: Fault): SecurityCase {
  switch (fault.kind) {
    case "invalid-credentials":
      return "bad-password";
    case "unknown-user":
      return "unknown-user";
    case "not-authorized":
      return "not-authorized";
    default:
      return "ok";
  }
}

const SECURITY_RESULT: Record<SecurityCase, string> = {
  ok: "Success",
  "bad-key": "Invalid customer key.",
  "unknown-user": "Unable to find user.",
  "bad-password": "Invalid user name and/or password",
  "not-authorized": "The user is not authorized for the requested practice.",
};

export function securityResponse(security: SecurityCase): WireObject {
  const keyValid = security !== "bad-key";
  const authenticated = security === "ok" || security === "not-authorized";
  return {
    Authenticated: authenticated,
    Authorized: security === "ok",
    CustomerId: keyValid ? LOCAL_TEBRA_CUSTOMER_ID : 0,
    CustomerKeyValid: keyValid,
    PermissionsMissing: null,
    PracticesAuthorized: authenticated ? { PracticeID: { int: [1] } } : null,
    SecurityResult: SECURITY_RESULT[security],
    SecurityResultSuccess: security === "ok",
  };
}
