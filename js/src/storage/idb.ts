/**
 * `idb://name` storage for browsers (and any runtime with IndexedDB).
 *
 * One IndexedDB database, {@link IDB_NAME}, holds every snapshot:
 * - `manifests` (key: name) → {@link Manifest}: which generation is current,
 *   its chunk count and byte length;
 * - `chunks` (key: [name, generation, index]) → a chunk of at most
 *   {@link CHUNK_BYTES} bytes of the snapshot.
 * A save writes the new generation's chunks, repoints the manifest and
 * deletes the previous generation's chunks in ONE readwrite transaction, so a
 * crash or a closed tab leaves either the old or the new snapshot, never a mix.
 *
 * Uses the `idb` wrapper (promises over IndexedDB requests). The schema is
 * versioned through `openDB(name, SCHEMA_VERSION)` with a fall-through upgrade.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { StorageError } from '../errors.js';
import type { StorageAdapter } from './adapter.js';

/** Name of the IndexedDB database that holds every `idb://` snapshot. */
export const IDB_NAME = 'minivectordb';
/** Current IndexedDB schema version. */
export const SCHEMA_VERSION = 1;
/** Bytes per stored chunk: large values are slow to structured-clone in one piece. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/** Where the current snapshot of one `idb://name` lives. */
interface Manifest {
  name: string;
  generation: number;
  chunks: number;
  byteLength: number;
  savedAt: number;
}

interface Schema extends DBSchema {
  manifests: { key: string; value: Manifest };
  chunks: { key: [string, number, number]; value: Uint8Array };
}

function openStore(): Promise<IDBPDatabase<Schema>> {
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(new StorageError('idb:// storage needs IndexedDB, which this runtime does not have'));
  }
  return openDB<Schema>(IDB_NAME, SCHEMA_VERSION, {
    upgrade(db, oldVersion) {
      // Fall through: each case upgrades from that version to the next.
      switch (oldVersion) {
        case 0:
          db.createObjectStore('manifests', { keyPath: 'name' });
          db.createObjectStore('chunks');
      }
    },
  });
}

/** The range of chunk keys of one generation of `name`. */
function generationRange(name: string, generation: number): IDBKeyRange {
  return IDBKeyRange.bound([name, generation, 0], [name, generation, Number.MAX_SAFE_INTEGER]);
}

/** Name part of an `idb://name` URL (non-empty). */
export function idbName(url: string): string {
  const name = url.slice('idb://'.length);
  if (name.length === 0) throw new StorageError(`idb:// URL needs a name, e.g. idb://notes; got ${JSON.stringify(url)}`);
  return name;
}

async function withStore<T>(what: string, fn: (db: IDBPDatabase<Schema>) => Promise<T>): Promise<T> {
  let db: IDBPDatabase<Schema> | undefined;
  try {
    db = await openStore();
    return await fn(db);
  } catch (cause) {
    if (cause instanceof StorageError) throw cause;
    throw new StorageError(`${what}: ${String(cause)}`, { cause });
  } finally {
    db?.close();
  }
}

export class IdbStorage implements StorageAdapter {
  private readonly name: string;

  constructor(readonly url: string) {
    this.name = idbName(url);
  }

  read(): Promise<Uint8Array> {
    return withStore(`cannot read ${this.url}`, async (db) => {
      const tx = db.transaction(['manifests', 'chunks'], 'readonly');
      const manifest = await tx.objectStore('manifests').get(this.name);
      if (manifest === undefined) throw new StorageError(`no snapshot saved at ${this.url}`);
      const parts = await tx.objectStore('chunks').getAll(generationRange(this.name, manifest.generation));
      await tx.done;
      if (parts.length !== manifest.chunks) {
        throw new StorageError(`${this.url}: manifest lists ${manifest.chunks} chunks, found ${parts.length}`);
      }
      const out = new Uint8Array(manifest.byteLength);
      let at = 0;
      for (const part of parts) {
        if (at + part.byteLength > out.byteLength) throw new StorageError(`${this.url}: chunks exceed the manifest's ${manifest.byteLength} bytes`);
        out.set(part, at);
        at += part.byteLength;
      }
      if (at !== out.byteLength) throw new StorageError(`${this.url}: chunks hold ${at} bytes, manifest says ${manifest.byteLength}`);
      return out;
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    return withStore(`cannot write ${this.url}`, async (db) => {
      const tx = db.transaction(['manifests', 'chunks'], 'readwrite');
      const manifests = tx.objectStore('manifests');
      const chunks = tx.objectStore('chunks');
      const previous = await manifests.get(this.name);
      const generation = (previous?.generation ?? 0) + 1;
      const count = Math.ceil(bytes.byteLength / CHUNK_BYTES);
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) {
        writes.push(chunks.put(bytes.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES), [this.name, generation, i]));
      }
      writes.push(manifests.put({ name: this.name, generation, chunks: count, byteLength: bytes.byteLength, savedAt: Date.now() }));
      if (previous !== undefined) writes.push(chunks.delete(generationRange(this.name, previous.generation)));
      await Promise.all([...writes, tx.done]);
    });
  }

  remove(): Promise<boolean> {
    return withStore(`cannot delete ${this.url}`, async (db) => {
      const tx = db.transaction(['manifests', 'chunks'], 'readwrite');
      const manifest = await tx.objectStore('manifests').get(this.name);
      if (manifest !== undefined) {
        await tx.objectStore('manifests').delete(this.name);
        await tx.objectStore('chunks').delete(generationRange(this.name, manifest.generation));
      }
      await tx.done;
      return manifest !== undefined;
    });
  }
}

/** Names of every snapshot stored under `idb://`, as `idb://name` URLs, sorted. */
export function listIdb(): Promise<string[]> {
  return withStore('cannot list idb:// snapshots', async (db) => {
    const names = await db.getAllKeys('manifests');
    return names.sort().map((n) => `idb://${n}`);
  });
}
