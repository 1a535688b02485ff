/**
 * An `idb://` checkpoint read piece by piece: the layout of `idb.ts`
 * (a manifest naming the current generation, its bytes in records of
 * {@link CHUNK_BYTES} keyed `[name, generation, index]`), read one chunk at
 * a time, so opening streams the checkpoint into the WebAssembly heap
 * (`CoreIndex.loadFrom`) and JS holds a few chunks, never the whole file.
 *
 * Consistency without one long transaction: a generation's chunks are
 * written before the manifest points at them and deleted in the same
 * transaction that points it elsewhere, so a transaction that finds the
 * manifest naming generation g also finds g's chunks complete and unchanged.
 * Each chunk is read together with the manifest in a short read-only
 * transaction of its own: a save that replaced g meanwhile makes the read
 * fail with a StorageError (open again), never mix two generations. (One
 * transaction kept active across the whole load was tried: it made a save
 * wait instead of failing the read, but leaned on IndexedDB's transaction
 * lifetime rules and gave no lower peak in `bench/storage/open-memory.mjs`.)
 *
 * Memory: JS holds up to {@link CACHED_CHUNKS} chunks and one 8 MiB buffer
 * at a time, but every chunk IndexedDB hands out is a new 4 MiB value that
 * the garbage collector frees later; in Chromium the renderer peaked at
 * 1.8–2.0× a 193 MiB checkpoint (2.3–2.4× read whole first): see
 * `bench/README.md`.
 * @internal
 */
import type { DBSchema, IDBPDatabase } from 'idb';
import { SnapshotError, StorageError } from '../errors.js';
import type { SnapshotSource } from './snapshot-source.js';

/** Bytes per stored chunk: large values are slow to structured-clone in one piece. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/** Where the current snapshot of one `idb://name` lives. */
export interface Manifest {
  name: string;
  generation: number;
  chunks: number;
  byteLength: number;
  savedAt: number;
}

/** The part of the IndexedDB schema a checkpoint uses. */
export interface SnapshotSchema extends DBSchema {
  manifests: { key: string; value: Manifest };
  chunks: { key: [string, number, number]; value: Uint8Array };
}

/** Chunks kept after they were read: a read that spans two chunks, and the one a later read goes back to (the loader reads the VECS and CODE payloads first, then the rest from the start). */
const CACHED_CHUNKS = 2;
/** Reads up to this size (the file and section headers, read twice: by the layout check and by the loader) are remembered. */
const SMALL_READ = 64;

export class IdbSnapshotReader implements SnapshotSource {
  readonly byteLength: number;
  private readonly generation: number;
  private readonly count: number;
  /** Most recently used last. */
  private readonly cache: { index: number; part: Uint8Array }[] = [];
  private readonly small = new Map<string, Uint8Array>();
  /** Reused for reads that span chunks: valid until the next read (the SnapshotSource contract). */
  private buffer = new Uint8Array(0);
  private closed = false;

  private constructor(
    private readonly db: IDBPDatabase<SnapshotSchema>,
    private readonly name: string,
    private readonly url: string,
    manifest: Manifest,
  ) {
    this.byteLength = manifest.byteLength;
    this.generation = manifest.generation;
    this.count = manifest.chunks;
  }

  /**
   * The current checkpoint of `name` in `db`. The reader owns `db` from then
   * on: {@link close} closes it (also when this throws).
   * @throws StorageError when there is none or its manifest is inconsistent.
   */
  static async open(db: IDBPDatabase<SnapshotSchema>, name: string, url: string): Promise<IdbSnapshotReader> {
    try {
      const manifest = await db.get('manifests', name);
      if (manifest === undefined) throw new StorageError(`no snapshot saved at ${url}`);
      const { byteLength, chunks, generation } = manifest;
      if (!Number.isSafeInteger(byteLength) || byteLength < 0 || !Number.isSafeInteger(generation) || chunks !== Math.ceil(byteLength / CHUNK_BYTES)) {
        throw new StorageError(`${url}: manifest lists ${chunks} chunks for ${byteLength} bytes; expected ${CHUNK_BYTES}-byte chunks`);
      }
      return new IdbSnapshotReader(db, name, url, manifest);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** `length` bytes at `offset`: a view of a chunk, or of a buffer reused by the next read. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    this.checkRange(offset, length);
    const key = length <= SMALL_READ ? `${offset}:${length}` : undefined;
    const known = key === undefined ? undefined : this.small.get(key);
    if (known !== undefined) return known;
    const first = Math.floor(offset / CHUNK_BYTES);
    let out: Uint8Array;
    if (length > 0 && first === Math.floor((offset + length - 1) / CHUNK_BYTES)) {
      const from = offset - first * CHUNK_BYTES;
      out = (await this.chunk(first)).subarray(from, from + length);
    } else {
      if (this.buffer.byteLength < length) this.buffer = new Uint8Array(length);
      out = this.buffer.subarray(0, length);
      await this.readInto(out, offset);
    }
    if (key !== undefined) {
      out = out.slice();
      this.small.set(key, out);
    }
    return out;
  }

  /** Copies the bytes at `offset` into all of `out`. */
  async readInto(out: Uint8Array, offset: number): Promise<void> {
    this.checkRange(offset, out.byteLength);
    for (let done = 0; done < out.byteLength; ) {
      const index = Math.floor((offset + done) / CHUNK_BYTES);
      const from = offset + done - index * CHUNK_BYTES;
      const piece = (await this.chunk(index)).subarray(from, from + out.byteLength - done);
      out.set(piece, done);
      done += piece.byteLength;
    }
  }

  /** Closes the connection. Idempotent. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.cache.length = 0;
      this.db.close();
    }
    return Promise.resolve();
  }

  private checkRange(offset: number, length: number): void {
    if (this.closed) throw new StorageError(`${this.url}: the snapshot reader is closed`);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || length > this.byteLength - offset) {
      throw new SnapshotError(`${this.url}: read of ${length} bytes at ${offset} is outside the ${this.byteLength}-byte snapshot`);
    }
  }

  /** Chunk `index` of this generation, holding exactly its share of the manifest's bytes. */
  private async chunk(index: number): Promise<Uint8Array> {
    const at = this.cache.findIndex((c) => c.index === index);
    if (at >= 0) {
      const [hit] = this.cache.splice(at, 1);
      this.cache.push(hit!);
      return hit!.part;
    }
    let part: Uint8Array | undefined;
    try {
      part = await this.get(index);
    } catch (cause) {
      if (cause instanceof StorageError) throw cause;
      throw new StorageError(`cannot read ${this.url}: ${String(cause)}`, { cause });
    }
    const want = Math.min(CHUNK_BYTES, this.byteLength - index * CHUNK_BYTES);
    if (part === undefined) throw new StorageError(`${this.url}: chunk ${index} of ${this.count} of the current checkpoint is missing`);
    if (!(part instanceof Uint8Array) || part.byteLength !== want) {
      throw new StorageError(`${this.url}: chunk ${index} holds ${(part as { byteLength?: unknown }).byteLength} bytes, expected ${want}`);
    }
    this.cache.push({ index, part });
    if (this.cache.length > CACHED_CHUNKS) this.cache.shift();
    return part;
  }

  /**
   * The stored chunk, read with the manifest in a read-only transaction of
   * its own (one consistent view: if the manifest still names this
   * generation, the chunk is this generation's).
   */
  private async get(index: number): Promise<Uint8Array | undefined> {
    const tx = this.db.transaction(['manifests', 'chunks'], 'readonly');
    tx.done.catch(() => undefined); // its failures show in the requests
    const [now, part] = await Promise.all([tx.objectStore('manifests').get(this.name), tx.objectStore('chunks').get([this.name, this.generation, index])]);
    if (now?.generation !== this.generation) throw new StorageError(`${this.url} was replaced by a save while it was read; open it again`);
    return part;
  }
}
