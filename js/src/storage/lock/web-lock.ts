/**
 * The Web Locks API (`navigator.locks`): one exclusive lock per storage URL
 * across every tab and worker of the origin. The lock is held by a callback
 * whose promise resolves only on release; the browser frees it when the tab
 * or worker holding it goes away, so a crashed holder never leaves it stale.
 * @internal
 */
import { StorageError } from '../../errors.js';
import type { HeldLock } from './held-lock.js';

/** The part of `LockManager` used here. */
interface Locks {
  request(name: string, options: { signal: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<void>;
}

/**
 * How long (ms) a request waits for a held lock before giving up: long
 * enough for the lock of a page being reloaded (its old document and
 * workers still shutting down) to be released, short enough that a second
 * tab learns of the first at once.
 */
export const WEB_LOCK_WAIT_MS = 1500;

function locks(): Locks | undefined {
  return (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks;
}

/** True when this runtime has the Web Locks API. */
export function hasWebLocks(): boolean {
  return typeof locks()?.request === 'function';
}

/** The lock's name: a prefix keeps it apart from the application's own locks. */
export function webLockName(url: string): string {
  return `minivectordb:${url}`;
}

/** Takes the lock of `url`, waiting up to {@link WEB_LOCK_WAIT_MS} for its holder to let go; else resolves to undefined. */
export function acquireWebLock(url: string): Promise<HeldLock | undefined> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const signal = AbortSignal.timeout(WEB_LOCK_WAIT_MS);
  return new Promise<HeldLock | undefined>((resolve, reject) => {
    // Settles once the lock manager has let the lock go (after `held`), so release() resolves only then.
    const done = locks()!.request(webLockName(url), { signal }, () => {
      resolve({
        lost: () => false,
        release: () => {
          release();
          return done.then(
            () => undefined,
            () => undefined,
          );
        },
      });
      return held; // the lock is held until this settles
    });
    done.catch((cause: unknown) => {
      if (signal.aborted) resolve(undefined); // still held by another tab or worker
      else reject(new StorageError(`cannot take the Web Lock of ${url}: ${String(cause)}`, { cause }));
    });
  });
}
