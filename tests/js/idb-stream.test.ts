/**
 * The streamed `idb://` checkpoint source (js/src/storage/idb-snapshot.ts)
 * over fake-indexeddb in Node: reads at any offset give the stored bytes
 * (checked against `read()` and against the serializer's own bytes), an open
 * reads the chunk records about once, a save that replaces the checkpoint
 * while it is read makes later reads fail instead of mixing generations, and
 * damaged records are typed errors. Chromium runs the same paths in
 * tests/browser/open-stream.test.ts.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, test } from 'vitest';
import { MiniVectorDB, StorageError } from 'minivectordb';
import { IdbStorage } from '../../dist/storage/idb.js';
import { caught, mulberry32, randomVectors } from './helpers.js';

const CHUNK = 4 * 2 ** 20; // idb-snapshot.ts CHUNK_BYTES

/** A saved idb:// database of `n` 256-d records; returns its serialized bytes (what the stored chunks must hold). */
async function saved(name: string, n: number, seed: number): Promise<Uint8Array> {
  const db = await MiniVectorDB.create({ dim: 256, storage: `idb://${name}`, durability: 'manual', M: 4, efConstruction: 8 });
  await db.insertMany(randomVectors(n, 256, seed).map((vector, i) => ({ id: `v${i}`, vector, metadata: { i } })));
  await db.save();
  const bytes = await db.serialize();
  await db.close();
  return bytes;
}

/** Bytes of chunk values handed out by IndexedDB while `fn` runs. */
async function chunkBytesRead(fn: () => Promise<unknown>): Promise<number> {
  const proto = globalThis.IDBObjectStore.prototype as unknown as Record<'get', (...args: unknown[]) => IDBRequest>;
  const original = proto.get;
  let bytes = 0;
  proto.get = function (this: IDBObjectStore, ...args: unknown[]) {
    const request = original.apply(this, args);
    if (this.name === 'chunks') request.addEventListener('success', () => (bytes += (request.result as Uint8Array | undefined)?.byteLength ?? 0));
    return request;
  };
  try {
    await fn();
  } finally {
    proto.get = original;
  }
  return bytes;
}

afterEach(async () => {
  for (const url of await MiniVectorDB.listSaved('idb://')) await MiniVectorDB.removeSaved(url);
});

describe('idb:// streamed checkpoint', () => {
  test('openSnapshot() reads give the stored bytes at any offset and length, across chunk records', async () => {
    const bytes = await saved('pieces', 14_000, 1); // 14 MB of rows: four chunk records
    expect(bytes.byteLength).toBeGreaterThan(3 * CHUNK);
    const adapter = new IdbStorage('idb://pieces');
    expect(Buffer.compare(await adapter.read(), bytes)).toBe(0);
    const source = await adapter.openSnapshot();
    try {
      expect(source.byteLength).toBe(bytes.byteLength);
      const rng = mulberry32(9);
      const edges = [0, CHUNK - 1, CHUNK, 2 * CHUNK - 5, bytes.byteLength - 8 * 2 ** 20, bytes.byteLength - 1];
      const reads: [number, number][] = edges.map((at) => [at, Math.min(8 * 2 ** 20, bytes.byteLength - at)]);
      for (let i = 0; i < 40; i++) {
        const at = Math.floor(rng() * bytes.byteLength);
        reads.push([at, Math.min(Math.floor(rng() * 9 * 2 ** 20), bytes.byteLength - at)]);
      }
      for (const [at, length] of reads) {
        const got = await source.read(at, length);
        expect(got.byteLength).toBe(length);
        // Compared before the next read: a piece may be a view of a reused buffer.
        expect(Buffer.compare(got, bytes.subarray(at, at + length)), `read(${at}, ${length})`).toBe(0);
      }
      await expect(source.read(bytes.byteLength - 10, 11)).rejects.toThrow(/outside/);
    } finally {
      await source.close();
    }
  });

  test('open() streams the chunk records about once (a few re-read at section boundaries), and the database is whole', async () => {
    await saved('once', 14_000, 2);
    const raw = await openDB('minivectordb');
    const manifest = (await raw.get('manifests', 'once')) as { byteLength: number };
    raw.close();
    let db: MiniVectorDB | undefined;
    const read = await chunkBytesRead(async () => {
      db = await MiniVectorDB.open('idb://once', { durability: 'manual' });
    });
    expect(db!.size).toBe(14_000);
    const v = randomVectors(14_000, 256, 2)[13_999]!;
    expect((await db!.get('v13999'))!.vector).toEqual(v);
    expect((await db!.search(v, { k: 1, exact: true }))[0]!.id).toBe('v13999');
    await db!.close();
    expect(read).toBeGreaterThanOrEqual(manifest.byteLength);
    expect(read).toBeLessThanOrEqual(manifest.byteLength + 4 * CHUNK);
  });

  test('a save that replaces the checkpoint while it is streamed: later reads throw StorageError, never give the new bytes', async () => {
    const old = await saved('replaced', 14_000, 3);
    const adapter = new IdbStorage('idb://replaced');
    const source = await adapter.openSnapshot();
    try {
      expect(Buffer.compare(await source.read(0, 1 << 20), old.subarray(0, 1 << 20))).toBe(0);
      await adapter.write(await saved('other', 2000, 5)); // a different snapshot saved over it: a new generation
      const error = await (async () => {
        for (let at = 0; at < source.byteLength; at += 1 << 20) {
          const got = await source.read(at, Math.min(1 << 20, source.byteLength - at));
          expect(Buffer.compare(got, old.subarray(at, at + got.byteLength))).toBe(0);
        }
        return undefined;
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as Error).message).toMatch(/replaced by a save/);
    } finally {
      await source.close();
    }
  });

  test('a chunk record missing from the current checkpoint, or of the wrong size: StorageError naming it', async () => {
    await saved('damaged', 14_000, 4);
    const raw = await openDB('minivectordb');
    const { generation } = (await raw.get('manifests', 'damaged')) as { generation: number };
    await raw.delete('chunks', ['damaged', generation, 2]);
    let error = await caught(() => MiniVectorDB.open('idb://damaged'), StorageError);
    expect(error.message).toMatch(/chunk 2 of 4 .*missing/);
    await raw.put('chunks', new Uint8Array(100), ['damaged', generation, 2]);
    error = await caught(() => MiniVectorDB.open('idb://damaged'), StorageError);
    expect(error.message).toMatch(/chunk 2 holds 100 bytes/);
    raw.close();
  });
});
