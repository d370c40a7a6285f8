// Minimum necessary, mechanically: a reply keeps only the fields its caller's role may see.
// Fields are dotted paths ("appointments.patientName"); arrays are walked through, so a path
// applies to every element. A path that ends on an object keeps the whole object (only the
// non-PHI rows of the policy use that). Anything not named is dropped, so a field a handler
// adds without a policy row never leaves the function.

type Tree = Map<string, Tree | true>;

function treeOf(paths: readonly string[]): Tree {
  const root: Tree = new Map();
  for (const path of paths) {
    const segments = path.split(".");
    let node = root;
    segments.forEach((segment, index) => {
      if (index === segments.length - 1) {
        node.set(segment, true);
        return;
      }
      const existing = node.get(segment);
      if (existing === true) return;
      const child: Tree = existing ?? new Map<string, Tree | true>();
      node.set(segment, child);
      node = child;
    });
  }
  return root;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function walk(
  value: unknown,
  tree: Tree,
  prefix: string,
  disclosed: Set<string>,
): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => walk(item, tree, prefix, disclosed));
  }
  if (!isRecord(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of tree) {
    if (!Object.hasOwn(value, key) || value[key] === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (child === true) {
      out[key] = value[key];
      disclosed.add(path);
      continue;
    }
    const projected = walk(value[key], child, path, disclosed);
    if (projected !== undefined) out[key] = projected;
  }
  return out;
}

export interface Projection {
  /** The reply with only the allowed fields; `{}` when the reply was not an object. */
  value: unknown;
  /** The paths that were present and kept, sorted: what the audit event names. */
  disclosed: string[];
}

/** Keeps only the named paths of `value`. */
export function project(value: unknown, paths: readonly string[]): Projection {
  const disclosed = new Set<string>();
  const projected = walk(value, treeOf(paths), "", disclosed);
  return { value: projected ?? {}, disclosed: [...disclosed].sort() };
}
