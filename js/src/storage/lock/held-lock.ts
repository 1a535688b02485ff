/** What each kind of lock (`file-lock.ts`, `web-lock.ts`, `memory-lock.ts`) gives its taker. @internal */
import type { StorageLock } from '../adapter.js';

/** A lock this instance holds; `lost()` reports whether it was taken over since. */
export interface HeldLock extends StorageLock {
  lost(): boolean;
}
