/**
 * Streaming checkpoints (issue #17): the snapshot goes out section by section
 * in chunks, never as one image in the WebAssembly heap.
 * - Byte identity: the snapshots of tests/fixtures/snapshots/stream/ were
 *   written ONCE by the one-buffer serializer (make-golden.mjs); the same
 *   recipes rebuilt now must stream exactly those bytes, through
 *   `serialize()` and through `save()` to file://, memory:// and idb://.
 *   Each fixture also opens and re-serialises to itself.
 * - `serialize()` / `MiniVectorDB.deserialize()` round trip equals save / open.
 * - A save that fails midway (the stream throws after some chunks, or
 *   announces another length) leaves the previous snapshot readable on
 *   file:// and idb:// (fake-indexeddb) and no temporary file behind.
 */
import 'fake-indexeddb/auto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, SnapshotError, StorageError } from 'minivectordb';
import { FileStorage } from '../../dist/storage/file.js';
import { IdbStorage } from '../../dist/storage/idb.js';
import { MemoryStorage } from '../../dist/storage/memory.js';
import { RECIPES } from '../fixtures/snapshots/stream/recipes.mjs';
import { rejection, tempDir } from './helpers.js';

const fixtures = new URL('../fixtures/snapshots/stream/', import.meta.url);
const names = Object.keys(RECIPES) as (keyof typeof RECIPES)[];
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

async function golden(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(new URL(`${name}.mvdb`, fixtures)));
}

/** The first differing byte, for a readable failure instead of a 100 KB diff. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : Math.min(a.length, b.length);
}

describe.each(names)('recipe %s', (name) => {
  test('streams the bytes the one-buffer serializer wrote (serialize, file://, memory://, idb://)', async () => {
    const want = await golden(name);
    const db = await RECIPES[name](MiniVectorDB);
    try {
      expect(firstDifference(await db.serialize(), want)).toBe(-1);
      await db.save(tmp.url(`${name}.mvdb`));
      expect(firstDifference(new Uint8Array(await readFile(fileURLToPath(tmp.url(`${name}.mvdb`)))), want)).toBe(-1);
      await db.save(`memory://golden-${name}`);
      expect(firstDifference(await new MemoryStorage(`memory://golden-${name}`).read(), want)).toBe(-1);
      await db.save(`idb://golden-${name}`);
      expect(firstDifference(await new IdbStorage(`idb://golden-${name}`).read(), want)).toBe(-1);
    } finally {
      await db.close();
    }
  });

  test('the pinned snapshot opens and serialises back to the same bytes', async () => {
    const want = await golden(name);
    const db = await MiniVectorDB.deserialize(want);
    try {
      expect(firstDifference(await db.serialize(), want)).toBe(-1);
    } finally {
      await db.close();
    }
  });
});

describe('serialize / deserialize', () => {
  test('round trip equals save / open: same records, same search results, same bytes', async () => {
    const db = await RECIPES['l2-float'](MiniVectorDB);
    const bytes = await db.serialize();
    await db.save(tmp.url('roundtrip.mvdb'));
    const fromBytes = await MiniVectorDB.deserialize(bytes);
    const fromFile = await MiniVectorDB.open(tmp.url('roundtrip.mvdb'));
    try {
      expect(fromBytes.size).toBe(db.size);
      expect(fromBytes.stats()).toEqual({ ...fromFile.stats(), memoryBytes: fromBytes.stats().memoryBytes });
      const probe = (await db.get('v5'))!.vector;
      const hits = await fromFile.search(probe, { k: 10 });
      expect(await fromBytes.search(probe, { k: 10 })).toEqual(hits);
      expect(hits[0]).toMatchObject({ id: 'v5', distance: 0 });
      expect(await fromBytes.get('v5')).toEqual(await fromFile.get('v5'));
      expect(await fromBytes.get('v0')).toBeUndefined(); // deleted before the save
      expect(await fromBytes.serialize()).toEqual(bytes);
      // The caller's buffer is not aliased: changing it later changes nothing.
      bytes.fill(0);
      expect((await fromBytes.search(probe, { k: 1 }))[0]).toMatchObject({ id: 'v5', distance: 0 });
    } finally {
      await Promise.all([db.close(), fromBytes.close(), fromFile.close()]);
    }
  });

  test('a deserialized database saves to options.storage (or to a memory:// URL of its own)', async () => {
    const bytes = await golden('l2-float');
    const a = await MiniVectorDB.deserialize(bytes, { storage: tmp.url('from-bytes.mvdb') });
    await a.insert({ id: 'new', vector: new Float32Array(16).fill(0.25) });
    await a.save();
    const reopened = await MiniVectorDB.open(tmp.url('from-bytes.mvdb'), { lock: 'readonly' }); // a still holds the write lock
    expect(await reopened.get('new')).toBeDefined();
    const b = await MiniVectorDB.deserialize(bytes);
    const c = await MiniVectorDB.deserialize(bytes);
    await b.save();
    await c.save();
    const memory = (await MiniVectorDB.listSaved('memory://')).filter((u) => u.startsWith('memory://deserialized-'));
    expect(memory.length).toBeGreaterThanOrEqual(2);
    await Promise.all([a.close(), b.close(), c.close(), reopened.close()]);
  });

  test('serialize() through a worker gives the same bytes as on the page', async () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ id: `w${i}`, vector: Float32Array.from({ length: 8 }, (_, j) => Math.sin(i * 8 + j)), metadata: { i } }));
    const options = { dim: 8, metric: 'l2' as const, M: 6, efConstruction: 20, seed: 4 };
    const worker = await MiniVectorDB.createInWorker(options);
    const page = await MiniVectorDB.create(options);
    try {
      await worker.insertMany(items);
      await page.insertMany(items);
      const bytes = await worker.serialize();
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(firstDifference(bytes, await page.serialize())).toBe(-1);
      const copy = await MiniVectorDB.deserialize(bytes);
      expect(await copy.get('w7')).toEqual(await page.get('w7'));
      await copy.close();
    } finally {
      await Promise.all([worker.close(), page.close()]);
    }
  });

  test('bad bytes and options get typed errors', async () => {
    expect(await rejection(MiniVectorDB.deserialize('nope' as unknown as Uint8Array))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejection(MiniVectorDB.deserialize(new Uint8Array(10)))).toBeInstanceOf(SnapshotError);
    const truncated = (await golden('l2-float')).slice(0, 5000);
    expect(await rejection(MiniVectorDB.deserialize(truncated))).toBeInstanceOf(SnapshotError);
    const flipped = await golden('l2-float');
    flipped[3000]! ^= 0x10;
    expect(await rejection(MiniVectorDB.deserialize(flipped))).toMatchObject({ code: 'SNAPSHOT_CORRUPT' });
    expect(await rejection(MiniVectorDB.deserialize(await golden('empty'), { storage: 'ftp://x' }))).toBeInstanceOf(StorageError);
    expect(await rejection(MiniVectorDB.deserialize(await golden('empty'), { bogus: 1 } as object))).toBeInstanceOf(InvalidArgumentError);
  });
});

/** Chunks of `bytes` (64 KiB each), throwing after `failAfter` of them when given. */
async function* chunksOf(bytes: Uint8Array, failAfter?: number): AsyncGenerator<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.byteLength; at += 65536, i++) {
    if (i === failAfter) throw new Error('disk full (simulated)');
    await Promise.resolve();
    yield bytes.subarray(at, at + 65536);
  }
}

describe.each([
  ['file://', () => new FileStorage(tmp.url('midway.mvdb'))],
  ['idb://', () => new IdbStorage('idb://midway')],
  ['memory://', () => new MemoryStorage('memory://midway')],
] as const)('%s write', (_scheme, adapter) => {
  test('a stream that fails midway, or gives another length than announced, leaves the previous snapshot', async () => {
    const old = await golden('l2-float');
    const next = await golden('cosine');
    await adapter().write(chunksOf(old), old.byteLength);
    expect(await adapter().read()).toEqual(old);

    const failed = await rejection(adapter().write(chunksOf(next, 1), next.byteLength));
    expect(failed).toBeInstanceOf(Error);
    expect(await adapter().read()).toEqual(old);
    expect(await rejection(adapter().write(chunksOf(next), next.byteLength + 1))).toBeInstanceOf(StorageError);
    expect(await adapter().read()).toEqual(old);
    expect(await rejection(adapter().write(chunksOf(next.subarray(0, next.byteLength - 7)), next.byteLength))).toBeInstanceOf(StorageError);
    expect(await adapter().read()).toEqual(old);
    // No temporary file is left beside a file:// snapshot.
    expect((await readdir(tmp.dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // A stream, and a single buffer, still replace it when they succeed.
    await adapter().write(chunksOf(next), next.byteLength);
    expect(await adapter().read()).toEqual(next);
    await adapter().write(old);
    expect(await adapter().read()).toEqual(old);
    // The database opens what was written last.
    const db = await MiniVectorDB.open(adapter().url);
    expect(db.size).toBe(258); // 300 inserted, 43 deleted, 1 late
    await db.close();
  });
});
