/**
 * Deletes, inserts and compact() on SIFT10K (128-d, l2): recall@10 against
 * an independent brute force over the records live at each step (the
 * dataset's ground truth does not apply once points are deleted), at the
 * efSearch that gave recall ≥ 0.99 on the full set; ids, metadata and texts
 * intact after compact(); save/open after compact().
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB, type SearchHit } from 'minivectordb';
import { readVecs } from '../../scripts/lib/datasets.mjs';
import { bruteForceKnn, mulberry32, recallAtK } from './helpers.js';

const DIR = '/work/shared/datasets/sift10k';
const K = 10;
const EF_CANDIDATES = [16, 32, 64, 128, 256];
const DELETE_FRACTION = 0.3;
const NEW_POINTS = 1000;

interface Vecs {
  n: number;
  dim: number;
  data: Float32Array;
}

/** Mean recall@10 of `hits` against brute force over `points` (id → vector). */
function recallOf(hits: SearchHit[][], queries: Float32Array[], ids: string[], vectors: Float32Array[]): number {
  let sum = 0;
  for (let q = 0; q < queries.length; q++) {
    const truth = bruteForceKnn(vectors, queries[q]!, K, 'l2').map((r) => ids[r.index]!);
    sum += recallAtK(hits[q]!.map((h) => h.id), truth);
  }
  return sum / queries.length;
}

describe.skipIf(!existsSync(`${DIR}/base.fvecs`))('SIFT10K: delete 30%, insert, compact', () => {
  let db: MiniVectorDB;
  let queries: Float32Array[];
  /** Every vector ever inserted, by id. */
  const vectorOf = new Map<string, Float32Array>();
  /** Ids currently live (insertion order). */
  let live: string[] = [];
  let ef = 0;
  const live2 = (): { ids: string[]; vectors: Float32Array[] } => ({ ids: live, vectors: live.map((id) => vectorOf.get(id)!) });
  const meta = (i: number): { i: number; g: number } => ({ i, g: i % 10 });

  beforeAll(async () => {
    const base = readVecs(`${DIR}/base.fvecs`, 'fvecs') as Vecs;
    const query = readVecs(`${DIR}/query.fvecs`, 'fvecs') as Vecs;
    const dim = base.dim;
    queries = Array.from({ length: query.n }, (_, q) => query.data.slice(q * dim, (q + 1) * dim));
    db = await MiniVectorDB.create({ dim, metric: 'l2', M: 16, efConstruction: 200, seed: 1, storeText: true });
    const items = Array.from({ length: base.n }, (_, i) => {
      const vector = base.data.slice(i * dim, (i + 1) * dim);
      vectorOf.set(`b${i}`, vector);
      return { id: `b${i}`, vector, metadata: meta(i), text: `text of b${i}` };
    });
    await db.insertMany(items);
    live = items.map((it) => it.id);
  });
  afterAll(async () => {
    await db?.close();
  });

  test('some efSearch gives recall@10 ≥ 0.99 on the full set', async () => {
    const { ids, vectors } = live2();
    for (const candidate of EF_CANDIDATES) {
      const recall = recallOf(await db.searchBatch(queries, { k: K, efSearch: candidate }), queries, ids, vectors);
      if (recall >= 0.99) {
        ef = candidate;
        break;
      }
    }
    expect(ef, 'no efSearch in the candidates reached 0.99').toBeGreaterThan(0);
  });

  test('after deleting 30% at random and inserting new points, recall@10 stays ≥ 0.95 at that efSearch', async () => {
    expect(ef).toBeGreaterThan(0);
    const rng = mulberry32(4242);
    const doomed = live.filter(() => rng() < DELETE_FRACTION);
    expect(await db.deleteMany(doomed)).toBe(doomed.length);
    const gone = new Set(doomed);
    live = live.filter((id) => !gone.has(id));
    // New points on the data manifold: midpoints of two random live points.
    const dim = db.dim;
    const items = Array.from({ length: NEW_POINTS }, (_, j) => {
      const a = vectorOf.get(live[Math.floor(rng() * live.length)]!)!;
      const b = vectorOf.get(live[Math.floor(rng() * live.length)]!)!;
      const vector = new Float32Array(dim);
      for (let d = 0; d < dim; d++) vector[d] = Math.round((a[d]! + b[d]!) / 2);
      vectorOf.set(`n${j}`, vector);
      return { id: `n${j}`, vector, metadata: meta(100_000 + j), text: `text of n${j}` };
    });
    await db.insertMany(items);
    live.push(...items.map((it) => it.id));
    expect(db.size).toBe(live.length);
    // The new points took the slots of the lowest tombstones (reuseDeleted
    // is on by default): the index did not grow, the rest wait for compact().
    const slots = live.length - NEW_POINTS + doomed.length;
    expect(db.stats()).toMatchObject({ count: live.length, deleted: doomed.length - NEW_POINTS, slots: slots });
    expect(slots).toBe(10_000);
    expect(db.stats().deletedRatio).toBeCloseTo((doomed.length - NEW_POINTS) / slots, 12);

    const hits = await db.searchBatch(queries, { k: K, efSearch: ef });
    for (const h of hits.flat()) expect(gone.has(h.id)).toBe(false);
    const { ids, vectors } = live2();
    const recall = recallOf(hits, queries, ids, vectors);
    expect(recall, `recall@10 at efSearch ${ef} = ${recall}`).toBeGreaterThanOrEqual(0.95);
  });

  test('compact() reclaims every tombstone and recall@10 stays ≥ 0.95 at that efSearch', async () => {
    // Use an equality filter twice so the planner builds its lazy index over the old labels.
    await db.search(queries[0]!, { k: K, filter: { g: 3 } });
    const filteredBefore = await db.search(queries[0]!, { k: K, filter: { g: 3 }, exact: true });
    const deleted = db.stats().deleted;
    const memoryBefore = db.stats().memoryBytes;

    expect(await db.compact()).toBe(deleted);
    expect(db.stats()).toMatchObject({ count: live.length, deleted: 0, deletedRatio: 0 });
    expect(db.size).toBe(live.length);
    expect(db.stats().memoryBytes).toBeLessThan(memoryBefore);
    expect(await db.compact()).toBe(0); // nothing left to reclaim

    const hits = await db.searchBatch(queries, { k: K, efSearch: ef });
    const { ids, vectors } = live2();
    const recall = recallOf(hits, queries, ids, vectors);
    expect(recall, `recall@10 at efSearch ${ef} after compact = ${recall}`).toBeGreaterThanOrEqual(0.95);

    // The filter planner sees the new labels (its old index was dropped).
    expect(await db.search(queries[0]!, { k: K, filter: { g: 3 }, exact: true })).toEqual(filteredBefore);
    const filtered = await db.search(queries[0]!, { k: K, filter: { g: 3 }, efSearch: ef });
    for (const h of filtered) expect(h.metadata!.g).toBe(3);
    expect(await db.count({ g: 3 })).toBe(live.filter((id) => metaOfId(id).g === 3).length);
  });

  test('ids, vectors, metadata and texts are intact after compact(); deleted ids stay deleted', async () => {
    const liveSet = new Set(live);
    for (const id of vectorOf.keys()) {
      const rec = await db.get(id);
      if (!liveSet.has(id)) {
        expect(rec, id).toBeUndefined();
        continue;
      }
      expect(rec, id).toBeDefined();
      expect(rec!.id).toBe(id);
      expect(rec!.vector).toEqual(vectorOf.get(id));
      expect(rec!.metadata).toEqual(metaOfId(id));
      expect(rec!.text).toBe(`text of ${id}`);
    }
    // Exact search for a stored vector finds its own id at distance 0, with its text.
    const id = live[live.length - 1]!;
    const [top] = await db.search(vectorOf.get(id)!, { k: 1, exact: true });
    expect(top).toMatchObject({ id, distance: 0, metadata: metaOfId(id), text: `text of ${id}` });
  });

  test('upserts and deletes keep working after compact()', async () => {
    const id = live[0]!;
    const v = vectorOf.get(live[1]!)!;
    expect(await db.insertMany([{ id, vector: v, metadata: { i: -1, g: -1 }, text: 'replaced' }])).toEqual({ inserted: 0, updated: 1 });
    vectorOf.set(id, v);
    expect(await db.get(id)).toMatchObject({ id, metadata: { i: -1, g: -1 }, text: 'replaced' });
    expect(db.stats()).toMatchObject({ count: live.length, deleted: 1 });
    expect(await db.delete(live[2]!)).toBe(true);
    expect(await db.get(live[2]!)).toBeUndefined();
    live.splice(2, 1);
    expect(await db.compact()).toBe(2);
    expect(await db.get(id)).toMatchObject({ id, metadata: { i: -1, g: -1 }, text: 'replaced' });
    expect((await db.get(id))!.vector).toEqual(v);
    expect(db.size).toBe(live.length);
  });

  test('save → open after compact(): same records, stats and answers', async () => {
    const url = 'memory://compact-test';
    await db.save(url);
    const opened = await MiniVectorDB.open(url);
    try {
      const { memoryBytes: _a, ...s1 } = db.stats();
      const { memoryBytes: _b, ...s2 } = opened.stats();
      expect(s2).toEqual(s1);
      expect(await opened.searchBatch(queries, { k: K, efSearch: ef })).toEqual(await db.searchBatch(queries, { k: K, efSearch: ef }));
      for (const id of [live[0]!, live[500]!, live[live.length - 1]!]) expect(await opened.get(id)).toEqual(await db.get(id));
      // Both continue identically.
      const extra = { id: 'extra', vector: vectorOf.get(live[7]!)!, metadata: { i: 0, g: 0 } };
      await db.insert(extra);
      await opened.insert(extra);
      expect(await opened.searchBatch(queries.slice(0, 10), { k: K, efSearch: ef })).toEqual(
        await db.searchBatch(queries.slice(0, 10), { k: K, efSearch: ef }),
      );
    } finally {
      await opened.close();
      await MiniVectorDB.removeSaved(url);
    }
  });

  /** Metadata inserted with `id` ('b…' base points, 'n…' new points). */
  function metaOfId(id: string): { i: number; g: number } {
    const n = Number(id.slice(1));
    return meta(id.startsWith('b') ? n : 100_000 + n);
  }
});
