/**
 * Progress events and the options of `save()` and `compact()` (types only).
 * Every event is `{ phase, done, total }` with `done` ≤ `total`, both in the
 * unit its phase names; the last event of a phase has `done === total`.
 */

/**
 * Progress of `open()` (and `MiniVectorDB.deserialize`), in phase order:
 * - `'read'`: the snapshot's bytes, `done`/`total` in bytes (storage is
 *   read in one call today, so one event with `done === total` once it is in;
 *   for `deserialize` the bytes given);
 * - `'replay'`: write-ahead log records applied after the checkpoint, in
 *   records (after every 256th and the last; none when the log is empty).
 */
export interface OpenProgress {
  phase: 'read' | 'replay';
  done: number;
  total: number;
}

/** Progress of `save()`: `'write'`, the snapshot's bytes handed to storage, in bytes (after each chunk of at most 1 MiB). */
export interface SaveProgress {
  phase: 'write';
  done: number;
  total: number;
}

/**
 * Progress of `compact()`: `'rebuild'`, live records re-inserted into the
 * new index, in records. The rebuild is one call into WebAssembly: one
 * event with `done` 0 before it and one with `done === total` after it.
 */
export interface CompactProgress {
  phase: 'rebuild';
  done: number;
  total: number;
}

/** Options of `save()`. */
export interface SaveOptions {
  /** See {@link SaveProgress}. A callback that throws is logged at warn; the save goes on. */
  onProgress?: (event: SaveProgress) => void;
}

/** Options of `compact()`. */
export interface CompactOptions {
  /**
   * Cancels the compaction while it waits in the database's queue or before
   * the rebuild starts (the rebuild itself is one call into WebAssembly and
   * runs to its end): it then rejects with `signal.reason` (a `DOMException`
   * named `'AbortError'` unless you gave `abort()` a reason) and the database
   * is unchanged. Aborted already: rejects at once.
   */
  signal?: AbortSignal;
  /** See {@link CompactProgress}. A callback that throws is logged at warn; the compaction goes on. */
  onProgress?: (event: CompactProgress) => void;
}
