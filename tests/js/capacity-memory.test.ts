/**
 * Capacity (issue #17): the index grows, compacts and stops at the heap's
 * ceiling without a second copy of itself.
 *
 * - Inserts: rows, codes and layer-0 links live in 4 MiB blocks
 *   (`row_blocks.hpp`), so growing allocates one more block instead of
 *   reallocating one contiguous buffer (which needs the old and the new block
 *   at once: inserts used to stop near half the heap). The test leaves one
 *   48 MB hole beside a 40 MB index and inserts 32 MB more: the old store
 *   (16,000 rows of capacity after batches of 500) had to reallocate to at
 *   least 72 MB contiguous there and ran out.
 * - At the ceiling an insert fails with OutOfMemoryError and loses nothing:
 *   the size and every record are as before, and the database still
 *   searches, saves and reopens.
 * - compact() works in place (rows moved down over the tombstones, the graph
 *   rebuilt in its own buffers): with the heap full but for a few MiB it
 *   succeeds; the old compact built a second index (28 MB of rows here) and
 *   ran out. The result is checked against brute force over the live vectors.
 *
 * The ballast blocks (`_malloc`, untouched) reserve heap pages without
 * costing RAM, as in checkpoint-memory.test.ts.
 */
import { afterAll, expect, test } from 'vitest';
import { MiniVectorDB, OutOfMemoryError } from 'minivectordb';
import { loadCore } from '../../dist/wasm/load.js';
import { fillHeap, fillHeapBut } from './heap-fill.js';
import { tempDir } from './helpers.js';

const DIM = 1024;
const N = 10_000; // 40 MB of float32 rows
const BATCH = 500;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

const tmp = await tempDir();
afterAll(() => tmp.cleanup());

/** Vector i: deterministic and distinct. */
const row = (i: number): Float32Array => Float32Array.from({ length: DIM }, (_, j) => ((i * 7 + j * 13) % 101) / 101 + (j === i % DIM ? 1 : 0));



async function insertRange(db: MiniVectorDB, from: number, to: number, vector = row, skip = (_i: number) => false): Promise<void> {
  for (let at = from; at < to; at += BATCH) {
    const end = Math.min(to, at + BATCH);
    const items = Array.from({ length: end - at }, (_, b) => at + b).filter((i) => !skip(i));
    await db.insertMany(items.map((i) => ({ id: `v${i}`, vector: vector(i), metadata: { i } })));
  }
}

/** Seeded uniform [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const BASIS = (() => {
  const r = random(77);
  return Array.from({ length: 12 }, () => Float32Array.from({ length: DIM }, () => r() - 0.5));
})();
/** Vector i for the recall check: a seeded mix of 12 directions plus a little noise (data of low intrinsic dimension, as embeddings are). */
function mixed(i: number): Float32Array {
  const r = random(1000 + i);
  const v = new Float32Array(DIM);
  for (const b of BASIS) {
    const c = r() * 2 - 1;
    for (let j = 0; j < DIM; j++) v[j]! += c * b[j]!;
  }
  for (let j = 0; j < DIM; j++) v[j]! += (r() - 0.5) * 0.02;
  return v;
}

test('inserts grow in blocks beside a full heap, then stop with OutOfMemoryError and lose nothing', async () => {
  const mod = await loadCore(undefined, silent);
  const db = await MiniVectorDB.create({ dim: DIM, M: 4, efConstruction: 8, seed: 3, logger: silent });
  await insertRange(db, 0, N);
  const HOLE = 48 * 2 ** 20;
  const ballast = fillHeapBut(mod, HOLE);
  let grown: unknown = 'ok';
  let ceiling: unknown;
  let n = N;
  let saved: unknown;
  try {
    // 32 MB more rows in a 48 MB hole: blocks, no reallocation of the 40 MB.
    await insertRange(db, N, N + 8000).catch((e: unknown) => (grown = e));
    n = db.size;
    // Then on until the hole is used up.
    for (;;) {
      try {
        await insertRange(db, n, n + BATCH);
        n += BATCH;
      } catch (e) {
        ceiling = e;
        break;
      }
    }
    // At the ceiling the database still works: it searches and saves.
    expect(db.size).toBe(n);
    expect(await db.get(`v${n}`)).toBeUndefined();
    expect((await db.search(row(n - 1), { k: 1, exact: true }))[0]).toMatchObject({ id: `v${n - 1}`, distance: 0 });
    saved = await db.save(tmp.url('ceiling.mvdb')).then(
      () => 'saved',
      (e: unknown) => e,
    );
  } finally {
    for (const ptr of ballast) mod._free(ptr);
  }
  expect(grown).toBe('ok');
  expect(n).toBeGreaterThanOrEqual(N + 8000);
  expect(ceiling).toBeInstanceOf(OutOfMemoryError);
  expect(saved).toBe('saved');
  const again = await MiniVectorDB.open(tmp.url('ceiling.mvdb'), { logger: silent });
  expect(again.size).toBe(n);
  for (const i of [0, N + 1, n - 1]) {
    expect(await again.get(`v${i}`)).toEqual({ id: `v${i}`, vector: row(i), metadata: { i } });
  }
  // An opened store holds its rows in the loaded buffer (blocks as views of
  // it): compaction moves them down there too.
  await again.deleteMany(Array.from({ length: 3000 }, (_, k) => `v${k * 3}`));
  expect(await again.compact()).toBe(3000);
  expect(again.size).toBe(n - 3000);
  for (const i of [0, 1, N + 1, n - 1]) {
    if (i % 3 === 0 && i < 9000) expect(await again.get(`v${i}`)).toBeUndefined();
    else expect(await again.get(`v${i}`)).toEqual({ id: `v${i}`, vector: row(i), metadata: { i } });
  }
  expect((await again.search(row(n - 1), { k: 1, exact: true }))[0]).toMatchObject({ id: `v${n - 1}`, distance: 0 });
  await Promise.all([db.close(), again.close()]);
});

test('compact() at a full heap runs in place (the old one built a second index and ran out)', async () => {
  const mod = await loadCore(undefined, silent);
  const options = { dim: DIM, M: 8, efConstruction: 32, seed: 5, logger: silent };
  const db = await MiniVectorDB.create(options);
  await insertRange(db, 0, N, mixed);
  const isDeleted = (i: number): boolean => i % 10 < 3 || (i >= 2000 && i < 4000);
  const gone = Array.from({ length: N }, (_, i) => i).filter(isDeleted);
  await db.deleteMany(gone.map((i) => `v${i}`));
  const live = N - gone.length;
  const ballast = fillHeap(mod, 6 * 2 ** 20);
  let compacted: unknown;
  try {
    // The heap really is full: the old compact's second row store cannot be allocated.
    const probe = mod._malloc(live * DIM * 4) >>> 0;
    if (probe !== 0) mod._free(probe);
    expect(probe).toBe(0);
    compacted = await db.compact().catch((e: unknown) => e);
  } finally {
    for (const ptr of ballast) mod._free(ptr);
  }
  expect(compacted).toBe(gone.length);
  expect(db.size).toBe(live);
  expect(db.stats().deleted).toBe(0);
  for (const i of [0, 3, 1999, 2000, 4000, N - 1]) {
    if (isDeleted(i)) expect(await db.get(`v${i}`)).toBeUndefined();
    else expect(await db.get(`v${i}`)).toEqual({ id: `v${i}`, vector: mixed(i), metadata: { i } });
  }
  // The same index as one built from the live vectors alone, and recall@10
  // against brute force over them.
  const scratch = await MiniVectorDB.create(options);
  await insertRange(scratch, 0, N, mixed, isDeleted);
  const liveIds = Array.from({ length: N }, (_, i) => i).filter((i) => !isDeleted(i));
  const rows = liveIds.map(mixed);
  let hits = 0;
  const Q = 20;
  for (let q = 0; q < Q; q++) {
    const query = mixed(N + q);
    const truth = rows
      .map((r, k) => {
        let d = 0;
        for (let j = 0; j < DIM; j++) d += (r[j]! - query[j]!) ** 2;
        return [d, `v${liveIds[k]}`] as const;
      })
      .sort((a, b) => a[0] - b[0])
      .slice(0, 10)
      .map(([, id]) => id);
    const got = (await db.search(query, { k: 10, efSearch: 64 })).map((h) => h.id);
    expect(got).toEqual((await scratch.search(query, { k: 10, efSearch: 64 })).map((h) => h.id));
    hits += truth.filter((id) => got.includes(id)).length;
  }
  expect(hits / (Q * 10)).toBeGreaterThanOrEqual(0.9);
  await Promise.all([db.close(), scratch.close()]);
});
