/**
 * idb:// storage over fake-indexeddb in Node (the same specs run in Chromium
 * with the browser issue): chunking, generations replaced atomically,
 * listing and removing. Save → open identity, damaged snapshots and the rest
 * of the persistence suite run on the page × idb and worker × idb targets
 * (tests/js/suites).
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, test } from 'vitest';
import { MiniVectorDB, StorageError } from 'minivectordb';
import { caught, randomVectors } from './helpers.js';

const DIM = 16;

async function filled(storage: string, n: number, dim = DIM): Promise<{ db: MiniVectorDB; vectors: Float32Array[] }> {
  const db = await MiniVectorDB.create({ dim, storage, M: 8, efConstruction: 40 });
  const vectors = randomVectors(n, dim, 1);
  await db.insertMany(vectors.map((vector, i) => ({ id: `v${i}`, vector, metadata: { i, even: i % 2 === 0 } })));
  return { db, vectors };
}

/** Every key of the chunks store, read straight from IndexedDB (independent of the adapter). */
async function chunkKeys(): Promise<[string, number, number][]> {
  const db = await openDB('minivectordb');
  try {
    return (await db.getAllKeys('chunks')) as unknown as [string, number, number][];
  } finally {
    db.close();
  }
}

afterEach(async () => {
  for (const url of await MiniVectorDB.listSaved('idb://')) await MiniVectorDB.removeSaved(url);
});

describe('idb:// storage', () => {
  test('a snapshot larger than one chunk (4 MB) is split and reassembled', async () => {
    const { db } = await filled('idb://big', 9000, 128); // 9,000 × 128 float32 alone are 4.6 MB
    await db.save();
    const keys = (await chunkKeys()).filter(([name]) => name === 'big');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    const again = await MiniVectorDB.open('idb://big', { lock: 'readonly' }); // db holds the write lock
    expect(again.size).toBe(9000);
    expect((await again.search((await db.get('v8999'))!.vector, { k: 1 }))[0]!.id).toBe('v8999');
    await db.close();
    await again.close();
  });

  test('a new save replaces the previous generation and leaves no old chunks', async () => {
    const { db } = await filled('idb://gen', 200);
    await db.save();
    const first = (await chunkKeys()).filter(([n]) => n === 'gen');
    await db.insert({ id: 'extra', vector: new Float32Array(DIM).fill(0.5) });
    await db.save();
    const second = (await chunkKeys()).filter(([n]) => n === 'gen');
    expect(new Set(second.map(([, g]) => g)).size).toBe(1);
    expect(second[0]![1]).toBeGreaterThan(first[0]![1]);
    expect((await MiniVectorDB.open('idb://gen', { lock: 'readonly' })).size).toBe(201);
    await db.close();
  });

  test('listSaved and removeSaved', async () => {
    const a = await filled('idb://alpha', 10);
    const b = await filled('idb://beta', 10);
    await a.db.save();
    await b.db.save();
    expect(await MiniVectorDB.listSaved('idb://')).toEqual(['idb://alpha', 'idb://beta']);
    expect(await MiniVectorDB.removeSaved('idb://alpha')).toBe(true);
    expect(await MiniVectorDB.removeSaved('idb://alpha')).toBe(false);
    expect(await MiniVectorDB.listSaved('idb://')).toEqual(['idb://beta']);
    expect((await chunkKeys()).some(([n]) => n === 'alpha')).toBe(false);
    await caught(() => MiniVectorDB.open('idb://alpha', { lock: 'readonly' }), StorageError);
    await a.db.close();
    await b.db.close();
  });

  test('opening a name never saved is a StorageError; an empty name is rejected', async () => {
    await caught(() => MiniVectorDB.open('idb://nothing-here'), StorageError);
    await caught(() => MiniVectorDB.open('idb://'), StorageError);
  });
});
