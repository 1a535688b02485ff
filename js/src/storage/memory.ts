import { StorageError } from '../errors.js';
import type { StorageAdapter } from './adapter.js';
import { MemoryLog } from './memory-log.js';

/** Snapshots saved to `memory://` URLs in this process (copies, keyed by URL). */
const saved = new Map<string, Uint8Array>();

/** In-process storage for `memory://name` URLs. */
export class MemoryStorage implements StorageAdapter {
  /** The write-ahead log, kept in this process beside the snapshot. */
  readonly log: MemoryLog;

  constructor(readonly url: string) {
    this.log = new MemoryLog(url);
  }

  read(): Promise<Uint8Array> {
    const bytes = saved.get(this.url);
    if (bytes === undefined) return Promise.reject(new StorageError(`no snapshot saved at ${this.url}`));
    return Promise.resolve(bytes.slice());
  }

  write(bytes: Uint8Array): Promise<void> {
    saved.set(this.url, bytes.slice());
    return Promise.resolve();
  }

  async remove(): Promise<boolean> {
    await this.log.truncate();
    return saved.delete(this.url);
  }
}

/** Every `memory://` URL holding a snapshot in this process, sorted. */
export function listMemory(): string[] {
  return [...saved.keys()].sort();
}
