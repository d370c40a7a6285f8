// Ending every user's sessions, for an incident lockdown. Two things, because either alone
// leaves a gap: Firebase Auth's refresh tokens are revoked (no new ID token can be minted),
// and each profile's `sessionsRevokedAt` is set (the guard refuses an ID token signed in
// before it, so a token minted before the lockdown is dead at once, not in up to an hour).
// Users are read a page at a time; the caller may be spared so that the admin running the
// incident keeps the one session that can end the lockdown.
import { Timestamp, type Firestore } from "firebase-admin/firestore";

/** The part of firebase-admin's Auth this needs. */
export interface SessionAuth {
  listUsers(
    maxResults?: number,
    pageToken?: string,
  ): Promise<{ users: ReadonlyArray<{ uid: string }>; pageToken?: string }>;
  revokeRefreshTokens(uid: string): Promise<void>;
}

export interface RevokeOptions {
  /** A uid whose sessions stay (the admin running the lockdown), or null for none. */
  except: string | null;
  now: Date;
  pageSize?: number;
  concurrency?: number;
}

export interface RevokeResult {
  revoked: number;
  failed: number;
}

async function inPool<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

export async function revokeAllSessions(
  auth: SessionAuth,
  db: Firestore,
  options: RevokeOptions,
): Promise<RevokeResult> {
  const result: RevokeResult = { revoked: 0, failed: 0 };
  const revokedAt = Timestamp.fromDate(options.now);
  let pageToken: string | undefined;
  do {
    const page = await auth.listUsers(options.pageSize ?? 1000, pageToken);
    const uids = page.users
      .map((user) => user.uid)
      .filter((uid) => uid !== options.except);

    await inPool(uids, options.concurrency ?? 10, async (uid) => {
      try {
        await auth.revokeRefreshTokens(uid);
        result.revoked += 1;
      } catch {
        result.failed += 1;
      }
    });

    // Only profiles that exist: a user without one is refused by the guard anyway.
    const writer = db.bulkWriter();
    for (const uid of uids) {
      if (uid.includes("/")) continue;
      writer
        .update(db.collection("users").doc(uid), { sessionsRevokedAt: revokedAt })
        .catch(() => undefined);
    }
    await writer.close();
    pageToken = page.pageToken;
  } while (pageToken);
  return result;
}
