/**
 * The database side of storage locks (`storage/lock/`): taking the lock
 * around create/open, and refusing writes where this instance may not write.
 * @internal
 */
import type { Logger } from '../logger.js';
import { acquireLock, type DbLock, type LockMode } from '../storage/lock/index.js';
import type { DbState } from './state.js';

/** The calls that change the database (or its storage); a read-only database refuses them. */
const WRITE_METHODS: ReadonlySet<string> = new Set(['insertMany', 'update', 'delete', 'deleteMany', 'deleteByFilter', 'compact', 'reorder']);

/**
 * Takes the write lock of `url`, then builds the database; releases the lock
 * when building fails.
 * @throws LockedError when another instance holds the lock and `mode` is `'error'`.
 */
export async function underLock<T extends object>(url: string, mode: LockMode, logger: Logger, build: (lock: DbLock) => Promise<T>): Promise<T & { lock: DbLock }> {
  const lock = await acquireLock(url, mode, logger);
  try {
    return { ...(await build(lock)), lock };
  } catch (e) {
    await lock.release();
    throw e;
  }
}

/** @throws LockedError when `method` writes and this database may not write. */
export function checkWritable(db: DbState, method: string): void {
  if (WRITE_METHODS.has(method)) db.lock.checkWritable(method);
}

/**
 * Runs a save to `target`: to the database's own storage only if it may
 * write there; to another URL under that URL's lock (taken for the save, so
 * a save never overwrites a database another instance has open for writing).
 * @throws LockedError as above.
 */
export async function lockedSave(db: DbState, target: string, save: () => Promise<void>): Promise<void> {
  if (target === db.storage) {
    db.lock.checkWritable('save');
    return save();
  }
  const lock = await acquireLock(target, 'error', db.logger);
  try {
    await save();
  } finally {
    await lock.release();
  }
}
