/** delete(): tombstones are never returned, counters and get() follow. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MiniVectorDB, type Metric } from 'minivectordb';
import { bruteForceKnn, checkExactTopK, clusteredData, recallAtK } from './helpers.js';

const DIM = 24;
const N = 2000;

describe.each(['l2', 'cosine'] as Metric[])('delete (%s)', (metric) => {
  let db: MiniVectorDB;
  let data: Float32Array[];
  let sample: () => Float32Array;

  beforeEach(async () => {
    const d = clusteredData({ n: N, dim: DIM, seed: 77, clusters: 10, centreScale: 1 });
    data = d.vectors;
    sample = d.sample;
    db = await MiniVectorDB.create({ dim: DIM, metric, M: 12, efConstruction: 100, efSearch: 32, seed: 5 });
    await db.insertMany(data.map((vector, i) => ({ id: `p${i}`, vector, metadata: { i } })));
  });
  afterEach(async () => {
    await db.close();
  });

  test('returns true for an existing id, false for a missing or already deleted one', async () => {
    expect(await db.delete('p3')).toBe(true);
    expect(await db.delete('p3')).toBe(false);
    expect(await db.delete('nope')).toBe(false);
    expect(db.size).toBe(N - 1);
    expect(db.stats()).toMatchObject({ count: N - 1, deleted: 1 });
    expect(await db.get('p3')).toBeUndefined();
    expect(await db.get('p4')).toBeDefined();
  });

  test('deleted ids never appear in results; the rest match brute force over live records', async () => {
    // Delete every third record, and the whole neighbourhood of a few queries.
    const queries = Array.from({ length: 20 }, () => sample());
    const dead = new Set<number>();
    for (let i = 0; i < N; i += 3) dead.add(i);
    for (const q of queries.slice(0, 5)) for (const r of bruteForceKnn(data, q, 15, metric)) dead.add(r.index);
    for (const i of dead) expect(await db.delete(`p${i}`)).toBe(true);
    const live = N - dead.size;
    expect(db.size).toBe(live);
    expect(db.stats()).toMatchObject({ count: live, deleted: dead.size });
    for (const i of [0, 3, 6]) expect(await db.get(`p${i}`)).toBeUndefined();

    const idOf = (i: number): string => `p${i}`;
    const isLive = (i: number): boolean => !dead.has(i);
    const deadIds = new Set([...dead].map(idOf));

    const approx = await db.searchBatch(queries, { k: 10, efSearch: 64 });
    let recall = 0;
    for (let qi = 0; qi < queries.length; qi++) {
      const hits = approx[qi]!;
      expect(hits).toHaveLength(10);
      for (const h of hits) expect(deadIds.has(h.id)).toBe(false);
      const truth = bruteForceKnn(data, queries[qi]!, 11, metric, isLive);
      recall += recallAtK(hits.map((h) => h.id), truth.slice(0, 10).map((r) => idOf(r.index)));
      const exact = await db.search(queries[qi]!, { k: 10, exact: true });
      expect(checkExactTopK(exact, truth, 10, idOf)).toBeUndefined();
    }
    expect(recall / queries.length).toBeGreaterThanOrEqual(0.95);

    // k ≥ size: every live record exactly once, none deleted (graph and exact paths).
    for (const exact of [false, true]) {
      const all = await db.search(queries[0]!, { k: N * 2, exact });
      expect(all).toHaveLength(live);
      const ids = new Set(all.map((h) => h.id));
      expect(ids.size).toBe(live);
      for (const id of ids) expect(deadIds.has(id)).toBe(false);
    }
  });

  test('deleting everything gives empty results; re-inserting a deleted id works', async () => {
    for (let i = 0; i < N; i++) await db.delete(`p${i}`);
    expect(db.size).toBe(0);
    expect(db.stats()).toMatchObject({ count: 0, deleted: N });
    expect(await db.search(data[0]!, { k: 5 })).toEqual([]);
    expect(await db.search(data[0]!, { k: 5, exact: true })).toEqual([]);
    expect(await db.searchBatch([data[0]!, data[1]!], { k: 5 })).toEqual([[], []]);

    await db.insert({ id: 'p0', vector: data[0]!, metadata: { again: true } });
    expect(db.size).toBe(1);
    const hits = await db.search(data[0]!, { k: 5 });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ id: 'p0', metadata: { again: true } });
    expect(Math.abs(hits[0]!.distance)).toBeLessThanOrEqual(1e-5);
  });
});
