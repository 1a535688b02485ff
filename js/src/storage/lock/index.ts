/**
 * One writer per database: the lock a database takes on its storage URL in
 * `create()` / `open()` and gives back in `close()`.
 *
 * - `file://`: a lock directory beside the file (`<file>.lock`) through
 *   `proper-lockfile`, kept fresh by a heartbeat, so a lock left by a dead
 *   process is taken over once it is {@link FILE_LOCK_STALE_MS} old
 *   (`file-lock.ts`). Works across processes and hosts sharing the folder.
 * - `idb://`, `opfs://` in a browser: the Web Locks API, one lock per URL
 *   for every tab and worker of the origin (`web-lock.ts`); the browser
 *   releases it when the holder's tab or worker goes away (a request waits
 *   1.5 s for that, e.g. across a reload).
 * - `memory://`, and `idb://` / `opfs://` where Web Locks are missing
 *   (Node with an IndexedDB polyfill): a lock in this JavaScript realm
 *   (`memory-lock.ts`), since that storage is seen by this realm only.
 *
 * With `lock: 'readonly'` an instance that cannot take the lock opens
 * anyway, read-only: every write throws {@link LockedError}; it sees what
 * the writer made durable before it opened, and later changes after
 * `refresh()` (automatic on `idb://` / `opfs://`: `db/follow.ts`).
 * @internal
 */
import { describe } from '../../check.js';
import { InvalidArgumentError, LockedError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { StorageLock } from '../adapter.js';
import type { HeldLock } from './held-lock.js';
import { acquireMemoryLock } from './memory-lock.js';
import { acquireWebLock, hasWebLocks } from './web-lock.js';

import type { LockMode } from '../../option-types.js';

export type { LockMode };

/** The lock an open database holds on its storage URL (or, read-only, does not hold). */
export interface DbLock extends StorageLock {
  /** True when another instance holds the lock: every write throws {@link LockedError}. */
  readonly readOnly: boolean;
  /** @throws LockedError when this database may not write (read-only, or its lock was taken over). */
  checkWritable(method: string): void;
}


/** Checks the `lock` option. @defaultValue `'error'` */
export function checkLockMode(mode: unknown): LockMode {
  if (mode === undefined) return 'error';
  if (mode === 'error' || mode === 'readonly') return mode;
  throw new InvalidArgumentError(`lock must be 'error' or 'readonly', got ${describe(mode)}`);
}

/** Takes the lock behind `url`, or resolves to undefined when another instance holds it. */
async function tryLock(url: string, logger: Logger): Promise<HeldLock | undefined> {
  if (url.startsWith('file://')) return (await import('./file-lock.js')).acquireFileLock(url, logger);
  if (url.startsWith('memory://') || !hasWebLocks()) return acquireMemoryLock(url);
  return acquireWebLock(url);
}

/**
 * Takes the write lock of `url` for a database being created or opened.
 * @param mode - what happens when another instance holds it (see {@link LockMode}).
 * @throws LockedError with `mode: 'error'` when another instance holds the lock.
 * @throws StorageError when the lock itself cannot be made (e.g. a read-only folder).
 */
export async function acquireLock(url: string, mode: LockMode, logger: Logger): Promise<DbLock> {
  const held = await tryLock(url, logger);
  if (held !== undefined) {
    return {
      readOnly: false,
      checkWritable(method) {
        if (held.lost()) throw new LockedError(url, `cannot ${method}(): the write lock of ${url} was taken over by another instance (this one was unresponsive for longer than the lock's stale time); close and open it again`);
      },
      release: () => held.release(),
    };
  }
  if (mode === 'error') {
    throw new LockedError(url, `${url} is open for writing in another instance (process, tab or worker); close it first, or open with { lock: 'readonly' }`);
  }
  logger.info(`${url} is locked by another instance: opened read-only`);
  return {
    readOnly: true,
    checkWritable(method) {
      throw new LockedError(url, `cannot ${method}(): ${url} was opened read-only because another instance holds its write lock`);
    },
    release: () => Promise.resolve(),
  };
}
