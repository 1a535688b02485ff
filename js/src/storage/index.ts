/**
 * Storage selected by URL scheme. Node-only (`file://`) and IndexedDB
 * (`idb://`) code is imported lazily, so a browser bundle never pulls
 * `node:fs` and a Node program never loads the IndexedDB wrapper.
 */
import { StorageError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { StorageAdapter } from './adapter.js';
import { listMemory, MemoryStorage } from './memory.js';

export type { StorageAdapter } from './adapter.js';

const SCHEMES = ['memory://', 'file://', 'idb://', 'opfs://'] as const;

function unsupported(url: unknown): StorageError {
  return new StorageError(
    `unsupported storage URL ${JSON.stringify(url)}: expected memory://name, file:///absolute/path, idb://name or opfs://name`,
  );
}

/** True when `url` has a scheme this build can store to. */
export function isStorageUrl(url: unknown): url is string {
  return typeof url === 'string' && SCHEMES.some((s) => url.startsWith(s));
}

/**
 * Checks a storage URL without touching storage, so `create()` rejects one
 * that every later save would fail on: a known scheme, a name after
 * `memory://`, `idb://` and `opfs://`, and for `file://` an absolute path with an empty
 * (or `localhost`) host — `file://relative/x` names the host `relative`.
 * @throws StorageError naming the problem.
 */
export function checkStorageUrl(url: unknown): string {
  if (!isStorageUrl(url)) throw unsupported(url);
  if (url.startsWith('file://')) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.host !== '' && parsed.host !== 'localhost') || parsed.pathname.length <= 1 || parsed.pathname.endsWith('/')) {
      throw new StorageError(`file storage URL ${JSON.stringify(url)} must name a file by its absolute path: file:///absolute/path.mvdb`);
    }
  } else if (url === 'memory://' || url === 'idb://' || url === 'opfs://') {
    throw new StorageError(`storage URL ${JSON.stringify(url)} needs a name: ${url}name`);
  }
  return url;
}

/**
 * The adapter for a storage URL. Throws StorageError for other schemes.
 * @param logger - where `opfs://` reports its fallback to IndexedDB in a runtime without OPFS.
 */
export async function openStorage(url: string, logger?: Logger): Promise<StorageAdapter> {
  if (url.startsWith('memory://')) return new MemoryStorage(url);
  if (url.startsWith('file://')) {
    let file: typeof import('./file.js');
    try {
      file = await import('./file.js');
    } catch (cause) {
      throw new StorageError(`file:// storage needs Node.js (node:fs could not be loaded: ${String(cause)})`, { cause });
    }
    // Browser builds replace file.js by an empty module (package.json "browser").
    if (typeof file.FileStorage !== 'function') throw new StorageError('file:// storage needs Node.js, Deno or Bun');
    return new file.FileStorage(url);
  }
  if (url.startsWith('idb://')) {
    const { IdbStorage } = await import('./idb.js');
    return new IdbStorage(url);
  }
  if (url.startsWith('opfs://')) return (await import('./opfs.js')).openOpfs(url, logger);
  throw unsupported(url);
}

/**
 * URLs of the stored snapshots under `prefix`: `'memory://'`, `'idb://'`,
 * `'opfs://'`, or a folder `'file:///abs/dir/'` (its `*.mvdb` files).
 */
export async function listStorage(prefix: string): Promise<string[]> {
  if (prefix === 'memory://') return listMemory();
  if (prefix === 'idb://') return (await import('./idb.js')).listIdb();
  if (prefix === 'opfs://') return (await import('./opfs.js')).listOpfs();
  if (prefix.startsWith('file://')) return (await import('./file.js')).listFiles(prefix);
  throw new StorageError(`cannot list ${JSON.stringify(prefix)}: expected 'memory://', 'idb://', 'opfs://' or a 'file:///folder/' URL`);
}
