/**
 * The Origin Private File System as `opfs://` uses it: the handle types
 * (declared here because TypeScript's DOM library lacks the worker-only
 * and newer parts), the folder of a database, and which write path this
 * thread has.
 *
 * Layout: `<OPFS root>/minivectordb/db-<encodeURIComponent(name)>/` holds
 * `checkpoint` (the snapshot), `checkpoint.tmp` (a checkpoint being
 * written in a worker) and `wal-0000000001`, `wal-0000000002`, … (the
 * write-ahead log's segments, read in order as one byte stream).
 * @internal
 */
import { StorageError } from '../errors.js';

/** `FileSystemSyncAccessHandle` (dedicated workers only). */
export interface SyncAccessHandle {
  read(buffer: Uint8Array, options?: { at?: number }): number;
  write(buffer: Uint8Array, options?: { at?: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

/** `FileSystemWritableFileStream` (written to a swap file, committed atomically by `close()`). */
export interface WritableFile {
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export interface FileHandle {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
  createWritable(options?: { keepExistingData?: boolean }): Promise<WritableFile>;
  /** Dedicated workers only. */
  createSyncAccessHandle?(): Promise<SyncAccessHandle>;
  /** Renames (replacing an existing file of that name); not in every browser. */
  move?(dir: DirHandle, name: string): Promise<void>;
}

export interface DirHandle {
  readonly kind: 'directory';
  readonly name: string;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandle>;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirHandle>;
  removeEntry(name: string, options?: { recursive?: boolean }): Promise<void>;
  keys(): AsyncIterableIterator<string>;
}

/** The folder under the OPFS root that holds every `opfs://` database. */
export const OPFS_FOLDER = 'minivectordb';
/** Prefix of a database's folder name (keeps names like `.` or `..` legal). */
const DB_PREFIX = 'db-';

function storageManager(): { getDirectory(): Promise<DirHandle> } | undefined {
  const storage = (globalThis as { navigator?: { storage?: { getDirectory?: () => Promise<DirHandle> } } }).navigator?.storage;
  return typeof storage?.getDirectory === 'function' ? (storage as { getDirectory(): Promise<DirHandle> }) : undefined;
}

/** True when this runtime has the Origin Private File System (`navigator.storage.getDirectory`). */
export function hasOpfs(): boolean {
  return storageManager() !== undefined;
}

/**
 * True when this thread can open `FileSystemSyncAccessHandle`s: a dedicated
 * worker. There a checkpoint is written through one, and the log appends
 * through one kept open; elsewhere through `createWritable()`.
 */
export function hasSyncAccess(): boolean {
  const cls = (globalThis as { FileSystemFileHandle?: { prototype: object } }).FileSystemFileHandle;
  return cls !== undefined && 'createSyncAccessHandle' in cls.prototype;
}

/** Name part of an `opfs://name` URL (non-empty). */
export function opfsName(url: string): string {
  const name = url.slice('opfs://'.length);
  if (name.length === 0) throw new StorageError(`opfs:// URL needs a name, e.g. opfs://notes; got ${JSON.stringify(url)}`);
  return name;
}

/** The OPFS folder name of a database name (any string, `/` included). */
export function folderOf(name: string): string {
  return DB_PREFIX + encodeURIComponent(name);
}

/** The database name of an OPFS folder name, or undefined for a folder that is not one. */
export function nameOf(folder: string): string | undefined {
  if (!folder.startsWith(DB_PREFIX)) return undefined;
  try {
    return decodeURIComponent(folder.slice(DB_PREFIX.length));
  } catch {
    return undefined;
  }
}

/** The folder of every database; created when `create`. */
export async function opfsRoot(create: boolean): Promise<DirHandle> {
  const manager = storageManager();
  if (manager === undefined) throw new StorageError('opfs:// storage needs the Origin Private File System, which this runtime does not have');
  return (await manager.getDirectory()).getDirectoryHandle(OPFS_FOLDER, { create });
}

/** True for the DOMException a missing file or folder gives. */
export function isNotFound(e: unknown): boolean {
  return (e as { name?: string } | undefined)?.name === 'NotFoundError';
}

/** The database's folder; created when `create` (else a missing one throws NotFoundError). */
export async function dbFolder(name: string, create: boolean): Promise<DirHandle> {
  return (await opfsRoot(create)).getDirectoryHandle(folderOf(name), { create });
}

/** Bytes read per slice of a File: Blob reads of several GB fail in one piece. */
const SLICE_BYTES = 64 * 1024 * 1024;

/**
 * `length` bytes of `file` at `position`: one slice's buffer as it is when
 * one slice holds them (an open's 8 MiB reads: no second copy), else read in
 * slices into one buffer.
 */
export async function readFileRange(file: Blob, position: number, length: number): Promise<Uint8Array> {
  if (length <= SLICE_BYTES) {
    const piece = new Uint8Array(await file.slice(position, position + length).arrayBuffer());
    if (piece.byteLength !== length) throw new StorageError(`file shorter than expected: ${position + piece.byteLength} of ${position + length} bytes`);
    return piece;
  }
  const out = new Uint8Array(length);
  for (let done = 0; done < length; ) {
    const n = Math.min(SLICE_BYTES, length - done);
    const piece = new Uint8Array(await file.slice(position + done, position + done + n).arrayBuffer());
    if (piece.byteLength !== n) throw new StorageError(`file shorter than expected: ${position + done + piece.byteLength} of ${position + length} bytes`);
    out.set(piece, done);
    done += n;
  }
  return out;
}

/** Writes all of `bytes` at `at` through a sync access handle (a write may take fewer bytes). */
export function writeAllSync(handle: SyncAccessHandle, bytes: Uint8Array, at: number): void {
  for (let done = 0; done < bytes.byteLength; ) {
    const n = handle.write(bytes.subarray(done), { at: at + done });
    if (n <= 0) throw new StorageError(`OPFS write made no progress at byte ${at + done} (quota exceeded?)`);
    done += n;
  }
}
