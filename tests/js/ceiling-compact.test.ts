/**
 * compact() at the insert ceiling (issue #17): at dim 1024 and 1,004,000
 * vectors, 7 MB of the 4 GB heap free in fragments, `compact()` failed with
 * OutOfMemoryError asking for its old → new label map (4 bytes per label in
 * one block). The map's room is now reserved as the index grows, so the
 * compaction allocates nothing.
 *
 * The test makes that ceiling cheap: 30,000 labels (a 120 KB map), then the
 * heap filled with `_malloc` ballast (heap-fill.ts) until only fragments
 * under 64 KiB are free. There compact() must succeed and give the same
 * index as the same compaction with room to spare (byte-identical
 * snapshots), with every live record and exact search as before.
 */
import { expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
import { loadCore } from '../../dist/wasm/load.js';
import { fillHeap } from './heap-fill.js';
import { bruteForceKnn, mulberry32 } from './helpers.js';

const DIM = 16;
const N = 30_000;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function vector(i: number): Float32Array {
  const r = mulberry32(5000 + i);
  return Float32Array.from({ length: DIM }, () => r() * 2 - 1);
}
const deleted = (i: number): boolean => i % 10 === 3;

async function filled(): Promise<MiniVectorDB> {
  const db = await MiniVectorDB.create({ dim: DIM, metric: 'l2', M: 8, efConstruction: 24, seed: 5, logger: silent });
  for (let from = 0; from < N; from += 2000) {
    await db.insertMany(Array.from({ length: 2000 }, (_, b) => ({ id: `c${from + b}`, vector: vector(from + b), metadata: { i: from + b } })));
  }
  await db.deleteMany(Array.from({ length: N }, (_, i) => i).filter(deleted).map((i) => `c${i}`));
  return db;
}

test('compact() succeeds with only heap fragments free, and equals a compaction with room to spare', async () => {
  const mod = await loadCore(undefined, silent); // the module the databases below share
  const reference = await filled();
  await reference.compact();
  const expected = await reference.serialize();
  await reference.close();

  const db = await filled();
  const ballast = fillHeap(mod, 0);
  let failure: unknown;
  try {
    // The heap really is full: the map the old compact() allocated does not fit.
    const probe = mod._malloc(N * 4) >>> 0;
    if (probe !== 0) mod._free(probe);
    expect(probe).toBe(0);
    await db.compact();
  } catch (e) {
    failure = e;
  } finally {
    for (const ptr of ballast) mod._free(ptr);
  }
  expect(failure).toBeUndefined();
  try {
    const live = Array.from({ length: N }, (_, i) => i).filter((i) => !deleted(i));
    expect(db.size).toBe(live.length);
    expect(db.stats().deleted).toBe(0);
    expect(Buffer.compare(Buffer.from(await db.serialize()), Buffer.from(expected))).toBe(0);
    const got = await db.getMany(live.map((i) => `c${i}`));
    live.forEach((i, r) => expect(got[r]).toEqual({ id: `c${i}`, vector: vector(i), metadata: { i } }));
    expect(await db.get('c3')).toBeUndefined();
    const data = live.map(vector);
    const r = mulberry32(91);
    for (let q = 0; q < 5; q++) {
      const query = Float32Array.from({ length: DIM }, () => r() * 2 - 1);
      const truth = bruteForceKnn(data, query, 10, 'l2').map((h) => `c${live[h.index]}`);
      expect((await db.search(query, { k: 10, exact: true })).map((h) => h.id)).toEqual(truth);
    }
  } finally {
    await db.close();
  }
}, 120_000);
