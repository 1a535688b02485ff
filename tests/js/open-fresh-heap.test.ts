/**
 * Opening a snapshot larger than the heap's current size: the first open in
 * a process whose WebAssembly heap is still at its initial 16 MiB. The rows
 * go straight into a buffer the core allocates for them (split load), so
 * their size is checked against the heap's maximum, not its current size
 * (bench/capacity.mjs found the open of a 2 GB snapshot in a fresh process
 * refused). The snapshot is built in a worker (its own module and heap), so
 * this test's process opens it with an untouched heap.
 */
import { afterAll, expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
import { tempDir } from './helpers.js';

const DIM = 1024;
const N = 6000; // 24 MB of rows: more than the initial 16 MiB heap
const tmp = await tempDir();
afterAll(() => tmp.cleanup());

const row = (i: number): Float32Array => Float32Array.from({ length: DIM }, (_, j) => ((i * 5 + j * 11) % 97) / 97 + (j === i % DIM ? 2 : 0));

test('the first open in a process reads a snapshot larger than the initial heap', async () => {
  const worker = await MiniVectorDB.createInWorker({ dim: DIM, M: 4, efConstruction: 8, seed: 2 });
  for (let from = 0; from < N; from += 500) {
    await worker.insertMany(Array.from({ length: 500 }, (_, b) => ({ id: `v${from + b}`, vector: row(from + b), metadata: { i: from + b } })));
  }
  await worker.save(tmp.url('fresh.mvdb'));
  await worker.close();

  const db = await MiniVectorDB.open(tmp.url('fresh.mvdb'));
  expect(db.size).toBe(N);
  for (const i of [0, 3333, N - 1]) {
    expect(await db.get(`v${i}`)).toEqual({ id: `v${i}`, vector: row(i), metadata: { i } });
    expect((await db.search(row(i), { k: 1, exact: true }))[0]).toMatchObject({ id: `v${i}`, distance: 0 });
  }
  await db.close();
});
