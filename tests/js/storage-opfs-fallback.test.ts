/**
 * opfs:// where the runtime has no Origin Private File System (here Node,
 * with fake-indexeddb): it stores in IndexedDB as idb://name and says so
 * through the logger; listSaved('opfs://') lists it; the URL is checked.
 */
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { MiniVectorDB, StorageError } from 'minivectordb';
import { caught } from './helpers.js';

describe('opfs:// without OPFS', () => {
  test('falls back to idb://name with a warning', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    const db = await MiniVectorDB.create({ dim: 3, storage: 'opfs://fallback', logger });
    await db.insert({ id: 'a', vector: [1, 2, 3], metadata: { k: 1 } });
    await db.save();
    await db.close();
    expect(warnings.join('\n')).toMatch(/no Origin Private File System; storing in IndexedDB as idb:\/\/fallback/);
    expect(await MiniVectorDB.listSaved('opfs://')).toContain('opfs://fallback');
    expect(await MiniVectorDB.listSaved('idb://')).toContain('idb://fallback');
    const back = await MiniVectorDB.open('opfs://fallback');
    expect(await back.get('a')).toEqual({ id: 'a', vector: new Float32Array([1, 2, 3]), metadata: { k: 1 } });
    await back.close();
    expect(await MiniVectorDB.removeSaved('opfs://fallback')).toBe(true);
    await caught(() => MiniVectorDB.open('opfs://fallback'), StorageError);
  });

  test('opfs:// needs a name', async () => {
    await caught(() => MiniVectorDB.create({ dim: 2, storage: 'opfs://' }), StorageError);
  });
});
