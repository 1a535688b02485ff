/**
 * Storage adapters: where a database's checkpoint (snapshot) and its
 * write-ahead log live, selected by URL scheme.
 * - `memory://name`: process memory (lost when the process ends).
 * - `file:///abs/path`: the filesystem (Node only; imported lazily so that
 *   browser bundles never pull `node:fs`). Writes are atomic.
 * - `idb://name`: IndexedDB (browsers), chunks + manifest in one transaction.
 * - `opfs://name`: the Origin Private File System (browsers), with
 *   `FileSystemSyncAccessHandle` inside a worker.
 *
 * The contract every backend keeps:
 * - the checkpoint is replaced atomically: a failed or interrupted
 *   {@link StorageAdapter.write} leaves the previous one readable;
 * - the log is a byte stream of framed records (see `storage/wal/`);
 *   {@link WriteAheadLog.append} of a durable group resolves only once those
 *   bytes survive a crash of the process (fsync, IndexedDB transaction
 *   `complete`, `FileSystemSyncAccessHandle.flush()`);
 * - a crash may leave a torn tail (part of the last group), never damage
 *   earlier bytes; the reader drops the torn tail.
 */

import type { SnapshotSource } from './snapshot-source.js';

/**
 * Snapshot bytes as an (async) sequence of chunks, for writing a checkpoint
 * without holding the whole image in one buffer. A chunk may be a view into
 * WebAssembly memory: it is valid only until the next chunk is requested, so
 * an adapter that keeps bytes past that point must copy them.
 */
export type ByteChunks = Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** The write-ahead log of one database (records after its last checkpoint). */
export interface WriteAheadLog {
  /**
   * Every byte of the log, in order (possibly ending in a torn record).
   * Resolves to an empty array when there is no log.
   */
  read(): Promise<Uint8Array>;
  /**
   * Appends `bytes` (one or more whole framed records) at the end of the log.
   * @param durable - when true, resolves only after the bytes are on stable
   *   storage; when false, after they are handed to the backend (a later
   *   durable append or {@link WriteAheadLog.sync} makes them durable).
   * @throws StorageError when the backend fails; the bytes may then be
   *   partly written (a torn tail the next open drops).
   */
  append(bytes: Uint8Array, durable: boolean): Promise<void>;
  /** Makes every appended byte durable. */
  sync(): Promise<void>;
  /** Bytes in the log now (what a checkpoint trigger compares). */
  size(): Promise<number>;
  /**
   * Empties the log. Called only after a checkpoint that covers every record
   * in it has been written durably, so a crash between the two is harmless
   * (the checkpoint records the last log sequence number it covers and replay
   * skips records at or below it).
   */
  truncate(): Promise<void>;
  /**
   * Releases what the log holds open (a file descriptor, a database
   * connection); a later call reopens it. Optional: logs that hold nothing need not have it.
   */
  close?(): Promise<void>;
}

export interface StorageAdapter {
  /** The URL this adapter reads and writes. */
  readonly url: string;
  /** The stored checkpoint's bytes. Throws StorageError when there is none. */
  read(): Promise<Uint8Array>;
  /**
   * The stored checkpoint as a source read in pieces (`snapshot-source.ts`),
   * its layout checked first as {@link read} checks it; the caller closes it.
   * Optional: without it, opening reads the checkpoint whole.
   * @throws StorageError when there is none, SnapshotError for a wrong layout.
   */
  openSnapshot?(): Promise<SnapshotSource>;
  /**
   * Replaces the stored checkpoint atomically: a failure leaves the previous
   * one intact. `bytes` may be one buffer or a sequence of chunks
   * ({@link ByteChunks}) totalling `byteLength` bytes.
   */
  write(bytes: Uint8Array | ByteChunks, byteLength?: number): Promise<void>;
  /** Deletes the stored checkpoint and its log. Resolves to true if there was a checkpoint. */
  remove(): Promise<boolean>;
  /** The write-ahead log beside the checkpoint (see `storage/wal/`, `memory-log.ts`, `file-log.ts`, `idb-log.ts`). */
  readonly log: WriteAheadLog;
}

/** A held database lock (see `storage/lock/`); release is idempotent. */
export interface StorageLock {
  /** Releases the lock (and stops any heartbeat that keeps it fresh). */
  release(): Promise<void>;
}
