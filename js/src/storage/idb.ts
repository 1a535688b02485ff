/**
 * `idb://name` storage for browsers (and any runtime with IndexedDB).
 *
 * One IndexedDB database, {@link IDB_NAME}, holds every snapshot:
 * - `manifests` (key: name) → a `Manifest` (`idb-snapshot.ts`): which generation is current,
 *   its chunk count and byte length;
 * - `chunks` (key: [name, generation, index]) → a chunk of at most
 *   {@link CHUNK_BYTES} bytes of the snapshot;
 * - `log` (key: [name, index], schema 2) → one appended group of the
 *   write-ahead log (see `idb-log.ts`).
 * A save writes the new generation's chunks (one short transaction each),
 * then repoints the manifest and deletes the previous generation's chunks in
 * ONE readwrite transaction, so a crash or a closed tab leaves either the old
 * or the new snapshot, never a mix (at worst unreferenced chunks of the
 * unfinished generation, which the next save deletes).
 *
 * Opening reads the checkpoint chunk by chunk ({@link IdbSnapshotReader},
 * `idb-snapshot.ts`): it is streamed into the WebAssembly heap, never held
 * whole in JS.
 *
 * Uses the `idb` wrapper (promises over IndexedDB requests). The schema is
 * versioned through `openDB(name, SCHEMA_VERSION)` with a fall-through upgrade.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { SnapshotError, StorageError } from '../errors.js';
import type { ByteChunks, StorageAdapter } from './adapter.js';
import { checkWritten, regroup } from './byte-chunks.js';
import { IdbLog, logRange, type LogSchema } from './idb-log.js';
import { CHUNK_BYTES, IdbSnapshotReader, type SnapshotSchema } from './idb-snapshot.js';
import type { SnapshotSource } from './snapshot-source.js';
import { checkSnapshotLayout } from './snapshot-layout.js';

export { CHUNK_BYTES } from './idb-snapshot.js';

/** Name of the IndexedDB database that holds every `idb://` snapshot. */
export const IDB_NAME = 'minivectordb';
/** Current IndexedDB schema version: 1 snapshots, 2 adds the write-ahead `log` store. */
export const SCHEMA_VERSION = 2;
/** The object stores of {@link IDB_NAME}. @internal */
export interface Schema extends LogSchema, SnapshotSchema {}

/** Opens (and creates or upgrades) {@link IDB_NAME}. @internal */
export function openStore(): Promise<IDBPDatabase<Schema>> {
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
        // falls through
        case 1:
          db.createObjectStore('log');
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
    if (cause instanceof StorageError || cause instanceof SnapshotError) throw cause;
    throw new StorageError(`${what}: ${String(cause)}`, { cause });
  } finally {
    db?.close();
  }
}

export class IdbStorage implements StorageAdapter {
  private readonly name: string;
  /** The write-ahead log, in the `log` store (see `idb-log.ts`). */
  readonly log: IdbLog;

  constructor(readonly url: string) {
    this.name = idbName(url);
    // The log touches only its own store: its narrower schema type is safe here.
    this.log = new IdbLog(this.name, url, openStore as unknown as () => Promise<IDBPDatabase<LogSchema>>);
  }

  /**
   * The snapshot's bytes, read in one piece (see {@link openSnapshot}, which
   * opening uses): the same checks, then every chunk copied into one buffer.
   */
  async read(): Promise<Uint8Array> {
    const reader = await this.openReader();
    try {
      const out = new Uint8Array(reader.byteLength);
      await reader.readInto(out, 0);
      return out;
    } finally {
      await reader.close();
    }
  }

  /**
   * The snapshot as a source read chunk by chunk (`idb-snapshot.ts`): the
   * manifest's size and the header and section lengths (read from the chunks
   * that hold them, see `snapshot-layout.ts`) are checked first. A save that
   * replaces the snapshot while it is read makes a later read fail with a
   * StorageError, never mix two snapshots. The caller closes the source
   * (which closes its IndexedDB connection).
   */
  openSnapshot(): Promise<SnapshotSource> {
    return this.openReader();
  }

  private async openReader(): Promise<IdbSnapshotReader> {
    let reader: IdbSnapshotReader | undefined;
    try {
      // The reader needs only its own stores: its narrower schema type is safe here.
      reader = await IdbSnapshotReader.open((await openStore()) as unknown as IDBPDatabase<SnapshotSchema>, this.name, this.url);
      const opened = reader;
      await checkSnapshotLayout(reader.byteLength, (offset, length) => opened.read(offset, length), this.url);
      return reader;
    } catch (cause) {
      await reader?.close();
      if (cause instanceof StorageError || cause instanceof SnapshotError) throw cause;
      throw new StorageError(`cannot read ${this.url}: ${String(cause)}`, { cause });
    }
  }

  /**
   * Writes `bytes` as the next generation, {@link CHUNK_BYTES} per record,
   * then switches to it. The chunks go in one short transaction each (a
   * large snapshot is never held in one transaction, and a stream that
   * awaits between chunks cannot outlive a transaction); the last
   * transaction repoints the manifest and deletes the previous generation
   * and any leftover records, so the switch is atomic. On failure the records
   * written so far are deleted (best effort; the next write replaces them
   * anyway) and the previous snapshot stays current.
   */
  write(bytes: Uint8Array | ByteChunks, byteLength?: number): Promise<void> {
    return withStore(`cannot write ${this.url}`, async (db) => {
      const previous = await db.get('manifests', this.name);
      const generation = (previous?.generation ?? 0) + 1;
      // Records of this generation number left by a write that crashed.
      await db.delete('chunks', generationRange(this.name, generation));
      let count = 0;
      let written = 0;
      try {
        for await (const part of regroup(bytes, CHUNK_BYTES)) {
          await db.put('chunks', part, [this.name, generation, count++]);
          written += part.byteLength;
        }
        checkWritten(written, byteLength);
        const tx = db.transaction(['manifests', 'chunks'], 'readwrite');
        const manifests = tx.objectStore('manifests');
        const chunks = tx.objectStore('chunks');
        const now = await manifests.get(this.name);
        if (now?.generation !== previous?.generation) throw new StorageError(`${this.url} was saved by another writer meanwhile; save again`);
        const writes: Promise<unknown>[] = [manifests.put({ name: this.name, generation, chunks: count, byteLength: written, savedAt: Date.now() })];
        if (previous !== undefined) writes.push(chunks.delete(generationRange(this.name, previous.generation)));
        writes.push(chunks.delete(IDBKeyRange.bound([this.name, generation, count], [this.name, generation, Number.MAX_SAFE_INTEGER])));
        await Promise.all([...writes, tx.done]);
      } catch (e) {
        await db.delete('chunks', generationRange(this.name, generation)).catch(() => undefined);
        throw e;
      }
    });
  }

  remove(): Promise<boolean> {
    return withStore(`cannot delete ${this.url}`, async (db) => {
      const tx = db.transaction(['manifests', 'chunks', 'log'], 'readwrite');
      const manifest = await tx.objectStore('manifests').get(this.name);
      if (manifest !== undefined) await tx.objectStore('manifests').delete(this.name);
      // Every generation: also the chunk records a save interrupted by a crash left behind.
      await tx.objectStore('chunks').delete(IDBKeyRange.bound([this.name, 0, 0], [this.name, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]));
      await tx.objectStore('log').delete(logRange(this.name));
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
