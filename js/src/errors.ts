/**
 * Typed errors of MiniVectorDB, collected in one catalogue.
 *
 * Every error thrown by the library is a {@link MiniVectorDBError} with a
 * stable `code`; subclasses let callers branch with `instanceof`. Messages
 * state the expected and the actual value.
 *
 * @packageDocumentation
 */

/** Stable machine-readable error codes. */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'DIMENSION_MISMATCH'
  | 'OUT_OF_MEMORY'
  | 'NOT_FOUND'
  | 'SNAPSHOT_CORRUPT'
  | 'SNAPSHOT_VERSION'
  | 'STORAGE'
  | 'EMBEDDER_MISMATCH'
  | 'CLOSED'
  | 'LOCKED'
  | 'TIMEOUT'
  | 'INTERNAL';

/** Base class of every error thrown by MiniVectorDB. */
export class MiniVectorDBError extends Error {
  /** `'MiniVectorDBError'`, set literally so minified bundles keep it. */
  override name = 'MiniVectorDBError';
  /** Stable code, e.g. `'DIMENSION_MISMATCH'`. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A bad argument: NaN/±Infinity in a vector, k < 1, empty or non-string id, unknown option key, bad metric… */
export class InvalidArgumentError extends MiniVectorDBError {
  /** `'InvalidArgumentError'`, set literally so minified bundles keep it. */
  override name = 'InvalidArgumentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** Which documented limit (`js/src/limits.ts`) a {@link LimitExceededError} names. */
export type LimitName = 'metadataDepth' | 'metadataBytes' | 'idLength';

/**
 * A value beyond one of the documented limits (`MAX_METADATA_DEPTH`,
 * `MAX_METADATA_BYTES`, `MAX_ID_LENGTH`): rejected at insert or update,
 * before anything changes, so that everything accepted can be saved and opened again.
 */
export class LimitExceededError extends InvalidArgumentError {
  /** `'LimitExceededError'`, set literally so minified bundles keep it. */
  override name = 'LimitExceededError';
  /** The limit exceeded. */
  readonly limit: LimitName;
  /** Its value (levels, bytes, or UTF-16 code units). */
  readonly max: number;
  /** What was found: the size or length; for a depth, the first level beyond `max` (the walk stops there). */
  readonly actual: number;
  constructor(limit: LimitName, max: number, actual: number, message: string) {
    super(message);
    this.limit = limit;
    this.max = max;
    this.actual = actual;
  }
}

/** Something did not answer in time, e.g. a worker script that never starts (`workerTimeoutMs`). */
export class TimeoutError extends MiniVectorDBError {
  /** `'TimeoutError'`, set literally so minified bundles keep it. */
  override name = 'TimeoutError';
  /** The time waited, in milliseconds. */
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number) {
    super('TIMEOUT', message);
    this.timeoutMs = timeoutMs;
  }
}

/** A vector whose length differs from the database dimension. */
export class DimensionMismatchError extends MiniVectorDBError {
  /** `'DimensionMismatchError'`, set literally so minified bundles keep it. */
  override name = 'DimensionMismatchError';
  /** Dimension of the database. */
  readonly expected: number;
  /** Length of the offending vector. */
  readonly actual: number;
  constructor(expected: number, actual: number, what = 'vector') {
    super('DIMENSION_MISMATCH', `${what} has dimension ${actual}, expected ${expected}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** WebAssembly linear memory (at most 4 GB) is exhausted. The database keeps everything inserted before. */
export class OutOfMemoryError extends MiniVectorDBError {
  /** `'OutOfMemoryError'`, set literally so minified bundles keep it. */
  override name = 'OutOfMemoryError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('OUT_OF_MEMORY', message, options);
  }
}

/** A snapshot that cannot be read: bad magic, unsupported version, checksum mismatch, truncation, lying lengths. */
export class SnapshotError extends MiniVectorDBError {
  /** `'SnapshotError'`, set literally so minified bundles keep it. */
  override name = 'SnapshotError';
  constructor(message: string, code: 'SNAPSHOT_CORRUPT' | 'SNAPSHOT_VERSION' = 'SNAPSHOT_CORRUPT', options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Reading or writing a storage URL failed (missing file, permission, unsupported scheme). */
export class StorageError extends MiniVectorDBError {
  /** `'StorageError'`, set literally so minified bundles keep it. */
  override name = 'StorageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE', message, options);
  }
}

/**
 * The embedder given to `open()` (or the library's default for the model a
 * snapshot names) is not the one that built the snapshot's vectors: another
 * model (digest of its files, or id and revision), pooling, normalisation or
 * token limit. Thrown when that embedder is loaded: by `open()` for an
 * `Embedder` object, by the first text call otherwise. `open(url, {
 * embedderMismatch: 'warn' })` logs a warning instead. A different dimension
 * is a {@link DimensionMismatchError} (never a warning).
 */
export class EmbedderMismatchError extends MiniVectorDBError {
  /** `'EmbedderMismatchError'`, set literally so minified bundles keep it. */
  override name = 'EmbedderMismatchError';
  /** What the snapshot records (`kind`, `model`, `revision`, `dim`, `pooling`, `normalize`, `maxLength`, `digest`). */
  readonly recorded: Readonly<Record<string, unknown>>;
  /** The same fields of the embedder that was supplied. */
  readonly supplied: Readonly<Record<string, unknown>>;
  /** One line per differing field, e.g. `pooling: 'mean' recorded, 'cls' supplied`. */
  readonly differences: readonly string[];
  constructor(recorded: Record<string, unknown>, supplied: Record<string, unknown>, differences: readonly string[]) {
    super(
      'EMBEDDER_MISMATCH',
      `the embedder ${JSON.stringify(supplied.model)} is not the one that built this database (${JSON.stringify(recorded.model)}): ${differences.join('; ')}. ` +
        `Pass the embedder it was built with (MiniVectorDB.open(url, { embedder })), or open with { embedderMismatch: 'warn' } to use this one anyway`,
    );
    this.recorded = recorded;
    this.supplied = supplied;
    this.differences = differences;
  }
}

/** An id that the database does not hold (e.g. `update()` of an unknown id). */
export class NotFoundError extends MiniVectorDBError {
  /** `'NotFoundError'`, set literally so minified bundles keep it. */
  override name = 'NotFoundError';
  /** The id that was not found. */
  readonly id: string;
  constructor(id: string) {
    super('NOT_FOUND', `no record with id ${JSON.stringify(id)}`);
    this.id = id;
  }
}

/** The database was closed; every call after `close()` throws this. */
export class ClosedError extends MiniVectorDBError {
  /** `'ClosedError'`, set literally so minified bundles keep it. */
  override name = 'ClosedError';
  constructor(method: string) {
    super('CLOSED', `cannot call ${method}(): the database is closed`);
  }
}

/**
 * Another instance (process, tab, worker or database object) holds the
 * write lock of this storage URL: thrown by `create()` / `open()` with
 * `lock: 'error'` (the default), and by every write (insert, update,
 * delete, compact, save) of a database opened with `lock: 'readonly'` while
 * another instance writes, or one whose lock was taken over (see
 * `storage/lock/`).
 */
export class LockedError extends MiniVectorDBError {
  /** `'LockedError'`, set literally so minified bundles keep it. */
  override name = 'LockedError';
  /** The storage URL whose lock is held elsewhere. */
  readonly url: string;
  constructor(url: string, message: string, options?: { cause?: unknown }) {
    super('LOCKED', message, options);
    this.url = url;
  }
}

/**
 * Every class of the catalogue under its literal `name` (the key that
 * carries it across a worker boundary, `worker/errors-transfer.ts`; class
 * names are mangled by minifiers, these are not). A subclass defined
 * elsewhere (the embedding module's `ModelLoadError`) is added by the
 * module that transfers errors.
 */
export const ERROR_KINDS = {
  MiniVectorDBError,
  InvalidArgumentError,
  LimitExceededError,
  TimeoutError,
  DimensionMismatchError,
  OutOfMemoryError,
  SnapshotError,
  StorageError,
  EmbedderMismatchError,
  NotFoundError,
  ClosedError,
  LockedError,
} as const;

/** A class of the error catalogue. */
export type ErrorKind = { readonly prototype: MiniVectorDBError; readonly name: string };

/**
 * `e` as a typed error, for boundaries that promise no other (`save()`): a
 * {@link MiniVectorDBError} as is, a RangeError (a failed allocation of an
 * ArrayBuffer or string) as an {@link OutOfMemoryError}, anything else as
 * `'INTERNAL'`, each with `e` as its cause.
 * @internal
 */
export function asTypedError(e: unknown, doing: string): MiniVectorDBError {
  if (e instanceof MiniVectorDBError) return e;
  if (e instanceof RangeError) return new OutOfMemoryError(`${doing}: ${String(e)}`, { cause: e });
  return new MiniVectorDBError('INTERNAL', `${doing}: ${String(e)}`, { cause: e });
}

/** Names of the core's error codes (`mvdb::ErrorCode`, exported through Embind as `ErrorCode`). @internal */
export type CoreStatusName = 'kInvalidArgument' | 'kOutOfMemory' | 'kNotFound' | 'kSnapshotCorrupt' | 'kSnapshotVersion';

/**
 * Maps a core error to a typed error: `status` is the name of the negated
 * code `negatedCode` in the module's exported `ErrorCode` enum
 * (`js/src/wasm/constants.ts`), undefined for a code the enum does not hold.
 * @internal
 */
export function errorFromCore(status: CoreStatusName | undefined, negatedCode: number, message: string): MiniVectorDBError {
  switch (status) {
    case 'kInvalidArgument':
      return new InvalidArgumentError(message);
    case 'kOutOfMemory':
      return new OutOfMemoryError(message);
    case 'kNotFound':
      return new MiniVectorDBError('NOT_FOUND', message);
    case 'kSnapshotCorrupt':
      return new SnapshotError(message, 'SNAPSHOT_CORRUPT');
    case 'kSnapshotVersion':
      return new SnapshotError(message, 'SNAPSHOT_VERSION');
    default:
      return new MiniVectorDBError('INTERNAL', `internal error (core code ${negatedCode}): ${message}`);
  }
}
