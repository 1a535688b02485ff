/**
 * Equality filters on 5,000 records: results equal brute force over the
 * matching records (the filter language on every target, deletes and
 * re-tagging included: tests/js/suites/filter.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, type Filter, type Metadata } from 'minivectordb';
import { bruteForceKnn, caught, checkExactTopK, clusteredData, fingerprint, mulberry32, recallAtK } from './helpers.js';

const DIM = 32;
const N = 5000;
const K = 10;
const COLORS = ['red', 'green', 'blue', 'cyan'];

describe('filter', () => {
  let db: MiniVectorDB;
  let data: Float32Array[];
  let meta: (Metadata | undefined)[];
  let queries: Float32Array[];
  const idOf = (i: number): string => `d${i}`;

  /** Reference predicate, written independently of the library. */
  const matches = (m: Metadata | undefined, f: Filter): boolean =>
    m !== undefined && Object.entries(f).every(([key, value]) => Object.prototype.hasOwnProperty.call(m, key) && m[key] === value);

  beforeAll(async () => {
    const d = clusteredData({ n: N, dim: DIM, seed: 4242, clusters: 16, centreScale: 1 });
    data = d.vectors;
    queries = Array.from({ length: 40 }, () => d.sample());
    const rng = mulberry32(99);
    meta = data.map((_, i) =>
      i % 97 === 13
        ? undefined // some records carry no metadata at all
        : {
            group: i % 100, // 1% per value
            half: i % 2 === 0 ? 'even' : 'odd', // 50%
            flag: rng() < 0.5, // independent 50%
            color: COLORS[i % 4]!,
            maybe: i % 10 === 0 ? null : 'x',
            rare: i < 5 ? 'yes' : 'no',
          },
    );
    db = await MiniVectorDB.create({ dim: DIM, metric: 'l2', M: 16, efConstruction: 150, efSearch: 64, seed: 8 });
    await db.insertMany(data.map((vector, i) => (meta[i] === undefined ? { id: idOf(i), vector } : { id: idOf(i), vector, metadata: meta[i] })));
  });
  afterAll(async () => {
    await db?.close();
  });

  const countMatching = (f: Filter): number => meta.filter((m) => matches(m, f)).length;

  test('selective one-field filter (1%): ids equal the brute-force top-k over matching items', async () => {
    const f = { group: 37 };
    const matching = countMatching(f);
    expect(matching).toBeGreaterThan(K);
    expect(matching).toBeLessThan(N / 50);
    const res = await db.searchBatch(queries, { k: K, filter: f });
    for (let qi = 0; qi < queries.length; qi++) {
      const truth = bruteForceKnn(data, queries[qi]!, K + 1, 'l2', (i) => matches(meta[i], f));
      expect(checkExactTopK(res[qi]!, truth, K, idOf)).toBeUndefined();
      for (const h of res[qi]!) expect(h.metadata).toMatchObject(f);
    }
  });

  test('broad one-field filter (50%, graph walk): recall ≥ 0.95, every hit matches, k hits', async () => {
    const f = { half: 'even' };
    const matching = countMatching(f);
    expect(matching).toBeGreaterThan(64 * 16); // more than efSearch·M: the planner walks the graph
    const res = await db.searchBatch(queries, { k: K, filter: f });
    let recall = 0;
    for (let qi = 0; qi < queries.length; qi++) {
      const hits = res[qi]!;
      expect(hits).toHaveLength(K);
      for (const h of hits) expect(matches(meta[Number(h.id.slice(1))], f)).toBe(true);
      const truth = bruteForceKnn(data, queries[qi]!, K, 'l2', (i) => matches(meta[i], f));
      recall += recallAtK(hits.map((h) => h.id), truth.map((r) => idOf(r.index)));
    }
    expect(recall / queries.length).toBeGreaterThanOrEqual(0.95);
  });

  test('two-field filter (25%): recall ≥ 0.95, every hit matches both fields', async () => {
    const f = { half: 'odd', flag: true };
    const matching = countMatching(f);
    expect(matching).toBeGreaterThan(64 * 16);
    let recall = 0;
    for (let qi = 0; qi < queries.length; qi++) {
      const hits = await db.search(queries[qi]!, { k: K, filter: f });
      expect(hits).toHaveLength(K);
      for (const h of hits) expect(h.metadata).toMatchObject(f);
      const truth = bruteForceKnn(data, queries[qi]!, K, 'l2', (i) => matches(meta[i], f));
      recall += recallAtK(hits.map((h) => h.id), truth.map((r) => idOf(r.index)));
    }
    expect(recall / queries.length).toBeGreaterThanOrEqual(0.95);
  });

  test('two-field selective filter and exact search: ids equal brute force', async () => {
    for (const f of [{ group: 8, color: 'red' }, { color: 'blue', maybe: null }, { half: 'odd', flag: false }] as Filter[]) {
      for (let qi = 0; qi < 10; qi++) {
        const truth = bruteForceKnn(data, queries[qi]!, K + 1, 'l2', (i) => matches(meta[i], f));
        const exact = await db.search(queries[qi]!, { k: K, filter: f, exact: true });
        expect(checkExactTopK(exact, truth, K, idOf)).toBeUndefined();
      }
    }
  });

  test('always min(k, matching) hits, even when the graph walk must look far', async () => {
    const cases: [Filter, number][] = [
      [{ rare: 'yes' }, 50], // 5 matching < k
      [{ group: 3 }, 1000], // k > matching
      [{ group: 3 }, 7],
      [{ group: 3, color: 'cyan' }, 3], // group 3 is all cyan
      [{ half: 'even' }, 100],
    ];
    for (const [f, k] of cases) {
      const matching = countMatching(f);
      expect(matching).toBeGreaterThan(0);
      for (const efSearch of [1, 8, 64]) {
        const res = await db.searchBatch(queries.slice(0, 5), { k, efSearch, filter: f });
        for (const hits of res) {
          expect(hits).toHaveLength(Math.min(k, matching));
          expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
          for (const h of hits) expect(matches(meta[Number(h.id.slice(1))], f)).toBe(true);
        }
      }
    }
    // k ≥ matching returns exactly the matching set.
    const all = await db.search(queries[0]!, { k: 1000, filter: { group: 3 } });
    const want = meta.flatMap((m, i) => (matches(m, { group: 3 }) ? [idOf(i)] : []));
    expect(all.map((h) => h.id).sort()).toEqual(want.sort());
  });

  test('a filter matching nothing returns []', async () => {
    for (const f of [{ group: 1000 }, { color: 'purple' }, { nosuchfield: 1 }, { half: 'even', group: 1 }, { group: '3' }] as Filter[]) {
      expect(countMatching(f)).toBe(0);
      expect(await db.search(queries[0]!, { k: K, filter: f })).toEqual([]);
      expect(await db.search(queries[0]!, { k: K, filter: f, exact: true })).toEqual([]);
      expect(await db.searchBatch(queries.slice(0, 3), { k: K, filter: f })).toEqual([[], [], []]);
    }
  });

  test('the empty filter matches every record (also those without metadata)', async () => {
    const all = await db.search(queries[1]!, { k: N + 1, filter: {} });
    expect(all).toHaveLength(N);
    const plain = await db.search(queries[1]!, { k: K });
    expect(await db.search(queries[1]!, { k: K, filter: {} })).toEqual(plain);
  });

  test('bad filter values → InvalidArgumentError, database unchanged', async () => {
    const before = await fingerprint(db, queries.slice(0, 3));
    const bad: unknown[] = [
      { group: { $gt: { n: 3 } } },
      { group: Number.NaN },
      { group: Number.POSITIVE_INFINITY },
      { group: [1, 2] },
      { group: undefined },
      { group: () => 1 },
      'group=3',
      null,
      [1],
    ];
    for (const f of bad) {
      const e1 = await caught(() => db.search(queries[0]!, { k: K, filter: f as Filter }), InvalidArgumentError);
      expect(e1.code).toBe('INVALID_ARGUMENT');
      await caught(() => db.searchBatch(queries.slice(0, 2), { k: K, filter: f as Filter }), InvalidArgumentError);
      await caught(() => db.search(queries[0]!, { k: K, exact: true, filter: f as Filter }), InvalidArgumentError);
    }
    expect(await fingerprint(db, queries.slice(0, 3))).toEqual(before);
  });
});
