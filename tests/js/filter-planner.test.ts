/**
 * The filter planner (internal): range indexes ($gt $gte $lt $lte answered from
 * sorted values): on random metadata (numbers, numeric strings, arrays of
 * several numbers, nulls, missing fields, nested paths) and random range
 * filters, the labels and bitsets equal the reference interpreter
 * (filter-reference.ts) on every use — before the index exists, when it is
 * built, and when it answers without scanning the records — and after
 * deletes (no rebuild) and inserts (rebuilt); and its bitset cache (reused
 * for a repeated filter, never across a write). A unit test of the internal
 * planner (imported from js/src), since whether an index answered is not
 * observable through the public API.
 */
import { describe, expect, test, vi } from 'vitest';
import type { Filter, Metadata } from 'minivectordb';
import { FilterPlanner } from '../../js/src/filter/planner.js';
import { RecordTable } from '../../js/src/records.js';
import { refMatch } from './filter-reference.js';
import { mulberry32 } from './helpers.js';

const N = 3000;
const WORDS = ['apple', 'Apple', 'banana', 'cherry', 'date', 'éclair', 'fig', '10', '9', ''];

function randomValue(rng: () => number): Metadata[string] | undefined {
  const r = rng();
  if (r < 0.55) return Math.floor(rng() * 100); // many exact ties with the operands
  if (r < 0.65) return Math.round(rng() * 10000) / 100 - 10;
  if (r < 0.72) return String(Math.floor(rng() * 100));
  if (r < 0.8) return WORDS[Math.floor(rng() * WORDS.length)]!;
  if (r < 0.9) return Array.from({ length: Math.floor(rng() * 4) }, () => (rng() < 0.8 ? Math.floor(rng() * 100) : WORDS[Math.floor(rng() * WORDS.length)]!));
  if (r < 0.95) return null;
  return undefined; // missing
}

function randomMeta(rng: () => number): Metadata | undefined {
  if (rng() < 0.03) return undefined;
  const m: Metadata = {};
  for (const key of ['x', 's']) {
    const v = randomValue(rng);
    if (v !== undefined) m[key] = v;
  }
  const v = randomValue(rng);
  if (v !== undefined) m.o = { v };
  return m;
}

function randomOperand(rng: () => number): number | string {
  const r = rng();
  if (r < 0.6) return Math.floor(rng() * 110) - 5;
  if (r < 0.7) return Math.round(rng() * 10000) / 100 - 10;
  if (r < 0.85) return String(Math.floor(rng() * 100));
  return WORDS[Math.floor(rng() * WORDS.length)]!;
}

/** A filter with at least one top-level range conjunct, so a range index always applies. */
function randomRangeFilter(rng: () => number): Filter {
  const path = ['x', 's', 'o.v'][Math.floor(rng() * 3)]!;
  const ops: Record<string, unknown> = {};
  const lower = rng() < 0.7;
  const upper = !lower || rng() < 0.6;
  if (lower) ops[rng() < 0.5 ? '$gt' : '$gte'] = randomOperand(rng);
  if (upper) ops[rng() < 0.5 ? '$lt' : '$lte'] = randomOperand(rng);
  if (rng() < 0.15) ops.$gte = randomOperand(rng); // two lower bounds, maybe of another type
  if (rng() < 0.1) ops.$ne = Math.floor(rng() * 100);
  const f: Record<string, unknown> = { [path]: ops };
  const r = rng();
  if (r < 0.15) return { $and: [f as Filter, { s: { $exists: true } }] };
  if (r < 0.25) return { ...f, $or: [{ x: { $lt: 50 } }, { s: 'apple' }] } as Filter;
  return f as Filter;
}

describe('range indexes of the filter planner vs the reference interpreter', () => {
  test('300 random range filters, each used three times (scan, build, index), then after deletes and inserts', () => {
    const rng = mulberry32(8080);
    const records = new RecordTable();
    const meta: (Metadata | undefined)[] = [];
    for (let label = 0; label < N; label++) {
      meta.push(randomMeta(rng));
      records.set(label, `r${label}`, meta[label]);
    }
    const planner = new FilterPlanner();
    const scans = vi.spyOn(records, 'forEachLive');
    const reference = (f: Filter): number[] => meta.flatMap((m, label) => (records.idOf(label) !== undefined && refMatch(m, f) ? [label] : []));
    const bitsetLabels = (f: Filter): { labels: number[]; count: number } => {
      const { words, count } = planner.bitset(f, records, meta.length);
      const labels: number[] = [];
      for (let label = 0; label < meta.length; label++) if ((words[label >>> 5]! >>> (label & 31)) & 1) labels.push(label);
      return { labels, count };
    };
    const sizes = new Set<string>();
    const check = (f: Filter): void => {
      const want = reference(f);
      sizes.add(want.length === 0 ? 'none' : want.length < 100 ? 'few' : 'many');
      planner.invalidate(); // the first use scans, the second builds the index, the third uses it
      for (let use = 1; use <= 3; use++) {
        scans.mockClear();
        expect(planner.labels(f, records), `${JSON.stringify(f)} use ${use}`).toEqual(want);
        if (use === 3) expect(scans, `${JSON.stringify(f)}: the index should answer`).not.toHaveBeenCalled();
      }
      expect(bitsetLabels(f)).toEqual({ labels: want, count: want.length });
    };
    const filters = Array.from({ length: 300 }, () => randomRangeFilter(rng));
    for (const f of filters) check(f);
    expect([...sizes].sort()).toEqual(['few', 'many', 'none']);

    // Deletes leave the indexes in place: dead labels are skipped.
    for (const f of filters.slice(0, 20)) planner.labels(f, records);
    for (let label = 0; label < N; label += 3) records.remove(`r${label}`);
    for (const f of filters.slice(0, 40)) {
      expect(planner.labels(f, records)).toEqual(reference(f));
      expect(bitsetLabels(f).labels).toEqual(reference(f));
    }
    // Inserts (here into freed labels, as slot reuse does) come after invalidate().
    planner.invalidate();
    for (let label = 0; label < N; label += 3) {
      meta[label] = randomMeta(rng);
      records.set(label, `n${label}`, meta[label]);
    }
    for (const f of filters.slice(0, 40)) {
      for (let use = 1; use <= 3; use++) expect(planner.labels(f, records)).toEqual(reference(f));
    }
  });
});

describe('bitset cache of the filter planner', () => {
  test('a repeated filter reuses its bitset until any write; answers always equal the reference', () => {
    const rng = mulberry32(99);
    const records = new RecordTable();
    const meta: (Metadata | undefined)[] = [];
    for (let label = 0; label < 500; label++) {
      meta.push(randomMeta(rng));
      records.set(label, `r${label}`, meta[label]);
    }
    const planner = new FilterPlanner();
    const f: Filter = { x: { $gte: 30, $lt: 70 } };
    const want = (): number => meta.filter((m, label) => records.idOf(label) !== undefined && refMatch(m, f)).length;
    const a = planner.bitset(f, records, meta.length);
    expect(a.count).toBe(want());
    expect(planner.bitset({ x: { $gte: 30, $lt: 70 } }, records, meta.length)).toBe(a); // same JSON: cached
    expect(planner.bitset(f, records, meta.length + 1)).not.toBe(a); // another label count
    records.remove('r0');
    records.remove('r1');
    const b = planner.bitset(f, records, meta.length);
    expect(b).not.toBe(a);
    expect(b.count).toBe(want());
    meta[2] = { x: 50 };
    records.setMetadata(2, meta[2]);
    expect(planner.bitset(f, records, meta.length).count).toBe(want());
    // A malformed filter is still rejected, cached or not.
    expect(() => planner.bitset({ x: { $gte: Number.NaN } }, records, meta.length)).toThrow(/finite number/);
    // Eviction: many distinct filters, then the first one again, still right.
    for (let i = 0; i < 20; i++) planner.bitset({ x: { $gt: i } }, records, meta.length);
    expect(planner.bitset(f, records, meta.length).count).toBe(want());
  });
});
