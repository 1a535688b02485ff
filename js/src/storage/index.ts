import { StorageError } from '../errors.js';
import type { StorageAdapter } from './adapter.js';
import { MemoryStorage } from './memory.js';

export type { StorageAdapter } from './adapter.js';

/** The adapter for a storage URL (`memory://…`, `file:///…`). Throws StorageError for other schemes. */
export async function openStorage(url: string): Promise<StorageAdapter> {
  if (url.startsWith('memory://')) return new MemoryStorage(url);
  if (url.startsWith('file://')) {
    const { FileStorage } = await import('./file.js');
    return new FileStorage(url);
  }
  throw new StorageError(`unsupported storage URL ${JSON.stringify(url)}: expected memory://name or file:///absolute/path`);
}

/** True when `url` has a scheme this build can store to. */
export function isStorageUrl(url: unknown): url is string {
  return typeof url === 'string' && (url.startsWith('memory://') || url.startsWith('file://'));
}
