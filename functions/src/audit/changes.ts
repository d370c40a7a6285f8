// Which fields a write changed: the names only, never the values.
import { isDeepStrictEqual } from "node:util";

type Data = Record<string, unknown> | undefined;

export function changedFields(before: Data, after: Data): string[] {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...names]
    .filter((name) => !isDeepStrictEqual(before?.[name], after?.[name]))
    .sort();
}

export type ChangeKind = "create" | "update" | "delete";

export function changeKind(before: Data, after: Data): ChangeKind {
  if (!before) return "create";
  if (!after) return "delete";
  return "update";
}
