// Reading list filters as Tebra does: blank members are ignored, names compare without
// case, dates are parsed loosely, and a missing Filter is the null-reference error.
import type { DateTime } from "luxon";
import type { WireObject, WireValue } from "./codec.ts";
import { parseFilterDate, type FilterDate } from "./dates.ts";
import {
  NotAuthorizedError,
  TebraError,
  nullReference,
  type OperationContext,
} from "./handler.ts";

/** A filter member's text, or null when absent, nil or blank (Tebra ignores blanks). */
export function text(filter: WireObject, member: string): string | null {
  const value = filter[member];
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

export function sameText(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function filterDate(
  filter: WireObject,
  member: string,
  zone: string,
): FilterDate | null {
  const value = text(filter, member);
  if (value === null) return null;
  const parsed = parseFilterDate(value, zone);
  if (!parsed) throw new TebraError("String was not recognized as a valid DateTime.");
  return parsed;
}

/**
 * An inclusive instant range from a From/To pair; a bare date as `To` means the end of that
 * clinic-local day.
 */
export function instantRange(
  filter: WireObject,
  from: string,
  to: string,
  zone: string,
): ((instant: DateTime) => boolean) | null {
  const start = filterDate(filter, from, zone);
  const end = filterDate(filter, to, zone);
  if (!start && !end) return null;
  const startMs = start ? start.instant.toMillis() : -Infinity;
  const endMs = end
    ? end.dateOnly
      ? end.instant.endOf("day").toMillis()
      : end.instant.toMillis()
    : Infinity;
  return (instant) => instant.toMillis() >= startMs && instant.toMillis() <= endMs;
}

export function requireFilter(request: WireObject, operation: string): WireObject {
  const filter = request.Filter;
  if (!filter || typeof filter !== "object" || Array.isArray(filter)) {
    throw nullReference(operation, "ValidateDateTimeFields");
  }
  return filter;
}

/** PracticeName (and PracticeID where the guide requires it) must name our practice. */
export function checkPractice(
  filter: WireObject,
  context: OperationContext,
  required: { name: boolean; id: boolean },
): void {
  const name = text(filter, "PracticeName");
  const id = text(filter, "PracticeID");
  if (required.name && name === null) throw new TebraError("PracticeName is required.");
  if (required.id && id === null) throw new TebraError("PracticeID is required.");
  const practice = context.practice.practice;
  if (name !== null && !sameText(name, practice.name)) throw new NotAuthorizedError();
  if (id !== null && id !== String(practice.id)) throw new NotAuthorizedError();
}

/** A typed member's number, or null when absent or nil. */
export function numberOrNull(value: WireValue): number | null {
  return typeof value === "number" ? value : null;
}
