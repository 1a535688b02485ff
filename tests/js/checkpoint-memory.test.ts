/**
 * A checkpoint needs only bounded extra WebAssembly memory (issue #17): the
 * snapshot streams out in 1 MiB chunks instead of being built whole in the
 * heap beside the index. Before, `save()` failed with OutOfMemoryError once
 * the index passed ~1.6 GB of dim-1024 vectors (the image did not fit
 * beside it) although inserts went on to ~3 GB.
 *
 * The test makes that ceiling cheap: it fills the 4 GB heap with untouched
 * ballast blocks (`_malloc`, so the pages are reserved but never written and
 * cost no RAM) until only a few MiB are free around a 40 MB index, then
 * saves. The old one-buffer serializer needs the whole 40 MB image there and
 * fails; the streaming save needs its 1 MiB buffer and the metadata (USER)
 * copy, and succeeds. With the ballast freed the saved file opens with every
 * record.
 *
 * Opening likewise: with one free hole of 56 MB (a block reserved first, the
 * rest of the heap filled, then the block freed), the 41 MB snapshot opens,
 * its rows copied once into the index's own buffer. The old loader copied
 * the whole snapshot into the heap and built the index beside it (~81 MB)
 * and ran out.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
import { loadCore } from '../../dist/wasm/load.js';
import { fillHeap, fillHeapBut } from './heap-fill.js';
import { tempDir } from './helpers.js';

const DIM = 1024;
const N = 10_000; // 40 MB of float32 rows
const BATCH = 250; // small inserts: the insert scratch (kept for reuse) stays at 1 MB
const HEADROOM = 6 * 2 ** 20; // what stays free beside the index

const tmp = await tempDir();
afterAll(() => tmp.cleanup());

/** Vector i: deterministic and distinct. */
const row = (i: number): Float32Array => Float32Array.from({ length: DIM }, (_, j) => ((i * 7 + j * 13) % 101) / 101 + (j === i % DIM ? 1 : 0));


test('save() at a full heap streams the snapshot with bounded extra memory (the old serializer ran out)', async () => {
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const mod = await loadCore(undefined, silent); // the module the databases below share
  const db = await MiniVectorDB.create({ dim: DIM, M: 4, efConstruction: 8, seed: 5 });
  for (let from = 0; from < N; from += BATCH) {
    await db.insertMany(Array.from({ length: BATCH }, (_, b) => ({ id: `v${from + b}`, vector: row(from + b), metadata: { i: from + b } })));
  }
  const ballast = fillHeap(mod, HEADROOM);
  let saved: unknown;
  try {
    // The heap really is full: a block of the image's size cannot be allocated.
    const probe = mod._malloc(N * DIM * 4) >>> 0;
    if (probe !== 0) mod._free(probe);
    expect(probe).toBe(0);
    saved = await db.save(tmp.url('full-heap.mvdb')).then(
      () => 'saved',
      (e: unknown) => e,
    );
  } finally {
    for (const ptr of ballast) mod._free(ptr);
  }
  expect(saved).toBe('saved');
  const bytes = await readFile(fileURLToPath(tmp.url('full-heap.mvdb')));
  expect(bytes.byteLength).toBeGreaterThan(N * DIM * 4);
  // The same bytes as an unconstrained serialisation (Buffer.equals: toEqual is slow on 40 MB).
  expect(bytes.equals(await db.serialize())).toBe(true);
  const again = await MiniVectorDB.open(tmp.url('full-heap.mvdb'));
  expect(again.size).toBe(N);
  for (const i of [0, 4321, N - 1]) {
    expect(await again.get(`v${i}`)).toEqual({ id: `v${i}`, vector: row(i), metadata: { i } });
    expect((await again.search(row(i), { k: 1, exact: true }))[0]).toMatchObject({ id: `v${i}`, distance: 0 });
  }
  await Promise.all([db.close(), again.close()]);
});

test('open() at a nearly full heap copies the rows once (the old loader needed the snapshot plus the index)', async () => {
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const mod = await loadCore(undefined, silent);
  const HOLE = 56 * 2 ** 20;
  const ballast = fillHeapBut(mod, HOLE);
  let opened: MiniVectorDB | undefined;
  let failure: unknown;
  try {
    opened = await MiniVectorDB.open(tmp.url('full-heap.mvdb'));
  } catch (e) {
    failure = e;
  } finally {
    for (const ptr of ballast) mod._free(ptr);
  }
  expect(failure).toBeUndefined();
  expect(opened!.size).toBe(N);
  for (const i of [1, 5000, N - 2]) expect((await opened!.search(row(i), { k: 1, exact: true }))[0]).toMatchObject({ id: `v${i}`, distance: 0 });
  await opened!.close();
});
