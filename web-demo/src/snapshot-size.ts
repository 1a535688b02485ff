/**
 * Size of an `idb://name` snapshot, read from the manifest the library keeps
 * in IndexedDB (database `minivectordb`, store `manifests`, key `name`; see
 * js/src/storage/idb.ts). Opened without a version, so it never upgrades or
 * creates the library's schema.
 */
import { openDB } from 'idb';

export async function snapshotBytes(url: string): Promise<number | undefined> {
  const name = url.replace(/^idb:\/\//, '');
  const dbs = await indexedDB.databases?.();
  if (dbs !== undefined && !dbs.some((d) => d.name === 'minivectordb')) return undefined;
  const db = await openDB('minivectordb');
  try {
    if (!db.objectStoreNames.contains('manifests')) return undefined;
    const manifest = (await db.get('manifests', name)) as { byteLength?: number } | undefined;
    return manifest?.byteLength;
  } finally {
    db.close();
  }
}
