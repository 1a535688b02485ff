/**
 * The filter language (MongoDB-style operators over metadata) compiled once
 * per call into a predicate. `filter/planner.ts` evaluates it over the live
 * records (or the candidates of an equality index) into a bitset over
 * internal labels, which the core applies inside the graph walk (never a JS
 * callback per visited node, never post-filtering).
 *
 * The semantics are documented on the public {@link Filter} type
 * (`types.ts`); this file implements exactly that and nothing else.
 * @internal
 */
import { InvalidArgumentError } from './errors.js';
import type { Metadata, MetadataValue } from './types.js';
import { describe, isPlainObject } from './check.js';

/** A compiled filter: true when a record's metadata (undefined: none) matches. */
export type FilterPredicate = (meta: Metadata | undefined) => boolean;

/** A value found at a path, or `undefined` when the path does not resolve (field missing). */
type Found = MetadataValue | undefined;
type DocTest = (root: Metadata) => boolean;
type ValueTest = (v: Found) => boolean;

/** Deepest nesting of `$and` / `$or` / `$not` / operator objects accepted (also stops circular filters). */
const MAX_DEPTH = 64;
const LOGICAL = ['$and', '$or', '$not'] as const;
const FIELD_OPS = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$exists', '$not'] as const;
/** Records without metadata are filtered as if their metadata were `{}`. */
const NO_METADATA: Metadata = Object.freeze({}) as Metadata;
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * Checks a filter and compiles it into a predicate over metadata.
 * @throws InvalidArgumentError naming the offending part of the filter
 *   (unknown operator, operand of the wrong type, malformed path, nesting deeper than 64).
 */
export function compileFilter(filter: unknown): FilterPredicate {
  const test = compileDoc(filter, 'filter', 0);
  return (meta) => test(meta ?? NO_METADATA);
}

/** A value of a filter operand: string, finite number, boolean or null. */
export type Scalar = string | number | boolean | null;

/** An equality every match must meet: the value at `path` is (or, for an array, holds) one of `values`. */
export interface EqualityHint {
  path: string;
  values: readonly Scalar[];
  /** The filter is this equality and nothing else: meeting it is matching. */
  whole: boolean;
}

/**
 * The equality conjuncts of a filter already checked by {@link compileFilter}:
 * top-level (or under top-level `$and`) `path: value`, `path: { $eq }` and
 * `path: { $in }`. Every record matching the filter meets each hint, so an
 * index on one hint's path gives a superset of the matches.
 */
export function equalityHints(filter: unknown): EqualityHint[] {
  const out: EqualityHint[] = [];
  const walk = (f: Record<string, unknown>, top: boolean): void => {
    const keys = Object.keys(f);
    for (const key of keys) {
      const v = f[key];
      if (key === '$and') for (const sub of v as Record<string, unknown>[]) walk(sub, false);
      if (key.startsWith('$')) continue;
      const alone = top && keys.length === 1;
      if (!isPlainObject(v)) out.push({ path: key, values: [v as Scalar], whole: alone });
      else if (Object.hasOwn(v, '$eq')) out.push({ path: key, values: [v.$eq as Scalar], whole: alone && Object.keys(v).length === 1 });
      else if (Object.hasOwn(v, '$in')) out.push({ path: key, values: v.$in as Scalar[], whole: alone && Object.keys(v).length === 1 });
    }
  };
  walk(filter as Record<string, unknown>, true);
  return out;
}

/** One bound of a range: `value` and whether it is included ($gte/$lte) or not ($gt/$lt). */
export interface RangeBound {
  value: number | string;
  inclusive: boolean;
}

/**
 * A range every match must meet: some value at `path` of `type` (the value
 * itself or an element of an array there) is above `lower` and some is below
 * `upper` (at least one bound is set). With both bounds the two may be
 * different elements of one array, as in MongoDB.
 */
export interface RangeHint {
  path: string;
  type: 'number' | 'string';
  lower?: RangeBound;
  upper?: RangeBound;
}

/**
 * The range conjuncts of a filter already checked by {@link compileFilter}:
 * `$gt`, `$gte`, `$lt`, `$lte` in `path: { … }` at the top level or under a
 * top-level `$and`, one hint per path and operand type (the tighter bound
 * kept when both `$gt` and `$gte`, or `$lt` and `$lte`, are given). Every
 * record matching the filter meets each hint.
 */
export function rangeHints(filter: unknown): RangeHint[] {
  const out: RangeHint[] = [];
  const walk = (f: Record<string, unknown>): void => {
    for (const key of Object.keys(f)) {
      const v = f[key];
      if (key === '$and') for (const sub of v as Record<string, unknown>[]) walk(sub);
      if (key.startsWith('$') || !isPlainObject(v)) continue;
      const byType = new Map<string, RangeHint>();
      for (const [op, lowerSide] of [['$gt', true], ['$gte', true], ['$lt', false], ['$lte', false]] as const) {
        if (!Object.hasOwn(v, op)) continue;
        const value = v[op] as number | string;
        const type = typeof value as 'number' | 'string';
        const hint = byType.get(type) ?? { path: key, type };
        byType.set(type, hint);
        const bound = { value, inclusive: op.length === 4 };
        const side = lowerSide ? 'lower' : 'upper';
        const have = hint[side];
        const tighter =
          have === undefined ||
          (lowerSide ? value > have.value : value < have.value) ||
          (value === have.value && !bound.inclusive);
        if (tighter) hint[side] = bound;
      }
      out.push(...byType.values());
    }
  };
  walk(filter as Record<string, unknown>);
  return out;
}

/** The getter of a dot path (checked when the filter was compiled): the value there, or undefined. */
export function pathGetter(path: string): (meta: Metadata | undefined) => Found {
  const get = compilePath(path, 'filter');
  return (meta) => get(meta ?? NO_METADATA);
}

// ---------------------------------------------------------------------------
// Compilation. `where` is the position in the filter for error messages, e.g.
// `filter.$or[1].price.$gt`.

function compileDoc(f: unknown, where: string, depth: number): DocTest {
  checkDepth(depth, where);
  if (!isPlainObject(f)) throw new InvalidArgumentError(`${where} must be a plain object, got ${describe(f)}`);
  const parts: DocTest[] = [];
  for (const key of Object.keys(f)) {
    const value = f[key];
    const at = `${where}.${key}`;
    if (key.startsWith('$')) {
      parts.push(compileLogical(key, value, at, depth));
    } else {
      const get = compilePath(key, at);
      const test = compileCondition(value, key, at, depth + 1);
      parts.push((root) => test(get(root)));
    }
  }
  return allOf(parts);
}

function compileLogical(op: string, value: unknown, at: string, depth: number): DocTest {
  switch (op) {
    case '$and':
    case '$or': {
      if (!Array.isArray(value) || value.length === 0) {
        throw new InvalidArgumentError(`${at} must be a non-empty array of filters, got ${describe(value)}`);
      }
      const parts = value.map((sub, i) => compileDoc(sub, `${at}[${i}]`, depth + 1));
      return op === '$and' ? allOf(parts) : anyOf(parts);
    }
    case '$not': {
      const inner = compileDoc(value, at, depth + 1);
      return (root) => !inner(root);
    }
    default:
      if ((FIELD_OPS as readonly string[]).includes(op)) {
        throw new InvalidArgumentError(`${at}: ${op} applies to a field, as in { field: { ${op}: … } }; at the top level use ${LOGICAL.join(', ')}`);
      }
      throw new InvalidArgumentError(`${at}: unknown operator ${op}; expected a field name or one of ${LOGICAL.join(', ')}`);
  }
}

/** A path getter: 'a.b.0.c' walks own keys of plain objects and canonical indexes of arrays. */
function compilePath(path: string, at: string): (root: Metadata) => Found {
  const segs = path.split('.');
  if (segs.some((s) => s.length === 0)) {
    throw new InvalidArgumentError(`${at}: field path ${JSON.stringify(path)} has an empty segment; use 'a.b.c'`);
  }
  if (segs.length === 1) return (root) => (Object.hasOwn(root, path) ? root[path] : undefined);
  return (root) => {
    let cur: Found = root;
    for (const seg of segs) {
      if (Array.isArray(cur)) {
        if (!ARRAY_INDEX.test(seg)) return undefined;
        const i = Number(seg);
        if (i >= cur.length) return undefined;
        cur = cur[i];
      } else if (typeof cur === 'object' && cur !== null) {
        if (!Object.hasOwn(cur, seg)) return undefined;
        cur = cur[seg];
      } else {
        return undefined;
      }
    }
    return cur;
  };
}

/** `value` is either a scalar (shorthand for $eq) or an object of field operators. */
function compileCondition(value: unknown, path: string, at: string, depth: number): ValueTest {
  checkDepth(depth, at);
  if (isPlainObject(value)) {
    const ops = Object.keys(value);
    if (ops.length === 0) {
      throw new InvalidArgumentError(`${at} is an empty object; give a value to match or operators such as { $eq: … }`);
    }
    const plain = ops.find((k) => !k.startsWith('$'));
    if (plain !== undefined) {
      throw new InvalidArgumentError(
        `${at} holds the key '${plain}': objects are not matched by equality; address nested fields with a dot path ('${path}.${plain}') or use operators such as $eq`,
      );
    }
    return allOf(ops.map((op) => compileOperator(op, value[op], path, `${at}.${op}`, depth)));
  }
  return eqTest(scalar(value, at, 'a value to match'));
}

function compileOperator(op: string, operand: unknown, path: string, at: string, depth: number): ValueTest {
  switch (op) {
    case '$eq':
      return eqTest(scalar(operand, at, 'its operand'));
    case '$ne':
      return not(eqTest(scalar(operand, at, 'its operand')));
    case '$in':
      return inTest(scalarList(operand, at));
    case '$nin':
      return not(inTest(scalarList(operand, at)));
    case '$gt':
      return rangeTest(rangeOperand(operand, at), (a, b) => a > b);
    case '$gte':
      return rangeTest(rangeOperand(operand, at), (a, b) => a >= b);
    case '$lt':
      return rangeTest(rangeOperand(operand, at), (a, b) => a < b);
    case '$lte':
      return rangeTest(rangeOperand(operand, at), (a, b) => a <= b);
    case '$exists': {
      if (typeof operand !== 'boolean') throw new InvalidArgumentError(`${at} must be true or false, got ${describe(operand)}`);
      return operand ? (v) => v !== undefined : (v) => v === undefined;
    }
    case '$not': {
      if (!isPlainObject(operand) || Object.keys(operand).length === 0 || !Object.keys(operand).every((k) => k.startsWith('$'))) {
        throw new InvalidArgumentError(`${at} must be a non-empty object of operators such as { $gt: 5 }, got ${describe(operand)}`);
      }
      return not(compileCondition(operand, path, at, depth + 1));
    }
    default:
      if ((LOGICAL as readonly string[]).includes(op)) {
        throw new InvalidArgumentError(`${at}: ${op} is a top-level operator ({ ${op}: … } beside field names), not a field operator`);
      }
      throw new InvalidArgumentError(`${at}: unknown operator ${op}; expected one of ${FIELD_OPS.join(', ')}`);
  }
}

// ---------------------------------------------------------------------------
// Value tests. `v` is what the path found (undefined: missing). A metadata
// array matches when the array itself or any of its elements does.

function eqTest(x: Scalar): ValueTest {
  return (v) => v === x || (Array.isArray(v) && v.includes(x));
}

function inTest(xs: Scalar[]): ValueTest {
  const set = new Set<unknown>(xs);
  return (v) => set.has(v) || (Array.isArray(v) && v.some((e) => set.has(e)));
}

function rangeTest(x: number | string, cmp: (a: number | string, b: number | string) => boolean): ValueTest {
  const type = typeof x;
  const one = (e: unknown): boolean => typeof e === type && cmp(e as number | string, x);
  return (v) => one(v) || (Array.isArray(v) && v.some(one));
}

function not(t: ValueTest): ValueTest {
  return (v) => !t(v);
}

function allOf<T>(parts: ((x: T) => boolean)[]): (x: T) => boolean {
  if (parts.length === 1) return parts[0]!;
  return (x) => {
    for (const p of parts) if (!p(x)) return false;
    return true;
  };
}

function anyOf<T>(parts: ((x: T) => boolean)[]): (x: T) => boolean {
  if (parts.length === 1) return parts[0]!;
  return (x) => {
    for (const p of parts) if (p(x)) return true;
    return false;
  };
}

// ---------------------------------------------------------------------------
// Operand checks.

function scalar(x: unknown, at: string, what: string): Scalar {
  const t = typeof x;
  if (x === null || t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(x))) return x as Scalar;
  throw new InvalidArgumentError(`${at}: ${what} must be a string, finite number, boolean or null, got ${describe(x)}`);
}

function scalarList(x: unknown, at: string): Scalar[] {
  if (!Array.isArray(x)) throw new InvalidArgumentError(`${at} must be an array of strings, finite numbers, booleans or nulls, got ${describe(x)}`);
  const out: Scalar[] = new Array(x.length);
  for (let i = 0; i < x.length; i++) {
    // A hole would read as undefined and match records missing the field.
    if (!(i in x)) throw new InvalidArgumentError(`${at} is a sparse array (no element at index ${i}); give every element`);
    out[i] = scalar(x[i], `${at}[${i}]`, 'each element');
  }
  return out;
}

function rangeOperand(x: unknown, at: string): number | string {
  if (typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x))) return x;
  throw new InvalidArgumentError(`${at} must be a finite number or a string (ranges compare numbers with numbers, strings with strings), got ${describe(x)}`);
}

function checkDepth(depth: number, where: string): void {
  if (depth > MAX_DEPTH) throw new InvalidArgumentError(`${where}: filter nested deeper than ${MAX_DEPTH} levels (or circular)`);
}
