// Whether a user was inactive when an event happened, from `users/{uid}`: the profile's
// `active` flag and the time the profile was last written. A profile that is inactive now
// and has not changed since before the event was inactive at the event; one written after
// the event may have been deactivated after it, so that event is not held against the user.
// One read per user per run, batched per page.
import type { Firestore } from "firebase-admin/firestore";

interface ProfileFacts {
  active: boolean;
  updatedMs: number;
}

export class ProfileCache {
  private readonly db: Firestore;
  private readonly known = new Map<string, ProfileFacts | null>();

  constructor(db: Firestore) {
    this.db = db;
  }

  /** Reads the profiles not yet known, in one round trip. */
  async load(uids: Iterable<string>): Promise<void> {
    const missing: string[] = [];
    for (const uid of new Set(uids)) {
      if (this.known.has(uid)) continue;
      // Not a possible document id: no profile to find.
      if (uid.includes("/") || uid === "." || uid === "..") this.known.set(uid, null);
      else missing.push(uid);
    }
    if (missing.length === 0) return;
    const refs = missing.map((uid) => this.db.collection("users").doc(uid));
    const snapshots = await this.db.getAll(...refs, { fieldMask: ["active"] });
    snapshots.forEach((snapshot, index) => {
      const uid = missing[index]!;
      if (!snapshot.exists || !snapshot.updateTime) {
        this.known.set(uid, null);
        return;
      }
      this.known.set(uid, {
        active: snapshot.get("active") === true,
        updatedMs: snapshot.updateTime.toMillis(),
      });
    });
  }

  /** True only when the profile exists, is inactive, and was last written before `ms`. */
  inactiveAt = (uid: string, ms: number): boolean => {
    const facts = this.known.get(uid);
    return (
      facts !== undefined && facts !== null && !facts.active && facts.updatedMs <= ms
    );
  };
}
