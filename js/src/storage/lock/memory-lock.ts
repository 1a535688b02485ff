/**
 * A lock within this JavaScript realm, for storage only this realm sees
 * (`memory://`, and IndexedDB where the Web Locks API is missing).
 * @internal
 */
import type { HeldLock } from './held-lock.js';

/** URLs locked in this realm. */
const held = new Set<string>();

/** Takes the lock of `url` in this realm, or resolves to undefined when it is held. */
export function acquireMemoryLock(url: string): HeldLock | undefined {
  if (held.has(url)) return undefined;
  held.add(url);
  let released = false;
  return {
    lost: () => false,
    release() {
      if (!released) {
        released = true;
        held.delete(url);
      }
      return Promise.resolve();
    },
  };
}
