/**
 * The lock of a `file://` database across processes: `proper-lockfile`
 * makes the directory `<file>.lock` (mkdir is atomic, also on network
 * filesystems) and refreshes its mtime every {@link FILE_LOCK_UPDATE_MS};
 * a lock whose mtime is older than {@link FILE_LOCK_STALE_MS} belongs to a
 * dead (or frozen) process and is taken over. Node only, imported lazily.
 *
 * A holder whose event loop is blocked longer than the stale time (a long
 * synchronous insert) is told its lock is compromised at its next
 * heartbeat: it takes the lock again if no one else did in between, and
 * otherwise refuses every further write (`LockedError`), so two writers
 * never interleave silently.
 * @internal
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import { StorageError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { HeldLock } from './index.js';

/** A lock not refreshed for this long (ms) is stale: its holder is presumed dead. */
export const FILE_LOCK_STALE_MS = 10_000;
/** How often (ms) a holder refreshes its lock's mtime. */
export const FILE_LOCK_UPDATE_MS = 2_000;

/** The database file's path with its folder's symlinks resolved, so two spellings of one file share a lock. */
async function canonicalPath(url: string): Promise<string> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (cause) {
    throw new StorageError(`invalid file URL ${url}: ${String(cause)}`, { cause });
  }
  try {
    return join(await realpath(dirname(path)), basename(path));
  } catch {
    return path; // the folder does not exist yet: the save will say so
  }
}

/** Takes the lock of the file at `url`, or resolves to undefined when a live process holds it. */
export async function acquireFileLock(url: string, logger: Logger): Promise<HeldLock | undefined> {
  const path = await canonicalPath(url);
  let lost = false;
  let released = false;
  let unlock: (() => Promise<void>) | undefined;

  const take = (): Promise<() => Promise<void>> =>
    lockfile.lock(path, {
      realpath: false, // the database file may not exist yet
      stale: FILE_LOCK_STALE_MS,
      update: FILE_LOCK_UPDATE_MS,
      retries: 0,
      onCompromised: (err: Error) => {
        unlock = undefined;
        if (released) return;
        // Our heartbeat was late (blocked event loop) or the lock was taken over: take it again unless someone else holds it.
        take().then(
          (again) => {
            if (released) void again();
            else unlock = again;
            logger.warn(`the lock of ${path} was not refreshed in time (${err.message}); taken again`);
          },
          (e: unknown) => {
            lost = true;
            logger.error(`the lock of ${path} was taken over by another process; this database refuses further writes: ${String(e)}`);
          },
        );
      },
    });

  try {
    unlock = await take();
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ELOCKED') return undefined;
    throw new StorageError(`cannot lock ${path}: ${String(cause)}`, { cause });
  }
  return {
    lost: () => lost,
    async release() {
      if (released) return;
      released = true;
      const u = unlock;
      unlock = undefined;
      await u?.().catch((e: unknown) => logger.warn(`releasing the lock of ${path} failed: ${String(e)}`));
    },
  };
}
