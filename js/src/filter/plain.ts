/**
 * A filter read once into plain data before it is compiled, hinted and used
 * as a cache key: each property is read exactly once (a getter or Proxy that
 * answers differently on each read cannot make the compiled test, the index
 * hints and the cache key disagree), sparse arrays are rejected (a hole would
 * read as `undefined`, matching missing fields, and print as `null` in the
 * key), and anything a getter or trap throws becomes an InvalidArgumentError.
 * @internal
 */
import { InvalidArgumentError } from '../errors.js';
import { describe, isPlainObject, readError } from '../check.js';

/**
 * Deepest nesting copied. Above what compileFilter accepts (64 filter levels,
 * each at most 3 nested objects or arrays), below any call-stack limit; it
 * also ends a circular filter.
 */
const MAX_COPY_DEPTH = 256;

/**
 * The filter as plain data: plain objects (own enumerable keys) and dense
 * arrays copied, every other value as is (compileFilter rejects what is not
 * a scalar). `key` is its JSON text, canonical for a filter compileFilter
 * accepted (then it holds only plain objects, dense arrays and JSON scalars).
 * @throws InvalidArgumentError naming the position (`filter.tag.$in[0]`).
 */
export function readFilter(filter: unknown): { data: unknown; key: () => string } {
  let data: unknown;
  try {
    data = copy(filter, 'filter', 0);
  } catch (e) {
    throw readError(e, 'filter');
  }
  return { data, key: () => JSON.stringify(data) };
}

function copy(v: unknown, at: string, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (depth > MAX_COPY_DEPTH) throw new InvalidArgumentError(`${at.slice(0, 80)}…: filter nested deeper than 64 levels (or circular)`);
  if (Array.isArray(v)) {
    const n = v.length;
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      if (!(i in v)) throw new InvalidArgumentError(`${at} is a sparse array (no element at index ${i}); filter arrays must be dense`);
      out[i] = copy(v[i], `${at}[${i}]`, depth + 1);
    }
    return out;
  }
  if (!isPlainObject(v)) return v; // a class instance: compileFilter names it
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    if (key === '__proto__') throw new InvalidArgumentError(`${at} has the key '__proto__', which a filter cannot hold; got ${describe(v)}`);
    out[key] = copy((v as Record<string, unknown>)[key], `${at}.${key}`, depth + 1);
  }
  return out;
}
