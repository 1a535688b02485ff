/**
 * Sizes and values that cross into WebAssembly (issue #16).
 *
 * - A searchBatch whose scratch reaches 2^32 bytes used to reach `_malloc`
 *   wrapped to a few bytes; the core then wrote far past the block and every
 *   database of the process failed from then on. Now it is a typed error
 *   before anything is allocated, and every database keeps working (the
 *   same database, one created before, a new one; also in a worker).
 * - The core checks every (address, count) region itself too: a caller that
 *   skips the TypeScript check gets a status code, not a heap overwrite.
 * - Values whose squares overflow float32 are refused (squared norm over
 *   FLT_MAX / 8); vectors right at the limit give finite distances equal to a
 *   float64 reference.
 * - fast-check: extreme shapes (k, n, dim near limits and powers of two,
 *   batches on both sides of 2^32 bytes) give a typed error or correct
 *   results, never an untyped error, and a bystander database keeps working.
 *
 * "Works" is checked against an independent float64 brute force (helpers.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, MiniVectorDBError, OutOfMemoryError, type Metric, type SearchHit } from 'minivectordb';
// Internal modules of the built package: the raw Embind object, to call the
// core the way a buggy caller would.
import { CoreIndex } from '../../dist/wasm/core-index.js';
import { loadCore } from '../../dist/wasm/load.js';
import { bruteForceKnn, caught, checkExactTopK, distanceTolerance, randomVectors, refDistance } from './helpers.js';

/** The wasm32 address space. */
const TWO_32 = 2 ** 32;
const FLT_MAX = 3.4028234663852886e38;
/** The documented limit on Σ v_i² (README, Limits). */
const MAX_SQUARED_NORM = FLT_MAX / 8;

interface Tracked {
  db: MiniVectorDB;
  /** Vector of record `r${i}` at index i. */
  data: Float32Array[];
  metric: Metric;
  dim: number;
}

const indexOf = (id: string): number => Number(id.slice(1));

async function tracked(dim: number, n: number, metric: Metric, seed: number): Promise<Tracked> {
  const db = await MiniVectorDB.create({ dim, metric, M: 8, efConstruction: 32, seed });
  const data = randomVectors(n, dim, seed);
  await db.insertMany(data.map((vector, i) => ({ id: `r${i}`, vector })));
  return { db, data, metric, dim };
}

/** Hits of `query` are sorted, distinct, live records, each at its float64 reference distance. */
function expectConsistentHits(t: Pick<Tracked, 'metric' | 'data'>, query: ArrayLike<number>, hits: readonly SearchHit[], want: number): void {
  expect(hits).toHaveLength(want);
  expect(new Set(hits.map((h) => h.id)).size).toBe(want);
  for (let i = 0; i < hits.length; i++) {
    const ref = refDistance(t.metric, query, t.data[indexOf(hits[i]!.id)]!);
    expect(Math.abs(hits[i]!.distance - ref)).toBeLessThanOrEqual(distanceTolerance(ref));
    if (i > 0) expect(hits[i]!.distance).toBeGreaterThanOrEqual(hits[i - 1]!.distance);
  }
}

/** Exact top-k of `query` equals the float64 brute force. */
async function expectExact(t: Tracked, query: Float32Array, k: number): Promise<void> {
  const hits = await t.db.search(query, { k, exact: true });
  expect(checkExactTopK(hits, bruteForceKnn(t.data, query, k + 1, t.metric), k, (i) => `r${i}`)).toBeUndefined();
}

/** Inserts two new records, then exact and graph searches answer as the brute force says. */
async function expectWorks(t: Tracked, seed: number): Promise<void> {
  const fresh = randomVectors(2, t.dim, seed);
  for (const vector of fresh) {
    await t.db.insert({ id: `r${t.data.length}`, vector });
    t.data.push(vector);
  }
  expect(t.db.size).toBe(t.data.length);
  const queries = [fresh[0]!, ...randomVectors(2, t.dim, seed + 1)];
  const k = Math.min(10, t.data.length);
  for (const q of queries) await expectExact(t, q, k);
  const batch = await t.db.searchBatch(queries, { k });
  batch.forEach((hits, i) => expectConsistentHits(t, queries[i]!, hits, k));
  if (t.metric === 'l2') expect(batch[0]![0]).toMatchObject({ id: `r${t.data.length - 2}`, distance: 0 });
}

/** The settled outcome of a call: its value, or the error it threw. */
async function outcome<T>(p: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

function expectTyped(error: unknown): void {
  // Never a RuntimeError ("memory access out of bounds") or a RangeError.
  expect(error).toBeInstanceOf(MiniVectorDBError);
  expect(error instanceof OutOfMemoryError || error instanceof InvalidArgumentError).toBe(true);
}

describe('issue #16: an oversized searchBatch', () => {
  test('536,335 one-dimensional queries with k = 1000: a typed error, and every database keeps working', async () => {
    const before = await tracked(8, 300, 'cosine', 11);
    const db = await tracked(1, 1000, 'l2', 12);
    const queries = new Float32Array(536_335);
    for (let i = 0; i < queries.length; i++) queries[i] = ((i % 2001) - 1000) / 1000;
    // Its scratch: 536,335 × (4 + 1000 × 8 + 4) bytes, just over 2^32.
    expect(536_335 * (4 + 1000 * 8 + 4)).toBeGreaterThan(TWO_32);
    const result = await outcome(db.db.searchBatch(queries, { k: 1000 }));
    expect(result).toHaveProperty('error');
    const { error } = result as { error: Error };
    expectTyped(error);
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error.message).toContain('4294970680 bytes');

    await expectWorks(db, 21); // the same database
    await expectWorks(before, 22); // one created before
    await expectWorks(await tracked(4, 200, 'ip', 13), 23); // and a new one
    // A slice of the same batch that fits answers, each query as the brute force.
    const part = await db.db.searchBatch(queries.subarray(0, 20), { k: 1000 });
    part.forEach((hits, i) => expectConsistentHits(db, queries.subarray(i, i + 1), hits, 1000));
    await Promise.all([before.db.close(), db.db.close()]);
  });

  test('the exact path has the same limit (it would otherwise build 536 million hits)', async () => {
    const db = await tracked(1, 1000, 'l2', 14);
    const result = await outcome(db.db.searchBatch(new Float32Array(536_335), { k: 1000, exact: true }));
    expectTyped((result as { error: unknown }).error);
    await expectWorks(db, 24);
    await db.db.close();
  });
});

test('in a worker the same batch arrives as an OutOfMemoryError, and the worker database keeps working', async () => {
  const db = await MiniVectorDB.createInWorker({ dim: 1, seed: 3 });
  try {
    const data = randomVectors(1000, 1, 15);
    await db.insertMany(data.map((vector, i) => ({ id: `r${i}`, vector })));
    const error = await caught(() => db.searchBatch(new Float32Array(536_335), { k: 1000 }), OutOfMemoryError);
    expect(error.code).toBe('OUT_OF_MEMORY');
    const q = new Float32Array([0.25]);
    const hits = await db.search(q, { k: 5, exact: true });
    expect(checkExactTopK(hits, bruteForceKnn(data, q, 6, 'l2'), 5, (i) => `r${i}`)).toBeUndefined();
    expectConsistentHits({ data, metric: 'l2' }, q, (await db.searchBatch([q], { k: 5 }))[0]!, 5);
  } finally {
    await db.close();
  }
});

describe('the core checks every region itself', () => {
  test('add, search, checkVectors, load and feedSnapshotUser with regions past the memory return InvalidArgument, touching nothing', async () => {
    const silent = { debug() {}, info() {}, warn() {}, error() {} };
    const bystander = await tracked(4, 100, 'l2', 31);
    const mod = await loadCore(undefined, silent); // the module every database here shares
    const index = CoreIndex.create(mod, { dim: 4, metric: 'l2', M: 8, efConstruction: 16, efSearch: 16, seed: 1, quantization: 'none', rerank: 4, keepFloat: true });
    const ptr = mod._malloc(64) >>> 0;
    try {
      const calls: [string, () => number][] = [
        // 2^30 vectors of 4 float32 (16 GiB) at a 64-byte block
        ['add', () => index.raw.add(ptr, 2 ** 30, ptr)],
        // the batch, as a caller that skipped the TypeScript check would send it
        ['search of a batch', () => index.raw.search(ptr, 536_335, 1000, 16, false, 0, 0, ptr, ptr, ptr, 1000)],
        // nq · stride = 2^40: wraps to 0 in 32 bits
        ['search 2^20 × 2^20', () => index.raw.search(ptr, 2 ** 20, 2 ** 20, 16, false, 0, 0, ptr, ptr, ptr, 2 ** 20)],
        ['search of one query, stride 2^31', () => index.raw.search(ptr, 1, 2 ** 31, 16, false, 0, 0, ptr, ptr, ptr, 2 ** 31)],
        ['exact search', () => index.raw.search(ptr, 1, 4, 0, true, 0, 0, ptr, 0xfffffff0, ptr, 4)],
        ['checkVectors', () => index.raw.checkVectors(ptr, 2 ** 30)],
        ['load', () => index.raw.load(ptr, 0xffffffff)],
        // a snapshot's USER piece (the stream begun first: its length is only a count)
        [
          'feedSnapshotUser',
          () => {
            index.raw.beginSnapshot(0xffffffff);
            return index.raw.feedSnapshotUser(ptr, 0xffffffff);
          },
        ],
        ['add at address 0', () => index.raw.add(0, 1, ptr)],
      ];
      for (const [name, call] of calls) {
        expect(call(), name).toBe(-1);
        expect(index.raw.lastError(), name).toMatch(/bytes at address \d+ do not fit the \d+-byte WebAssembly memory/);
      }
      expect(index.size).toBe(0);
    } finally {
      mod._free(ptr);
      index.dispose();
    }
    await expectWorks(bystander, 32);
    await expectWorks(await tracked(3, 50, 'cosine', 33), 34);
    await bystander.db.close();
  });
});

/** float32 neighbours of x (x a float32). */
function nextFloat32(x: number, up: boolean): number {
  const f = new Float32Array([x]);
  const bits = new Int32Array(f.buffer);
  bits[0]! += x >= 0 === up ? 1 : -1;
  return f[0]!;
}

/** Σ c² over dim values, summed in float64 in index order (as the library does). */
function squaredNorm(c: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s += c * c;
  return s;
}

/** The largest float32 c with dim · c² (summed as above) within the limit. */
function largestAccepted(dim: number): number {
  let c = Math.fround(Math.sqrt(MAX_SQUARED_NORM / dim));
  while (squaredNorm(c, dim) > MAX_SQUARED_NORM) c = nextFloat32(c, false);
  while (squaredNorm(nextFloat32(c, true), dim) <= MAX_SQUARED_NORM) c = nextFloat32(c, true);
  return c;
}

describe('values whose squares overflow float32', () => {
  test.each(['l2', 'ip', 'cosine'] as const)('%s: 3e38 is refused at insert and search, naming the item and the limit; nothing changes', async (metric) => {
    const t = await tracked(4, 20, metric, 41);
    for (const vector of [[3e38, 0, 0, 0], new Float32Array([0, 0, -3e38, 1]), [1e19, 0, 0, 0]]) {
      const one = await caught(() => t.db.insert({ id: 'big', vector }), InvalidArgumentError);
      expect(one.message).toMatch(/items\[0\]\.vector has squared norm [\d.e+]+, over the limit 4\.25353e\+37/);
      const many = await caught(() => t.db.insertMany([{ id: 'ok', vector: [1, 2, 3, 4] }, { id: 'big', vector }]), InvalidArgumentError);
      expect(many.message).toContain('items[1].vector has squared norm');
      expect((await caught(() => t.db.search(vector), InvalidArgumentError)).message).toContain('query has squared norm');
      const batch = await caught(() => t.db.searchBatch([[1, 2, 3, 4], vector]), InvalidArgumentError);
      expect(batch.message).toContain('queries[1] has squared norm');
      await caught(() => t.db.update('r0', { vector }), InvalidArgumentError);
    }
    expect(t.db.size).toBe(20);
    expect(await t.db.get('big')).toBeUndefined();
    expect(await t.db.get('ok')).toBeUndefined();
    await expectWorks(t, 42);
    await t.db.close();
  });

  test.each([
    ['l2', 1],
    ['l2', 3],
    ['l2', 64],
    ['ip', 1],
    ['ip', 64],
    ['cosine', 5],
  ] as const)('%s, dim %i: vectors right at the limit give finite distances equal to a float64 reference', async (metric, dim) => {
    const c = largestAccepted(dim);
    const over = nextFloat32(c, true);
    // Sign patterns of ±c: the extreme pairs (x, −x) are the farthest apart.
    const vectors = [0, 1, 2, 5].map((p) => Float32Array.from({ length: dim }, (_, i) => ((i + p) % (p + 2) === 0 ? -c : c)));
    vectors.push(vectors[0]!.map((x) => -x));
    const t: Tracked = { db: await MiniVectorDB.create({ dim, metric }), data: vectors, metric, dim };
    await t.db.insertMany(vectors.map((vector, i) => ({ id: `r${i}`, vector })));
    await caught(() => t.db.insert({ id: 'over', vector: new Float32Array(dim).fill(over) }), InvalidArgumentError);
    for (const q of vectors) {
      for (const exact of [true, false]) {
        const hits = await t.db.search(q, { k: vectors.length, exact });
        for (const h of hits) expect(Number.isFinite(h.distance)).toBe(true);
        expectConsistentHits(t, q, hits, vectors.length);
      }
    }
    if (metric === 'l2') {
      const far = await t.db.search(vectors[0]!, { k: 1 + vectors.length, exact: true });
      expect(far.at(-1)!.distance).toBeCloseTo(FLT_MAX / 2, -33); // 4 · dim · c² ≈ FLT_MAX / 2
    }
    await t.db.close();
  });

  test('the core applies the same limit at the same float32 value (a caller that skips the TypeScript check)', async () => {
    const mod = await loadCore(undefined, { debug() {}, info() {}, warn() {}, error() {} });
    for (const dim of [1, 7]) {
      const index = CoreIndex.create(mod, { dim, metric: 'l2', M: 8, efConstruction: 16, efSearch: 16, seed: 1, quantization: 'none', rerank: 4, keepFloat: true });
      try {
        const c = largestAccepted(dim);
        expect(() => index.add(new Float32Array(dim).fill(nextFloat32(c, true)), 1)).toThrow(InvalidArgumentError);
        expect(() => index.search(new Float32Array(dim).fill(3e38), 1, 1, 16, undefined, false)).toThrow(/query has squared norm/);
        expect(index.size).toBe(0);
        index.add(new Float32Array(dim).fill(c), 1);
        index.add(new Float32Array(dim).fill(-c), 1);
        const [hits] = index.search(new Float32Array(dim).fill(c), 1, 2, 16, undefined, true);
        expect(Array.from(hits!.labels)).toEqual([0, 1]);
        expect(Number.isFinite(hits!.distances[1]!)).toBe(true);
        const ref = refDistance('l2', new Float32Array(dim).fill(c), new Float32Array(dim).fill(-c));
        expect(Math.abs(hits!.distances[1]! - ref)).toBeLessThanOrEqual(distanceTolerance(ref));
      } finally {
        index.dispose();
      }
    }
  });

  test('int8 without float32 rows: distances of vectors at the limit stay finite', async () => {
    const dim = 8;
    const c = largestAccepted(dim);
    // Random sign patterns of ±c: every value is an exact code (±127 steps), 1,100 rows so the quantizer freezes and drops the floats.
    const data = randomVectors(1100, dim, 51).map((v) => v.map((x) => (x < 0 ? -c : c)));
    const db = await MiniVectorDB.create({ dim, metric: 'l2', quantization: 'int8', keepFloat: false });
    await db.insertMany(data.map((vector, i) => ({ id: `r${i}`, vector })));
    expect(db.stats().keepFloat).toBe(false);
    for (const q of [data[0]!, data[1]!.map((x) => -x)]) {
      const hits = await db.search(q, { k: 50, exact: true });
      for (const h of hits) {
        const ref = refDistance('l2', q, data[indexOf(h.id)]!);
        expect(Number.isFinite(h.distance)).toBe(true);
        expect(Math.abs(h.distance - ref)).toBeLessThanOrEqual(1e-3 * Math.max(1, ref));
      }
      expect(hits[0]!.distance).toBe(0);
      expect(new Set(hits.map((h) => h.id)).size).toBe(50);
    }
    await db.close();
  });
});

describe('property: extreme shapes give a typed error or correct results', () => {
  let shapes: Tracked[];
  let bystander: Tracked;
  const probe = randomVectors(1, 16, 99)[0]!;

  beforeAll(async () => {
    bystander = await tracked(16, 200, 'l2', 60);
    shapes = [
      await tracked(1, 1000, 'l2', 61),
      await tracked(2, 4096, 'ip', 62),
      await tracked(3, 1500, 'cosine', 63),
      await tracked(1, 1, 'l2', 64),
      await tracked(65536, 3, 'l2', 65), // the largest dimension
    ];
  });
  afterAll(async () => {
    for (const t of [bystander, ...shapes]) await t.db.close();
  });

  /** k near the limits: powers of two ± 1, the core's 2^20, 32-bit and 53-bit edges. */
  const extremeK = fc.oneof(
    fc.constantFrom(1, 2, 999, 1000, 1001, 4095, 4096, 4097, 2 ** 20, 2 ** 20 + 1, 2 ** 31, TWO_32 - 1, TWO_32, TWO_32 + 1, Number.MAX_SAFE_INTEGER),
    fc.integer({ min: 1, max: 5000 }),
  );

  test('batches from 1 query to just past 2^32 bytes of scratch', async () => {
    const seen = { refused: 0, answered: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          shape: fc.nat({ max: 4 }),
          k: extremeK,
          exact: fc.boolean(),
          // 'small': up to 3 queries; 'edge': as many as put the scratch within a few rows of 2^32 bytes.
          edge: fc.option(fc.integer({ min: -1, max: 3 }), { freq: 2 }),
          nq: fc.integer({ min: 1, max: 3 }),
          seed: fc.nat(),
        }),
        async ({ shape, k, exact, edge, nq, seed }) => {
          const t = shapes[shape]!;
          const kk = Math.min(k, t.data.length);
          // Scratch bytes per query: the query, kk labels and distances, a count.
          const perQuery = 4 * t.dim + 8 * kk + 4;
          if (edge !== null) nq = Math.ceil(TWO_32 / perQuery) + edge;
          // The query array itself must stay small for the test: edge batches only where results dominate.
          fc.pre(nq * t.dim * 4 <= 64 * 2 ** 20);
          const bytes = BigInt(nq) * BigInt(perQuery);
          const queries = new Float32Array(nq * t.dim);
          const rows = randomVectors(Math.min(nq, 3), t.dim, seed);
          for (let i = 0; i < nq; i++) queries.set(rows[i % rows.length]!, i * t.dim);
          const result = await outcome(t.db.searchBatch(queries, { k, exact, efSearch: 64 }));
          if ('error' in result) {
            expectTyped(result.error);
            // Only a batch that could not fit may fail.
            expect(bytes).toBeGreaterThan(BigInt(TWO_32 - 2 ** 20));
            seen.refused++;
          } else {
            seen.answered++;
            expect(bytes).toBeLessThan(BigInt(TWO_32));
            expect(result.value).toHaveLength(nq);
            for (let i = 0; i < Math.min(nq, 3); i++) {
              const q = queries.subarray(i * t.dim, (i + 1) * t.dim);
              if (exact) {
                expect(checkExactTopK(result.value[i]!, bruteForceKnn(t.data, q, kk + 1, t.metric), kk, (j) => `r${j}`)).toBeUndefined();
              } else {
                expectConsistentHits(t, q, result.value[i]!, kk);
              }
            }
          }
          // Whatever happened, another database of the module still answers exactly.
          await expectExact(bystander, probe, 5);
        },
      ),
      { numRuns: 40 },
    );
    // Both sides of the boundary were exercised.
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.answered).toBeGreaterThan(0);
    for (const [i, t] of [bystander, ...shapes].entries()) await expectWorks(t, 70 + i);
  });
});
