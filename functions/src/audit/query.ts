// Auditors' queries over the trail: by patient, by user, by outcome, or the whole trail,
// always within a time range, newest first, a page at a time. Each shape has its composite
// index in firestore.indexes.json; one selector per query keeps that list finite.
import {
  FieldPath,
  Timestamp,
  type Firestore,
  type Query,
} from "firebase-admin/firestore";
import { z } from "zod";
import { AUDIT_EVENTS } from "./collections.ts";
import { AUDIT_OUTCOMES } from "./event.ts";
import { IDENTIFIER } from "./schema.ts";
import { toView, type AuditEventView } from "./view.ts";

export const MAX_PAGE_SIZE = 500;

export const auditQueryInput = z
  .strictObject({
    by: z.enum(["patient", "user", "outcome", "period"]),
    value: z.string().regex(IDENTIFIER).optional(),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    limit: z.int().min(1).max(MAX_PAGE_SIZE).default(100),
    pageToken: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,400}$/)
      .optional(),
  })
  .refine((q) => q.by === "period" || q.value !== undefined, {
    path: ["value"],
    message: "required for this kind of query",
  })
  .refine((q) => q.by !== "outcome" || AUDIT_OUTCOMES.includes(q.value as never), {
    path: ["value"],
    message: "not one of the outcomes",
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), {
    path: ["to"],
    message: "must be after from",
  });

export type AuditQuery = z.output<typeof auditQueryInput>;

export interface AuditQueryPage {
  events: AuditEventView[];
  /** Present when more events match; pass it back as `pageToken`. */
  nextPageToken?: string;
}

interface Cursor {
  seconds: number;
  nanos: number;
  id: string;
}

export function encodePageToken(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.seconds, cursor.nanos, cursor.id])).toString(
    "base64url",
  );
}

/** The cursor in a token, or null when the token is not one we issued. */
export function decodePageToken(token: string): Cursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 3) return null;
    const [seconds, nanos, id] = value as unknown[];
    if (!Number.isSafeInteger(seconds) || !Number.isSafeInteger(nanos)) return null;
    if (typeof id !== "string" || !IDENTIFIER.test(id)) return null;
    return { seconds: seconds as number, nanos: nanos as number, id };
  } catch {
    return null;
  }
}

export class InvalidPageTokenError extends Error {
  override name = "InvalidPageTokenError";
}

function selector(base: Query, query: AuditQuery): Query {
  switch (query.by) {
    case "patient":
      return base.where("patientIds", "array-contains", query.value);
    case "user":
      return base.where("agent.uid", "==", query.value);
    case "outcome":
      return base.where("outcome", "==", query.value);
    case "period":
      return base;
  }
}

export async function queryAuditEvents(
  db: Firestore,
  query: AuditQuery,
): Promise<AuditQueryPage> {
  let q = selector(db.collection(AUDIT_EVENTS), query)
    .where("recorded", ">=", Timestamp.fromDate(new Date(query.from)))
    .where("recorded", "<", Timestamp.fromDate(new Date(query.to)))
    .orderBy("recorded", "desc")
    .orderBy(FieldPath.documentId(), "desc");
  if (query.pageToken) {
    const cursor = decodePageToken(query.pageToken);
    if (!cursor) throw new InvalidPageTokenError("page token not recognised");
    q = q.startAfter(new Timestamp(cursor.seconds, cursor.nanos), cursor.id);
  }
  // One more than asked tells whether another page exists.
  const snapshot = await q.limit(query.limit + 1).get();
  const docs = snapshot.docs.slice(0, query.limit);
  const page: AuditQueryPage = { events: docs.map(toView) };
  const last = docs[docs.length - 1];
  if (snapshot.docs.length > query.limit && last) {
    const recorded = last.get("recorded") as Timestamp;
    page.nextPageToken = encodePageToken({
      seconds: recorded.seconds,
      nanos: recorded.nanoseconds,
      id: last.id,
    });
  }
  return page;
}
