/**
 * `opfs://name` storage: the Origin Private File System (browsers).
 *
 * Checkpoint (`checkpoint` in the database's folder, see `opfs-fs.ts`),
 * replaced atomically:
 * - in a dedicated worker, written through a `FileSystemSyncAccessHandle`
 *   to `checkpoint.tmp`, flushed, closed, then renamed over `checkpoint`
 *   with `move()` (as a POSIX rename): a failure or a closed tab leaves the
 *   previous checkpoint, and a leftover `.tmp` is overwritten by the next;
 * - on the page (no access handles there), and where `move()` is missing,
 *   through `createWritable()`, which writes a swap file that the browser
 *   puts in place only on `close()` (`abort()` on failure).
 * Reads use `getFile()` in slices, never holding a handle, so a reader never
 * blocks the writer's rename.
 *
 * The write-ahead log is {@link OpfsLog}.
 *
 * Where the runtime has no OPFS (`navigator.storage.getDirectory`; older
 * browsers, insecure origins, Node), `opfs://name` falls back to
 * `idb://name` with a warning through the logger: see {@link openOpfs}.
 * @internal
 */
import { SnapshotError, StorageError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ByteChunks, StorageAdapter } from './adapter.js';
import type { SnapshotSource } from './snapshot-source.js';
import { OpfsLog } from './opfs-log.js';
import { dbFolder, hasOpfs, hasSyncAccess, isNotFound, nameOf, opfsName, opfsRoot, readFileRange, writeAllSync, type DirHandle, type FileHandle } from './opfs-fs.js';
import { checkSnapshotLayout } from './snapshot-layout.js';

const CHECKPOINT = 'checkpoint';
const CHECKPOINT_TMP = 'checkpoint.tmp';

/** `bytes` as chunks. */
async function* chunksOf(bytes: Uint8Array | ByteChunks): AsyncGenerator<Uint8Array> {
  if (bytes instanceof Uint8Array) yield bytes;
  else yield* bytes;
}

export class OpfsStorage implements StorageAdapter {
  readonly log: OpfsLog;
  private readonly name: string;

  constructor(readonly url: string) {
    this.name = opfsName(url);
    this.log = new OpfsLog(url, this.name);
  }

  /** The checkpoint's bytes, once its header and section lengths proved worth reading (see `snapshot-layout.ts`). */
  async read(): Promise<Uint8Array> {
    try {
      const file = await (await (await dbFolder(this.name, false)).getFileHandle(CHECKPOINT)).getFile();
      await checkSnapshotLayout(file.size, (position, length) => readFileRange(file, position, length), this.url);
      return await readFileRange(file, 0, file.size);
    } catch (cause) {
      if (cause instanceof SnapshotError || cause instanceof StorageError) throw cause;
      const why = isNotFound(cause) ? 'no snapshot saved there' : String(cause);
      throw new StorageError(`cannot read ${this.url}: ${why}`, { cause });
    }
  }

  /** The checkpoint as a source read in slices of its `File` (a snapshot of the file: a save replacing it makes reads fail, never mix). */
  async openSnapshot(): Promise<SnapshotSource> {
    try {
      const file = await (await (await dbFolder(this.name, false)).getFileHandle(CHECKPOINT)).getFile();
      await checkSnapshotLayout(file.size, (position, length) => readFileRange(file, position, length), this.url);
      const read = async (position: number, length: number): Promise<Uint8Array> => {
        try {
          return await readFileRange(file, position, length);
        } catch (cause) {
          if (cause instanceof StorageError) throw cause;
          throw new StorageError(`cannot read ${this.url}: ${String(cause)}`, { cause });
        }
      };
      return { byteLength: file.size, read, close: () => Promise.resolve() };
    } catch (cause) {
      if (cause instanceof SnapshotError || cause instanceof StorageError) throw cause;
      const why = isNotFound(cause) ? 'no snapshot saved there' : String(cause);
      throw new StorageError(`cannot read ${this.url}: ${why}`, { cause });
    }
  }

  /**
   * Replaces the checkpoint atomically (see the module's comment).
   * @param byteLength - when given, the total the chunks must add up to (a shortfall fails the write).
   */
  async write(bytes: Uint8Array | ByteChunks, byteLength?: number): Promise<void> {
    try {
      const dir = await dbFolder(this.name, true);
      const tmp = hasSyncAccess() ? await dir.getFileHandle(CHECKPOINT_TMP, { create: true }) : undefined;
      if (tmp !== undefined && typeof tmp.move === 'function') await writeThenRename(dir, tmp, bytes, byteLength);
      else await writeCommitted(await dir.getFileHandle(CHECKPOINT, { create: true }), bytes, byteLength);
    } catch (cause) {
      if (cause instanceof StorageError) throw new StorageError(`cannot write ${this.url}: ${cause.message}`, { cause });
      throw new StorageError(`cannot write ${this.url}: ${String(cause)}`, { cause });
    }
  }

  /** Deletes the database's folder (checkpoint and log). */
  async remove(): Promise<boolean> {
    try {
      await this.log.close();
      let dir: DirHandle;
      try {
        dir = await dbFolder(this.name, false);
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
      const had = await dir.getFileHandle(CHECKPOINT).then(
        () => true,
        (e: unknown) => (isNotFound(e) ? false : Promise.reject(e)),
      );
      await (await opfsRoot(false)).removeEntry(dir.name, { recursive: true });
      return had;
    } catch (cause) {
      throw new StorageError(`cannot delete ${this.url}: ${String(cause)}`, { cause });
    }
  }
}

/** Counts the bytes of `bytes` against `byteLength`. */
function checkTotal(written: number, byteLength: number | undefined): void {
  if (byteLength !== undefined && written !== byteLength) throw new StorageError(`the snapshot's chunks gave ${written} bytes, expected ${byteLength}`);
}

/** Worker path: the whole checkpoint into `checkpoint.tmp` through an access handle, flushed, then renamed over `checkpoint`. */
async function writeThenRename(dir: DirHandle, tmp: FileHandle, bytes: Uint8Array | ByteChunks, byteLength: number | undefined): Promise<void> {
  const handle = await tmp.createSyncAccessHandle!();
  let ok = false;
  try {
    handle.truncate(0);
    let at = 0;
    for await (const chunk of chunksOf(bytes)) {
      writeAllSync(handle, chunk, at);
      at += chunk.byteLength;
    }
    checkTotal(at, byteLength);
    handle.flush();
    ok = true;
  } finally {
    handle.close();
    if (!ok) await dir.removeEntry(CHECKPOINT_TMP).catch(() => undefined);
  }
  await tmp.move!(dir, CHECKPOINT);
}

/** Page path: a `createWritable()` stream, which the browser commits atomically on `close()` and discards on `abort()`. */
async function writeCommitted(file: FileHandle, bytes: Uint8Array | ByteChunks, byteLength: number | undefined): Promise<void> {
  const writable = await file.createWritable({ keepExistingData: false });
  try {
    let at = 0;
    for await (const chunk of chunksOf(bytes)) {
      await writable.write(chunk);
      at += chunk.byteLength;
    }
    checkTotal(at, byteLength);
  } catch (e) {
    await writable.abort().catch(() => undefined);
    throw e;
  }
  await writable.close();
}

/** URLs of every `opfs://` database holding a checkpoint, sorted. */
export async function listOpfs(): Promise<string[]> {
  if (!hasOpfs()) return (await import('./idb.js')).listIdb().then((urls) => urls.map((u) => `opfs://${u.slice('idb://'.length)}`));
  try {
    let root: DirHandle;
    try {
      root = await opfsRoot(false);
    } catch (e) {
      if (isNotFound(e)) return [];
      throw e;
    }
    const out: string[] = [];
    for await (const folder of root.keys()) {
      const name = nameOf(folder);
      if (name === undefined) continue;
      const dir = await root.getDirectoryHandle(folder);
      if (await dir.getFileHandle(CHECKPOINT).then(() => true, () => false)) out.push(`opfs://${name}`);
    }
    return out.sort();
  } catch (cause) {
    throw new StorageError(`cannot list opfs:// databases: ${String(cause)}`, { cause });
  }
}

/**
 * The adapter of `opfs://name`: OPFS where the runtime has it, else
 * IndexedDB under `idb://name` (the same database a later `idb://name`
 * opens), with a warning through `logger`.
 */
export async function openOpfs(url: string, logger?: Logger): Promise<StorageAdapter> {
  const name = opfsName(url);
  if (hasOpfs()) return new OpfsStorage(url);
  logger?.warn(`${url}: this runtime has no Origin Private File System; storing in IndexedDB as idb://${name}`);
  const { IdbStorage } = await import('./idb.js');
  return new IdbStorage(`idb://${name}`);
}
