/**
 * Storage adapters: where snapshots live, selected by URL scheme.
 * - `memory://name`: process memory (lost when the process ends).
 * - `file:///abs/path`: the filesystem (Node only; imported lazily so that
 *   browser bundles never pull `node:fs`). Writes are atomic.
 * - `idb://name`: IndexedDB (browsers), chunks + manifest in one transaction.
 */
export interface StorageAdapter {
  /** The URL this adapter reads and writes. */
  readonly url: string;
  /** The stored snapshot bytes. Throws StorageError when there is none. */
  read(): Promise<Uint8Array>;
  /** Replaces the stored snapshot atomically: a failure leaves the previous one intact. */
  write(bytes: Uint8Array): Promise<void>;
  /** Deletes the stored snapshot. Resolves to true if there was one. */
  remove(): Promise<boolean>;
}
