/**
 * A database from snapshot bytes held by the caller (`MiniVectorDB.deserialize`).
 * @internal
 */
import { describe } from '../check.js';
import { InvalidArgumentError } from '../errors.js';
import { checkStorageUrl } from '../storage/index.js';
import { checkSnapshotLayout } from '../storage/snapshot-layout.js';
import { openDb, type OpenedDb } from './lifecycle.js';
import { queueSignal, throwIfAborted } from './abort.js';

/** Distinct default storage URLs of deserialized databases in this process. */
let deserialized = 0;

/**
 * A database from snapshot bytes; see `MiniVectorDB.deserialize`. The bytes'
 * layout is checked as a stored file's is (`snapshot-layout.ts`) before the
 * core parses them; `options.storage` (default: a new `memory://` URL) is
 * where `save()` writes, the rest are open options.
 */
export async function deserializeDb(bytes: unknown, options: unknown): Promise<OpenedDb> {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`bytes must be a Uint8Array, got ${describe(bytes)}`);
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError(`deserialize options must be an object, got ${describe(options)}`);
  }
  const { storage, ...openOptions } = (options ?? {}) as { storage?: unknown };
  const url = storage === undefined ? `memory://deserialized-${++deserialized}` : checkStorageUrl(storage);
  throwIfAborted(queueSignal(openOptions)); // aborted already: before the layout is read (openDb checks the option)
  await checkSnapshotLayout(bytes.byteLength, (at, length) => Promise.resolve(bytes.subarray(at, at + length)), 'deserialize()');
  return openDb(url, openOptions, bytes);
}
