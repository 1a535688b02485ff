/**
 * The lock of a `file://` database across processes: `proper-lockfile`
 * makes the directory `<file>.lock` (mkdir is atomic, also on network
 * filesystems) and refreshes its mtime every {@link FILE_LOCK_UPDATE_MS};
 * a lock whose mtime is older than {@link FILE_LOCK_STALE_MS} belongs to a
 * dead (or frozen) process and is taken over. Node only, imported lazily.
 *
 * The holder also writes `owner.json` (pid, hostname) into that directory,
 * so a lock left by a process of this host that no longer exists (killed,
 * crashed) is taken over at once instead of after the stale time. A lock
 * without that file (its holder is between mkdir and writing it) or whose
 * pid is alive counts as held. Two processes taking over the same dead lock
 * at the same moment race as in `proper-lockfile`'s own stale takeover.
 *
 * A holder whose event loop is blocked longer than the stale time (a long
 * synchronous insert) is told its lock is compromised at its next
 * heartbeat: it takes the lock again if no one else did in between, and
 * otherwise refuses every further write (`LockedError`), so two writers
 * never interleave silently.
 * @internal
 */
import { readFile, realpath, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import { StorageError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { HeldLock } from './held-lock.js';

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
  const lockDir = `${path}.lock`;
  const ownerFile = join(lockDir, 'owner.json');

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
        acquire().then(
          (again) => {
            if (released) void again();
            else unlock = again;
            logger.warn(`the lock of ${path} was not refreshed in time (${err.message}); taken again`);
          },
          (e: unknown) => {
            lost = true;
            logger.error(`the lock of ${path} was taken over by another process; this database refuses further writes (${err.message}; ${String(e)})`);
          },
        );
      },
    });

  /** Takes the lock, taking over one that is stale or whose holder is dead; then records the owner. */
  const acquire = async (): Promise<() => Promise<void>> => {
    let release: () => Promise<void>;
    try {
      release = await take();
    } catch (cause) {
      const code = (cause as { code?: string }).code;
      // ENOTEMPTY: proper-lockfile found it stale but cannot rmdir it (owner.json is inside).
      if (code !== 'ENOTEMPTY' && !(code === 'ELOCKED' && (await holderIsDead(ownerFile)))) throw cause;
      logger.warn(`taking over the lock of ${path}: its holder ${code === 'ENOTEMPTY' ? 'stopped refreshing it' : 'is dead'}`);
      await rm(lockDir, { recursive: true, force: true });
      release = await take();
    }
    await recordOwner(lockDir, ownerFile).catch((e: unknown) =>
      logger.debug(`cannot record the lock's owner in ${ownerFile} (takeover after the stale time only): ${String(e)}`),
    );
    return release;
  };

  try {
    unlock = await acquire();
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
      if (u === undefined) return;
      await unlink(ownerFile).catch(() => undefined); // proper-lockfile removes the directory with rmdir
      await u().catch((e: unknown) => logger.warn(`releasing the lock of ${path} failed: ${String(e)}`));
    },
  };
}

/**
 * Writes `owner.json` into the lock directory, then puts back the
 * directory's mtime: creating a file changes it, and `proper-lockfile`
 * treats an mtime other than the one it last set as a lock taken over.
 */
async function recordOwner(lockDir: string, ownerFile: string): Promise<void> {
  const before = await stat(lockDir);
  await writeFile(ownerFile, JSON.stringify({ pid: process.pid, host: hostname() }));
  await utimes(lockDir, before.atime, before.mtime);
}

/** True when `ownerFile` names a process of this host that no longer exists. */
async function holderIsDead(ownerFile: string): Promise<boolean> {
  let owner: { pid?: unknown; host?: unknown };
  try {
    owner = JSON.parse(await readFile(ownerFile, 'utf8')) as typeof owner;
  } catch {
    return false; // no owner yet (being written) or unreadable: the mtime decides
  }
  if (owner.host !== hostname() || !Number.isSafeInteger(owner.pid) || (owner.pid as number) <= 0) return false;
  try {
    process.kill(owner.pid as number, 0); // signal 0: only checks that the process exists
    return false;
  } catch (e) {
    return (e as { code?: string }).code === 'ESRCH';
  }
}
