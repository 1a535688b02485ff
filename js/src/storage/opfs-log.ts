/**
 * The write-ahead log of an `opfs://` database: segment files
 * `wal-0000000001`, `wal-0000000002`, … in the database's folder, read in
 * order as one byte stream.
 *
 * - In a dedicated worker, one `FileSystemSyncAccessHandle` stays open on
 *   this instance's segment: an append is a synchronous write, a durable
 *   one also `flush()`es (the fast path sqlite-wasm's and PGlite's OPFS
 *   VFSs use). A crash can leave a torn tail in that segment only.
 * - Elsewhere (the page), each append becomes a new segment written with
 *   `createWritable()`, which the browser commits atomically on `close()`:
 *   no torn tails, one file per append (group commit keeps them few, and a
 *   checkpoint's truncate removes them).
 *
 * Every instance starts a new segment, so a log written in a worker and one
 * written on the page read back the same. Readers use `getFile()`, which
 * works while a writer holds an access handle on the segment.
 * @internal
 */
import { StorageError } from '../errors.js';
import type { WriteAheadLog } from './adapter.js';
import { dbFolder, hasSyncAccess, isNotFound, readFileRange, writeAllSync, type DirHandle, type SyncAccessHandle } from './opfs-fs.js';

const SEGMENT = /^wal-(\d{10})$/;
const segmentName = (n: number): string => `wal-${String(n).padStart(10, '0')}`;

export class OpfsLog implements WriteAheadLog {
  /** This instance's open segment (worker path). */
  #handle: SyncAccessHandle | undefined;
  #handleBytes = 0;
  /** Number of the last segment, and the log's size, once scanned. */
  #state: { last: number; size: number } | undefined;
  /** Calls run one at a time (an append must not interleave with a truncate). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly name: string,
  ) {}

  read(): Promise<Uint8Array> {
    return this.#run('read', async () => {
      const dir = await this.#folder(false);
      if (dir === undefined) return new Uint8Array(0);
      const files: File[] = [];
      for (const n of await segments(dir)) files.push(await (await dir.getFileHandle(segmentName(n))).getFile());
      const total = files.reduce((sum, f) => sum + f.size, 0);
      const out = new Uint8Array(total);
      let at = 0;
      for (const f of files) {
        out.set(await readFileRange(f, 0, f.size), at);
        at += f.size;
      }
      return out;
    });
  }

  append(bytes: Uint8Array, durable: boolean): Promise<void> {
    return this.#run('append to', async () => {
      const state = await this.#scan();
      if (hasSyncAccess()) {
        if (this.#handle === undefined) {
          const dir = (await this.#folder(true))!;
          const file = await dir.getFileHandle(segmentName(state.last + 1), { create: true });
          this.#handle = await file.createSyncAccessHandle!();
          this.#handleBytes = 0;
          state.last += 1;
        }
        writeAllSync(this.#handle, bytes, this.#handleBytes);
        this.#handleBytes += bytes.byteLength;
        state.size += bytes.byteLength;
        if (durable) this.#handle.flush();
        return;
      }
      const dir = (await this.#folder(true))!;
      const file = await dir.getFileHandle(segmentName(state.last + 1), { create: true });
      state.last += 1; // even if the write fails: an empty segment is harmless, a reused name is not
      const writable = await file.createWritable();
      try {
        await writable.write(bytes);
        await writable.close(); // commits the segment atomically
      } catch (e) {
        await writable.abort().catch(() => undefined);
        throw e;
      }
      state.size += bytes.byteLength;
    });
  }

  sync(): Promise<void> {
    return this.#run('flush', () => {
      this.#handle?.flush();
      return Promise.resolve();
    });
  }

  size(): Promise<number> {
    return this.#run('measure', async () => (await this.#scan()).size);
  }

  /** Removes every segment, newest first, so a crash part-way leaves a prefix of the log. */
  truncate(): Promise<void> {
    return this.#run('truncate', async () => {
      this.#closeHandle();
      const dir = await this.#folder(false);
      if (dir !== undefined) {
        for (const n of (await segments(dir)).reverse()) await dir.removeEntry(segmentName(n));
      }
      this.#state = { last: this.#state?.last ?? 0, size: 0 }; // numbers keep growing: no name is reused
    });
  }

  /** Closes the open access handle (releasing the segment to other instances). */
  close(): Promise<void> {
    return this.#run('close', () => {
      this.#closeHandle();
      return Promise.resolve();
    });
  }

  #closeHandle(): void {
    if (this.#handle === undefined) return;
    try {
      this.#handle.flush();
    } finally {
      this.#handle.close();
      this.#handle = undefined;
    }
  }

  async #scan(): Promise<{ last: number; size: number }> {
    if (this.#state !== undefined) return this.#state;
    const dir = await this.#folder(false);
    let last = 0;
    let size = 0;
    if (dir !== undefined) {
      for (const n of await segments(dir)) {
        last = n;
        size += (await (await dir.getFileHandle(segmentName(n))).getFile()).size;
      }
    }
    this.#state = { last, size };
    return this.#state;
  }

  async #folder(create: boolean): Promise<DirHandle | undefined> {
    try {
      return await dbFolder(this.name, create);
    } catch (e) {
      if (!create && isNotFound(e)) return undefined;
      throw e;
    }
  }

  #run<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn).catch((cause: unknown) => {
      if (cause instanceof StorageError) throw cause;
      throw new StorageError(`cannot ${doing} the log of ${this.url}: ${String(cause)}`, { cause });
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** Numbers of the log segments in `dir`, ascending. */
async function segments(dir: DirHandle): Promise<number[]> {
  const out: number[] = [];
  for await (const name of dir.keys()) {
    const m = SEGMENT.exec(name);
    if (m !== null) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}
