/**
 * int8 scalar quantization through the public API: recall@10 ≥ 0.95 on
 * SIFT10K (the dataset's ground truth) and MNIST (its first 10,000 images,
 * ground truth by an independent float64 brute force over them), both
 * metrics' recall on clustered data against brute force, memory per vector
 * with and without float32, save/open round trips, and option errors.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, type CreateOptions, type Metric } from 'minivectordb';
import { bruteForceL2, loadDataset } from '../../scripts/lib/datasets.mjs';
import { bruteForceKnn, clusteredData, recallAtK, statsWithoutMemory, tempDir } from './helpers.js';

const K = 10;
const DATASETS = '/work/shared/datasets';

interface Vecs {
  n: number;
  dim: number;
  data: Float32Array | Int32Array;
}
const row = (m: Vecs, i: number): Float32Array => Float32Array.from(m.data.subarray(i * m.dim, (i + 1) * m.dim));

/** Mean recall@10 of an int8 index over `base` against `truth` (row indexes, nearest first). */
async function datasetRecall(base: Vecs, queries: Float32Array[], truth: number[][], efSearch: number): Promise<{ recall: number; db: MiniVectorDB }> {
  const db = await MiniVectorDB.create({ dim: base.dim, metric: 'l2', M: 16, efConstruction: 200, seed: 1, quantization: 'int8' });
  await db.insertMany(Array.from({ length: base.n }, (_, i) => ({ id: String(i), vector: row(base, i) })));
  const hits = await db.searchBatch(queries, { k: K, efSearch });
  let sum = 0;
  for (let q = 0; q < queries.length; q++) sum += recallAtK(hits[q]!.map((h) => h.id), truth[q]!.slice(0, K).map(String));
  return { recall: sum / queries.length, db };
}

describe.skipIf(!existsSync(`${DATASETS}/sift10k/base.fvecs`))('SIFT10K, int8', () => {
  let result: { recall: number; db: MiniVectorDB };
  beforeAll(async () => {
    const { base, query, groundtruth } = loadDataset(`${DATASETS}/sift10k`) as { base: Vecs; query: Vecs; groundtruth: Vecs };
    const queries = Array.from({ length: query.n }, (_, q) => row(query, q));
    const truth = Array.from({ length: query.n }, (_, q) => Array.from(groundtruth.data.subarray(q * groundtruth.dim, q * groundtruth.dim + K)));
    result = await datasetRecall(base, queries, truth, 64);
  });
  afterAll(async () => {
    await result?.db.close();
  });

  test('recall@10 ≥ 0.95 against the ground truth', () => {
    expect(result.recall, `recall@10 = ${result.recall}`).toBeGreaterThanOrEqual(0.95);
  });

  test('stats: int8 codes plus float32 rows per vector; almost nothing clipped', () => {
    const s = result.db.stats();
    expect(s).toMatchObject({ quantization: 'int8', rerank: 4, keepFloat: true, bytesPerVector: 128 * 5, count: 10_000 });
    expect(s.clippedFraction).toBeGreaterThanOrEqual(0);
    expect(s.clippedFraction).toBeLessThan(0.01);
  });
});

describe.skipIf(!existsSync(`${DATASETS}/mnist/base.u8bin`))('MNIST (first 10,000 images), int8', () => {
  let result: { recall: number; db: MiniVectorDB };
  beforeAll(async () => {
    const full = loadDataset(`${DATASETS}/mnist`) as { base: Vecs; query: Vecs };
    const n = 10_000;
    const nq = 200;
    const base = { n, dim: full.base.dim, data: Float32Array.from(full.base.data.subarray(0, n * full.base.dim)) };
    const query = { n: nq, dim: full.query.dim, data: Float32Array.from(full.query.data.subarray(0, nq * full.query.dim)) };
    const gt = bruteForceL2(base, query, K) as Vecs;
    const queries = Array.from({ length: nq }, (_, q) => row(query, q));
    const truth = Array.from({ length: nq }, (_, q) => Array.from(gt.data.subarray(q * K, (q + 1) * K)));
    result = await datasetRecall(base, queries, truth, 64);
  });
  afterAll(async () => {
    await result?.db.close();
  });

  test('recall@10 ≥ 0.95 against brute force', () => {
    expect(result.recall, `recall@10 = ${result.recall}`).toBeGreaterThanOrEqual(0.95);
  });
});

describe.each(['l2', 'cosine', 'ip'] as Metric[])('clustered data, %s', (metric) => {
  const N = 3000;
  const DIM = 48;
  const data = clusteredData({ n: N, dim: DIM, seed: 91, clusters: 24, centreScale: 0.7 });
  const queries = Array.from({ length: 60 }, () => data.sample());
  const truth = queries.map((q) => bruteForceKnn(data.vectors, q, K, metric).map((r) => `v${r.index}`));
  const open = async (extra: CreateOptions): Promise<MiniVectorDB> => {
    const db = await MiniVectorDB.create({ dim: DIM, metric, M: 16, efConstruction: 200, efSearch: 96, seed: 3, quantization: 'int8', ...extra });
    await db.insertMany(data.vectors.map((vector, i) => ({ id: `v${i}`, vector, metadata: { i } })));
    return db;
  };
  const recallOf = async (db: MiniVectorDB): Promise<number> => {
    const hits = await db.searchBatch(queries, { k: K });
    return hits.reduce((s, h, q) => s + recallAtK(h.map((x) => x.id), truth[q]!), 0) / queries.length;
  };
  /** save → open gives the same stats and answers. */
  const expectRoundTrip = async (db: MiniVectorDB, url: string): Promise<void> => {
    await db.save(url);
    const again = await MiniVectorDB.open(url);
    try {
      expect(statsWithoutMemory(again)).toEqual(statsWithoutMemory(db));
      expect(await again.searchBatch(queries, { k: K })).toEqual(await db.searchBatch(queries, { k: K }));
    } finally {
      await again.close();
    }
  };
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  test('keepFloat (default): recall ≥ 0.95, exact float distances, save/open identical', async () => {
    const db = await open({});
    try {
      expect(await recallOf(db)).toBeGreaterThanOrEqual(0.95);
      await expectRoundTrip(db, tmp.url(`f-${metric}.mvdb`));
    } finally {
      await db.close();
    }
  });

  test('keepFloat false: dim bytes per vector, far less memory, dequantized get(), recall ≥ 0.9, save/open identical', async () => {
    const float = await MiniVectorDB.create({ dim: DIM, metric, M: 16, efConstruction: 200, seed: 3 });
    await float.insertMany(data.vectors.map((vector, i) => ({ id: `v${i}`, vector })));
    const db = await open({ keepFloat: false });
    try {
      expect(float.stats().bytesPerVector).toBe(4 * DIM);
      expect(db.stats()).toMatchObject({ quantization: 'int8', keepFloat: false, bytesPerVector: DIM });
      // At least 3/4 of the float32 rows' bytes are gone (the graph is the same size).
      expect(float.stats().memoryBytes - db.stats().memoryBytes).toBeGreaterThanOrEqual(0.75 * N * DIM * 4 * 0.75);
      expect(await recallOf(db)).toBeGreaterThanOrEqual(0.9);
      // get() gives the dequantized vector: close to the stored one (cosine: unit-normalised).
      const got = (await db.get('v5'))!.vector;
      const ref = (await float.get('v5'))!.vector;
      let maxAbs = 0;
      for (const v of data.vectors) for (const x of v) maxAbs = Math.max(maxAbs, Math.abs(x));
      for (let j = 0; j < DIM; j++) expect(Math.abs(got[j]! - ref[j]!)).toBeLessThanOrEqual(metric === 'cosine' ? 0.01 : (2 * maxAbs) / 254);
      await expectRoundTrip(db, tmp.url(`q-${metric}.mvdb`));
    } finally {
      await db.close();
      await float.close();
    }
  });
});

describe('int8 options', () => {
  test.each([
    ['quantization', { quantization: 'int4' }],
    ['quantization', { quantization: 8 }],
    ['rerank', { rerank: 0 }],
    ['rerank', { rerank: 1.5 }],
    ['rerank', { rerank: 1025 }],
    ['keepFloat', { keepFloat: 'no' }],
    ['quantisation', { quantisation: 'int8' }],
  ])('bad %s is an InvalidArgumentError naming it', async (name, extra) => {
    const p = MiniVectorDB.create({ dim: 4, ...(extra as object) } as CreateOptions);
    await expect(p).rejects.toThrow(InvalidArgumentError);
    await expect(p).rejects.toThrow(name);
  });

  test('defaults: no quantization, float32 only', async () => {
    const db = await MiniVectorDB.create({ dim: 4 });
    expect(db.stats()).toMatchObject({ quantization: 'none', rerank: 4, keepFloat: true, bytesPerVector: 16, clippedFraction: 0 });
    await db.close();
  });
});
