/** searchBatch: array of vectors and one flat Float32Array give the same hits. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB } from 'minivectordb';
import { caught, clusteredData, fingerprint } from './helpers.js';

const DIM = 12;

describe.each(['l2', 'cosine'] as const)('searchBatch (%s)', (metric) => {
  let db: MiniVectorDB;
  let queries: Float32Array[];
  let flat: Float32Array;

  beforeAll(async () => {
    const d = clusteredData({ n: 3000, dim: DIM, seed: 6, clusters: 8, centreScale: 1 });
    db = await MiniVectorDB.create({ dim: DIM, metric, M: 8, efConstruction: 60, efSearch: 20, seed: 4 });
    await db.insertMany(d.vectors.map((vector, i) => ({ id: `s${i}`, vector, metadata: { odd: i % 2 === 1 } })));
    queries = Array.from({ length: 37 }, () => d.sample());
    flat = new Float32Array(queries.length * DIM);
    queries.forEach((q, i) => flat.set(q, i * DIM));
  });
  afterAll(async () => {
    await db?.close();
  });

  test('Float32Array[], number[][] and flat Float32Array give identical results', async () => {
    for (const options of [{ k: 10 }, { k: 3, efSearch: 100 }, { k: 10, filter: { odd: true } }, { k: 4, exact: true }]) {
      const fromArrays = await db.searchBatch(queries, options);
      const fromFlat = await db.searchBatch(flat, options);
      const fromNumbers = await db.searchBatch(queries.map((q) => Array.from(q)), options);
      expect(fromArrays).toHaveLength(queries.length);
      expect(fromArrays[0]).toHaveLength(options.k);
      expect(fromFlat).toEqual(fromArrays);
      expect(fromNumbers).toEqual(fromArrays);
      // ...and the same as one search() per query.
      for (const i of [0, 18, 36]) expect(await db.search(queries[i]!, options)).toEqual(fromArrays[i]);
    }
  });

  test('a flat subarray view (non-zero byteOffset) is read correctly', async () => {
    const padded = new Float32Array(flat.length + 2 * DIM);
    padded.set(flat, DIM);
    const view = padded.subarray(DIM, DIM + flat.length);
    expect(await db.searchBatch(view, { k: 5 })).toEqual(await db.searchBatch(queries, { k: 5 }));
  });

  test('empty batches return []', async () => {
    expect(await db.searchBatch([], { k: 5 })).toEqual([]);
    expect(await db.searchBatch(new Float32Array(0), { k: 5 })).toEqual([]);
  });

  test('a flat array whose length is not a multiple of dim → InvalidArgumentError, nothing changes', async () => {
    const before = await fingerprint(db, queries.slice(0, 3));
    for (const len of [1, DIM - 1, DIM + 1, 5 * DIM - 3]) {
      const err = await caught(() => db.searchBatch(flat.subarray(0, len), { k: 5 }), InvalidArgumentError);
      expect(err.code).toBe('INVALID_ARGUMENT');
    }
    const bad = flat.slice(0, 3 * DIM);
    bad[2 * DIM + 1] = Number.NaN;
    await caught(() => db.searchBatch(bad), InvalidArgumentError);
    expect(await fingerprint(db, queries.slice(0, 3))).toEqual(before);
  });

  test('a non-finite value in Float32Array queries is named by query and index', async () => {
    for (const [value, at] of [[Number.NaN, 0], [Number.POSITIVE_INFINITY, DIM - 1], [Number.NEGATIVE_INFINITY, 5]] as const) {
      const bad = flat.slice(0, 4 * DIM);
      bad[2 * DIM + at] = value;
      const batch = await caught(() => db.searchBatch(bad), InvalidArgumentError);
      expect(batch.message).toContain(`queries[2] has a non-finite value at index ${at}: ${String(value)}`);
      const rows = await caught(() => db.searchBatch([queries[0]!, bad.subarray(2 * DIM, 3 * DIM)]), InvalidArgumentError);
      expect(rows.message).toContain(`queries[1] has a non-finite value at index ${at}`);
      const one = await caught(() => db.search(bad.subarray(2 * DIM, 3 * DIM)), InvalidArgumentError);
      expect(one.message).toContain(`query has a non-finite value at index ${at}`);
    }
    // Finite but huge float32 values are refused: their distances would overflow float32 (README, Limits).
    const huge = new Float32Array(DIM).fill(3.4e38);
    expect((await caught(() => db.search(huge, { k: 1 }), InvalidArgumentError)).message).toContain('query has squared norm');
    const batch = await caught(() => db.searchBatch([queries[0]!, huge]), InvalidArgumentError);
    expect(batch.message).toContain('queries[1] has squared norm');
  });
});
