/**
 * Equality filters compiled to a bitset over internal labels, which the core
 * applies inside the graph walk (never a JS callback per visited node, never
 * post-filtering).
 * @internal
 */
import { InvalidArgumentError } from './errors.js';
import type { LabelBitset } from './wasm/core-index.js';
import type { RecordTable } from './records.js';
import type { Filter, Metadata } from './types.js';
import { checkObject, describe } from './validate.js';

/** Checks a filter and returns its predicate over metadata. */
export function compileFilter(filter: unknown): (meta: Metadata | undefined) => boolean {
  checkObject(filter, 'filter');
  const entries = Object.entries(filter as Filter);
  for (const [field, value] of entries) {
    const t = typeof value;
    if (!(value === null || t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(value)))) {
      throw new InvalidArgumentError(
        `filter.${field} must be a string, finite number, boolean or null (equality match), got ${describe(value)}`,
      );
    }
  }
  return (meta) => {
    if (meta === undefined) return entries.length === 0;
    for (const [field, value] of entries) {
      if (!Object.hasOwn(meta, field) || meta[field] !== value) return false;
    }
    return true;
  };
}

/** Bitset of the live labels whose metadata pass `filter`, with their count. */
export function filterToBitset(filter: unknown, records: RecordTable, labelCount: number): LabelBitset {
  const test = compileFilter(filter);
  const words = new Uint32Array(Math.max(1, Math.ceil(labelCount / 32)));
  let count = 0;
  records.forEachLive((label, meta) => {
    if (test(meta)) {
      words[label >>> 5]! |= 1 << (label & 31);
      count++;
    }
  });
  return { words, count };
}
