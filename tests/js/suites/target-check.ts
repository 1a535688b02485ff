/**
 * The target is what its name says, checked by a route independent of the
 * target's own helpers: a page database is a MiniVectorDB on this thread, a
 * worker database is not; a snapshot saved to file:// is a file on disk,
 * to idb:// a manifest in IndexedDB — this thread's for the page, not this
 * thread's for the worker — and to memory:// an entry of this process's
 * store for the page only.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
import { digest, type Target } from './targets.js';

/** Names of the idb:// snapshots in this thread's IndexedDB (none when it has no IndexedDB). */
async function idbNamesHere(): Promise<string[]> {
  if (typeof indexedDB === 'undefined') return [];
  const { openDB } = await import('idb');
  const db = await openDB('minivectordb');
  try {
    return db.objectStoreNames.contains('manifests') ? ((await db.getAllKeys('manifests')) as string[]) : [];
  } finally {
    db.close();
  }
}

export function targetCheck(target: Target): void {
  describe(`the target ${target.name}`, () => {
    test('runs where it says and saves where it says', async () => {
      const db = await target.create({ dim: 3, seed: 1 });
      try {
        expect(db instanceof MiniVectorDB).toBe(target.host === 'page');
        await db.insert({ id: 'a', vector: [1, 2, 3] });
        const url = target.url('target-check');
        await db.save(url);
        const bytes = await target.readRaw(url);
        expect(Buffer.from(bytes.subarray(0, 8)).toString('latin1')).toBe('MVDBSNAP');
        if (target.backend === 'file') {
          expect(url.startsWith('file:///')).toBe(true);
          expect(digest(new Uint8Array(await readFile(new URL(url))))).toBe(digest(bytes));
        } else if (target.backend === 'idb') {
          expect(url.startsWith('idb://')).toBe(true);
          expect((await idbNamesHere()).includes(url.slice('idb://'.length))).toBe(target.host === 'page');
        } else {
          expect(url.startsWith('memory://')).toBe(true);
          expect((await MiniVectorDB.listSaved('memory://')).includes(url)).toBe(target.host === 'page');
        }
      } finally {
        await db.close();
      }
    });
  });
}
