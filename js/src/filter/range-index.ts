/**
 * Sorted-value index of one metadata path for range filters ($gt, $gte,
 * $lt, $lte): the numbers and the strings found there (array elements
 * included) sorted with the labels holding them, so a range is two binary
 * searches. Numbers and strings are kept apart because ranges compare only
 * values of the operand's type (strings by UTF-16 code units, as `<`).
 * Built and dropped by `planner.ts`.
 * @internal
 */
import type { RangeHint } from '../filter.js';
import type { Metadata } from '../types.js';

/** The values of one type at a path, ascending, with their labels. */
interface Sorted {
  values: (number | string)[];
  labels: Uint32Array;
  /** Labels whose value there is an array holding two or more values of this type. */
  multi: Uint32Array;
}

export interface RangeIndex {
  number: Sorted;
  string: Sorted;
}

/** Indexes the value found by `get` in each live record (`forEachLive` order). */
export function buildRangeIndex(forEachLive: (fn: (label: number, meta: Metadata | undefined) => void) => void, get: (meta: Metadata | undefined) => unknown): RangeIndex {
  const raw = { number: { values: [] as (number | string)[], labels: [] as number[], multi: [] as number[] }, string: { values: [] as (number | string)[], labels: [] as number[], multi: [] as number[] } };
  forEachLive((label, meta) => {
    const v = get(meta);
    const elements = Array.isArray(v) ? v : [v];
    let numbers = 0;
    let strings = 0;
    for (const e of elements) {
      if (typeof e === 'number') numbers++;
      else if (typeof e === 'string') strings++;
      else continue;
      const r = raw[typeof e as 'number' | 'string'];
      r.values.push(e as number | string);
      r.labels.push(label);
    }
    if (numbers > 1) raw.number.multi.push(label);
    if (strings > 1) raw.string.multi.push(label);
  });
  const sort = (r: (typeof raw)['number']): Sorted => {
    const order = Array.from(r.values, (_, i) => i);
    order.sort((a, b) => (r.values[a]! < r.values[b]! ? -1 : r.values[a]! > r.values[b]! ? 1 : r.labels[a]! - r.labels[b]!));
    return { values: order.map((i) => r.values[i]!), labels: Uint32Array.from(order, (i) => r.labels[i]!), multi: Uint32Array.from(r.multi) };
  };
  return { number: sort(raw.number), string: sort(raw.string) };
}

/**
 * Label lists that together hold every live label meeting `hint` (a label
 * may be listed twice; labels deleted since the build are still listed).
 */
export function rangeCandidates(index: RangeIndex, hint: RangeHint): Uint32Array[] {
  const s = index[hint.type];
  const { lower, upper } = hint;
  const start = lower === undefined ? 0 : firstAbove(s.values, lower.value, lower.inclusive);
  const end = upper === undefined ? s.values.length : firstAbove(s.values, upper.value, !upper.inclusive);
  const inRange = s.labels.subarray(start, Math.max(start, end));
  // With both bounds, an array may meet them with two different elements,
  // none of which lies in the interval: such labels are always candidates.
  return lower !== undefined && upper !== undefined ? [inRange, s.multi] : [inRange];
}

/** Index of the first value above x, or (withEqual) of the first value >= x; values ascending. */
function firstAbove(values: readonly (number | string)[], x: number | string, withEqual: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid]!;
    if (v < x || (v === x && !withEqual)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
