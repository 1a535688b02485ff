/**
 * What insert accepts, save can write (issue #17): at the insert ceiling
 * (dim 1024, 1,004,000 vectors, 7 MB of the 4 GB heap free) `save()` failed
 * with OutOfMemoryError because the USER section (ids, metadata, text
 * postings: 8.9 MB there, held in JavaScript) was copied into the heap
 * before the snapshot stream wrote it. Now only its CRC passes through the
 * stream's 1 MiB buffer, and its bytes go from JavaScript to the storage.
 *
 * The test makes that ceiling cheap: records with ~2 KB of metadata each
 * (an ~8 MB USER section), then the heap filled with untouched `_malloc`
 * ballast (heap-fill.ts) but for a 2 MiB hole, so a block of the USER
 * section's size no longer fits. There, a save to another URL, a checkpoint of a database with a
 * write-ahead log (`save()` to its own storage) and `serialize()` must
 * succeed; with the ballast freed, each file opens to the same records,
 * checked against the generators (every id, metadata and vector) and exact
 * search against brute force.
 *
 * Opening likewise needs room for the index, not for a second copy of its
 * graph and metadata: see the second test.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
import { loadCore } from '../../dist/wasm/load.js';
import { fillHeapBut } from './heap-fill.js';
import { bruteForceKnn, mulberry32, tempDir } from './helpers.js';
import { userPayload } from './snapshot-bytes.js';

const DIM = 32;
const N = 4000;
const BATCH = 500;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

const tmp = await tempDir();
afterAll(() => tmp.cleanup());

/** Vector i: seeded uniform values (no two equal, no distance ties in practice). */
function vector(i: number): Float32Array {
  const r = mulberry32(9000 + i);
  return Float32Array.from({ length: DIM }, () => r() * 2 - 1);
}
/** Metadata i: ~2 KB that differ from record to record. */
function metadata(i: number): { i: number; note: string; tags: string[] } {
  const word = i.toString(36);
  return { i, note: `${word}:`.repeat(Math.ceil(2000 / (word.length + 1))).slice(0, 2000), tags: [`t${i % 7}`, `u${i % 11}`] };
}

async function fill(db: MiniVectorDB): Promise<void> {
  for (let from = 0; from < N; from += BATCH) {
    await db.insertMany(Array.from({ length: BATCH }, (_, b) => ({ id: `r${from + b}`, vector: vector(from + b), metadata: metadata(from + b) })));
  }
}

/** Every record and exact search of the database at `url`, against the generators and brute force. */
async function expectSameRecords(url: string): Promise<void> {
  const db = await MiniVectorDB.open(url, { logger: silent });
  try {
    expect(db.size).toBe(N);
    const got = await db.getMany(Array.from({ length: N }, (_, i) => `r${i}`));
    for (let i = 0; i < N; i++) expect(got[i]).toEqual({ id: `r${i}`, vector: vector(i), metadata: metadata(i) });
    const data = Array.from({ length: N }, (_, i) => vector(i));
    const r = mulberry32(77);
    for (let q = 0; q < 5; q++) {
      const query = Float32Array.from({ length: DIM }, () => r() * 2 - 1);
      const truth = bruteForceKnn(data, query, 10, 'l2').map((h) => `r${h.index}`);
      expect((await db.search(query, { k: 10, exact: true })).map((h) => h.id)).toEqual(truth);
    }
  } finally {
    await db.close();
  }
}

test('save(), a checkpoint and serialize() succeed when the USER section does not fit the heap', async () => {
  const mod = await loadCore(undefined, silent); // the module the databases below share
  // A database in memory saved elsewhere, and one with its own storage and log (a checkpoint).
  const db = await MiniVectorDB.create({ dim: DIM, metric: 'l2', M: 8, efConstruction: 32, seed: 4, logger: silent });
  const own = tmp.url('own.mvdb');
  const logged = await MiniVectorDB.create({ dim: DIM, metric: 'l2', M: 8, efConstruction: 32, seed: 4, logger: silent, storage: own, durability: 'relaxed' });
  await fill(db);
  await fill(logged);
  await logged.flush(); // the log's records are framed and written before the heap fills
  const reference = await db.serialize();
  const userBytes = userPayload(reference).byteLength;
  expect(userBytes).toBeGreaterThan(7.5 * 2 ** 20);

  // Free: one 2 MiB hole (room for the stream's 1 MiB buffer) and fragments under 64 KiB.
  const ballast = fillHeapBut(mod, 2 * 2 ** 20);
  let saved: unknown;
  let checkpointed: unknown;
  let serialized: unknown;
  try {
    // The heap really is full: a copy of the USER section cannot be allocated (what the old save did).
    const probe = mod._malloc(userBytes) >>> 0;
    if (probe !== 0) mod._free(probe);
    expect(probe).toBe(0);
    const outcome = (p: Promise<unknown>): Promise<unknown> => p.then((v) => v ?? 'ok', (e: unknown) => e);
    saved = await outcome(db.save(tmp.url('other.mvdb')));
    checkpointed = await outcome(logged.save());
    serialized = await outcome(db.serialize());
  } finally {
    for (const ptr of ballast) mod._free(ptr);
  }
  expect(saved).toBe('ok');
  expect(checkpointed).toBe('ok');
  // The checkpoint as written at the full heap (close() below writes another one).
  await copyFile(fileURLToPath(own), fileURLToPath(tmp.url('checkpoint.mvdb')));
  expect(serialized).toBeInstanceOf(Uint8Array);
  // The same bytes as an unconstrained serialisation (the format is unchanged).
  const file = await readFile(fileURLToPath(tmp.url('other.mvdb')));
  expect(file.equals(reference)).toBe(true);
  expect(Buffer.from(serialized as Uint8Array).equals(reference)).toBe(true);
  await Promise.all([db.close(), logged.close()]);
  await expectSameRecords(tmp.url('other.mvdb'));
  await expectSameRecords(tmp.url('checkpoint.mvdb'));
  await expectSameRecords(own);
});

test('open() fits where the index fits: layer-0 links and USER are not held twice in the heap', async () => {
  // A snapshot whose graph and metadata outweigh its vectors: dim 8, M = 32
  // (layer-0 blocks of 260 bytes a node: 5.2 MB), ~16 MB of metadata. The
  // old loader copied everything but the rows into one scratch block (~22 MB)
  // and built the graph beside it; now the layer-0 blocks are read straight
  // into the graph's own buffer, USER stays in JavaScript (its CRC fed
  // through a 1 MiB window), and only levels, upper links and tombstones
  // pass through the heap. A 16 MiB hole in a full heap is enough (the
  // index itself takes ~12 MB there: partial last blocks are whole 4 MiB ones).
  const mod = await loadCore(undefined, silent);
  const dim = 8;
  const n = 20_000;
  const vec = (i: number): Float32Array => {
    const r = mulberry32(50_000 + i);
    return Float32Array.from({ length: dim }, () => r() * 2 - 1);
  };
  const meta = (i: number): { i: number; note: string } => ({ i, note: `${i}|`.repeat(400).slice(0, 800) });
  const url = tmp.url('graph-heavy.mvdb');
  const db = await MiniVectorDB.create({ dim, metric: 'l2', M: 32, efConstruction: 16, seed: 6, logger: silent });
  for (let from = 0; from < n; from += 2000) {
    await db.insertMany(Array.from({ length: 2000 }, (_, b) => ({ id: `g${from + b}`, vector: vec(from + b), metadata: meta(from + b) })));
  }
  await db.save(url);
  await db.close();
  const fileBytes = (await readFile(fileURLToPath(url))).byteLength;
  const oldScratch = fileBytes - n * dim * 4; // what the old loader copied into the heap besides the rows

  const HOLE = 16 * 2 ** 20;
  const ballast = fillHeapBut(mod, HOLE);
  let opened: MiniVectorDB | undefined;
  let failure: unknown;
  try {
    // The old loader's scratch block cannot be allocated here.
    const probe = mod._malloc(oldScratch) >>> 0;
    if (probe !== 0) mod._free(probe);
    expect(probe).toBe(0);
    opened = await MiniVectorDB.open(url, { logger: silent });
  } catch (e) {
    failure = e;
  } finally {
    for (const ptr of ballast) mod._free(ptr);
  }
  expect(failure).toBeUndefined();
  const again = opened!;
  try {
    expect(again.size).toBe(n);
    const got = await again.getMany(Array.from({ length: n }, (_, i) => `g${i}`));
    for (let i = 0; i < n; i++) expect(got[i]).toEqual({ id: `g${i}`, vector: vec(i), metadata: meta(i) });
    const data = Array.from({ length: n }, (_, i) => vec(i));
    const r = mulberry32(78);
    let found = 0;
    for (let q = 0; q < 5; q++) {
      const query = Float32Array.from({ length: dim }, () => r() * 2 - 1);
      const truth = bruteForceKnn(data, query, 10, 'l2').map((h) => `g${h.index}`);
      expect((await again.search(query, { k: 10, exact: true })).map((h) => h.id)).toEqual(truth);
      // The graph walk over the adopted layer-0 lists finds the true neighbours too.
      const walked = (await again.search(query, { k: 10, efSearch: 64 })).map((h) => h.id);
      found += truth.filter((id) => walked.includes(id)).length;
    }
    expect(found / 50).toBeGreaterThanOrEqual(0.9);
  } finally {
    await again.close();
  }
});

test('a logged write at a full heap: its record is checksummed without a copy of it in the heap', async () => {
  // The write-ahead log frames each write's record with the core's CRC-32.
  // It used to copy the whole record into the heap for that (up to 16 MB of
  // vectors plus the metadata): at the insert ceiling an insert the index
  // accepted then failed with OutOfMemoryError, applied but not logged.
  const mod = await loadCore(undefined, silent);
  const url = tmp.url('logged-full.mvdb');
  const db = await MiniVectorDB.create({ dim: 4, metric: 'l2', storage: url, durability: 'strict', logger: silent });
  await db.insert({ id: 'first', vector: new Float32Array([1, 0, 0, 0]) });
  const blob = (i: number): string => `${i}`.repeat(900_000).slice(0, 900_000);
  const items = Array.from({ length: 8 }, (_, i) => ({ id: `big${i}`, vector: new Float32Array([i, 1, 2, 3]), metadata: { i, blob: blob(i) } }));
  const ballast = fillHeapBut(mod, 2 * 2 ** 20);
  let inserted: unknown;
  try {
    // The record (~7 MB of metadata) does not fit the heap.
    const probe = mod._malloc(7 * 10 ** 6) >>> 0;
    if (probe !== 0) mod._free(probe);
    expect(probe).toBe(0);
    inserted = await db.insertMany(items).then(() => 'ok', (e: unknown) => e);
  } finally {
    for (const ptr of ballast) mod._free(ptr);
  }
  expect(inserted).toBe('ok');
  // A reader replays the log (the writer still holds the lock and has not checkpointed since).
  const reader = await MiniVectorDB.open(url, { lock: 'readonly', logger: silent });
  try {
    expect(reader.size).toBe(9);
    for (const [i, item] of items.entries()) expect(await reader.get(item.id)).toEqual({ id: item.id, vector: item.vector, metadata: { i, blob: blob(i) } });
  } finally {
    await reader.close();
    await db.close();
  }
});
