/**
 * Reference for filter tests: a direct interpreter of the documented filter
 * semantics (types.ts `Filter`), written without reference to
 * js/src/filter.ts (no compilation, no shared helpers).
 */
import type { Filter, Metadata } from 'minivectordb';

interface Resolved {
  found: boolean;
  value?: unknown;
}

function refResolve(meta: Metadata | undefined, path: string): Resolved {
  let cur: unknown = meta ?? {};
  for (const seg of path.split('.')) {
    if (Array.isArray(cur)) {
      const i = Number(seg);
      if (!/^[0-9]+$/.test(seg) || String(i) !== seg || i >= cur.length) return { found: false };
      cur = cur[i];
    } else if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, seg)) {
      cur = (cur as Record<string, unknown>)[seg];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}

/** The value itself and, for an array, each of its elements. */
function candidates(r: Resolved): unknown[] {
  if (!r.found) return [];
  return Array.isArray(r.value) ? [r.value, ...r.value] : [r.value];
}

function refOp(op: string, arg: unknown, r: Resolved): boolean {
  const c = candidates(r);
  const sameType = (x: unknown): boolean => typeof x === typeof arg;
  switch (op) {
    case '$eq':
      return c.some((x) => x === arg);
    case '$ne':
      return !refOp('$eq', arg, r);
    case '$in':
      return (arg as unknown[]).some((a) => refOp('$eq', a, r));
    case '$nin':
      return !refOp('$in', arg, r);
    case '$gt':
      return c.some((x) => sameType(x) && (x as number) > (arg as number));
    case '$gte':
      return c.some((x) => sameType(x) && (x as number) >= (arg as number));
    case '$lt':
      return c.some((x) => sameType(x) && (x as number) < (arg as number));
    case '$lte':
      return c.some((x) => sameType(x) && (x as number) <= (arg as number));
    case '$exists':
      return r.found === arg;
    case '$not':
      return !Object.entries(arg as object).every(([o, a]) => refOp(o, a, r));
    default:
      throw new Error(`reference: unknown operator ${op}`);
  }
}

export function refMatch(meta: Metadata | undefined, f: Filter): boolean {
  return Object.entries(f).every(([key, v]) => {
    if (key === '$and') return (v as Filter[]).every((s) => refMatch(meta, s));
    if (key === '$or') return (v as Filter[]).some((s) => refMatch(meta, s));
    if (key === '$not') return !refMatch(meta, v as Filter);
    const r = refResolve(meta, key);
    if (v !== null && typeof v === 'object') return Object.entries(v).every(([o, a]) => refOp(o, a, r));
    return refOp('$eq', v, r);
  });
}

