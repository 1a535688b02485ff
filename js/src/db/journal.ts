/**
 * The write-ahead log of an open database and its durability policy.
 *
 * Each write call, once applied in memory, hands its {@link LogOp} to
 * {@link Journal.record}; {@link Journal.commit} then runs (still inside
 * the call, before its promise resolves):
 * - `'strict'`: the call's records are appended durably (fsync / IndexedDB
 *   `complete`) before the call resolves;
 * - `'relaxed'` (default): the records are appended durably by a group
 *   commit at most {@link GROUP_COMMIT_MS} ms later, together with every
 *   record of that window;
 * - `'manual'`: nothing is logged; only `save()` persists.
 *
 * Log I/O runs one operation at a time ({@link Journal.flush} chains on
 * the previous one). A checkpoint (`save()`, `close()`, or automatic when
 * {@link Journal.wantsCheckpoint}) writes a snapshot that records the
 * log position it covers, then truncates the log; see `lifecycle.ts`.
 * After a failed append the log may end in a torn tail that hides what
 * follows, so the next commit writes a checkpoint instead (which truncates it).
 * @internal
 */
import { StorageError } from '../errors.js';
import { concatBytes } from '../bytes.js';
import type { Logger } from '../logger.js';
import type { Durability } from '../option-types.js';
import type { WriteAheadLog } from '../storage/adapter.js';
import { frameRecord } from '../storage/wal/frame.js';
import { encodeRecord, type LogOp } from '../storage/wal/records.js';
import type { Crc32 } from '../wasm/crc32.js';

export type { Durability } from '../option-types.js';

/** Longest delay between a `'relaxed'` write's resolution and its durable append, in ms. */
export const GROUP_COMMIT_MS = 50;
/** An automatic checkpoint runs once the log holds at least this many bytes… */
export const CHECKPOINT_MIN_LOG_BYTES = 4 * 1024 * 1024;
/**
 * …and at least this fraction of the last checkpoint's size: a checkpoint's
 * amortised cost is then at most about 4 bytes written per byte logged.
 * Replay re-runs each logged insert through HNSW (about as long as the
 * insert took), so an open after a crash costs up to that many inserts
 * more (measured in bench/README.md).
 */
export const CHECKPOINT_LOG_RATIO = 1 / 4;

/**
 * An insert whose vectors exceed this many bytes is not logged: its call
 * writes a checkpoint instead (what the log would hold is then most of a
 * snapshot anyway), so logging never holds extra copies of a bulk load.
 */
export const MAX_LOGGED_VECTOR_BYTES = 16 * 1024 * 1024;

/** Which log records a checkpoint holds: those up to `seq`. */
export interface LogPosition {
  seq: number;
}

export interface JournalInit {
  log: WriteAheadLog | undefined;
  durability: Durability;
  crc: Crc32;
  logger: Logger;
  url: string;
  position: LogPosition;
  /** True when the storage holds no checkpoint of this database yet (a new one) or the log ends in a dropped tail. */
  needsCheckpoint: boolean;
  /** Bytes in the log now (what was read on open). */
  logBytes: number;
  /** Bytes of the checkpoint the database was opened from (0 for a new one). */
  checkpointBytes: number;
  /** False for a new database: its storage may hold another database's checkpoint and log. */
  hasCheckpoint: boolean;
}

export class Journal {
  readonly durability: Durability;
  readonly #log: WriteAheadLog | undefined;
  readonly #crc: Crc32;
  readonly #logger: Logger;
  readonly #url: string;
  #seq: number;
  #hasCheckpoint: boolean;
  #needsCheckpoint: boolean;
  #logBytes: number;
  #checkpointBytes: number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** The log operation in progress (operations never overlap). */
  #io: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The error of a background group commit, until flush() or close() reports it. */
  #failure: unknown;

  constructor(init: JournalInit) {
    this.durability = init.durability;
    this.#log = init.log;
    this.#crc = init.crc;
    this.#logger = init.logger;
    this.#url = init.url;
    this.#hasCheckpoint = init.hasCheckpoint;
    this.#seq = init.position.seq;
    this.#needsCheckpoint = init.needsCheckpoint;
    this.#logBytes = init.logBytes;
    this.#checkpointBytes = init.checkpointBytes;
  }

  /** True when writes are logged (a log exists and durability is not `'manual'`). */
  get active(): boolean {
    return this.#log !== undefined && this.durability !== 'manual';
  }

  /** The position of the last recorded write (a checkpoint taken now covers it). */
  get position(): LogPosition {
    return { seq: this.#seq };
  }

  /**
   * False until this database's first checkpoint at its storage: whatever
   * log is there belongs to another database, and is emptied before that
   * checkpoint is written (its sequence numbers mean nothing to this one).
   */
  get hasCheckpoint(): boolean {
    return this.#hasCheckpoint;
  }

  /** Empties the log (before the first checkpoint of a new database). */
  async truncateLog(): Promise<void> {
    await this.quiesce();
    await this.#log?.truncate();
    this.#logBytes = 0;
  }

  /** True when logged changes exist that no checkpoint holds (recorded since the last one, or replayed on open). */
  get dirty(): boolean {
    return this.active && (this.#sinceCheckpoint || this.#logBytes > 0);
  }
  #sinceCheckpoint = false;

  /**
   * True when a write of `vectorBytes` bytes of vectors should build a log
   * record; false when it needs none (no log, or the call checkpoints
   * instead: a checkpoint is due, or the vectors exceed {@link MAX_LOGGED_VECTOR_BYTES}).
   */
  wantsRecord(vectorBytes = 0): boolean {
    if (!this.active) return false;
    if (vectorBytes > MAX_LOGGED_VECTOR_BYTES) this.#needsCheckpoint = true;
    return !this.#needsCheckpoint;
  }

  /**
   * Frames `op()` as the next record (kept in memory until the next
   * append); when the call will checkpoint instead, only counts it.
   */
  record(op: () => LogOp): void {
    if (!this.active) return;
    this.#sinceCheckpoint = true;
    if (this.#needsCheckpoint) {
      ++this.#seq; // the checkpoint this call writes covers it
      return;
    }
    const framed = frameRecord(encodeRecord({ ...op(), seq: ++this.#seq }), this.#crc);
    this.#pending.push(framed);
    this.#pendingBytes += framed.byteLength;
  }

  /**
   * Makes the records of the call that just ran as durable as the mode says.
   * @param checkpoint - writes a checkpoint (needed first for a new database).
   * @throws StorageError when a strict append or the checkpoint fails (the write stays applied in memory).
   */
  async commit(checkpoint: () => Promise<void>): Promise<void> {
    if (!this.active || !this.#sinceCheckpoint) return;
    if (this.#needsCheckpoint) return checkpoint();
    if (this.#pendingBytes === 0) return;
    if (this.durability === 'strict') return this.flush();
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush(true).catch((e: unknown) => this.#logger.error(`group commit to the write-ahead log of ${this.#url} failed: ${String(e)}`));
    }, GROUP_COMMIT_MS);
    // A pending group commit must not keep a Node process alive (close() flushes it).
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /**
   * Appends every pending record durably.
   * @param background - a group commit's timer: its failure is also kept for the next flush() / close().
   * @throws StorageError when the append fails, or the error of an earlier background group commit (reported once).
   */
  flush(background = false): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const run = this.#io.then(async () => {
      if (this.#failure !== undefined) {
        const failure = this.#failure;
        this.#failure = undefined;
        throw failure;
      }
      if (this.#pendingBytes === 0 || this.#log === undefined) return;
      // Take the records now: calls that run while the append awaits frame
      // theirs into a fresh list, which the next flush appends.
      const bytes = concatBytes(this.#pending, this.#pendingBytes);
      this.#pending = [];
      this.#pendingBytes = 0;
      try {
        await this.#log.append(bytes, true);
      } catch (e) {
        // The log may now end in a torn tail: the next commit checkpoints (and truncates) instead.
        this.#needsCheckpoint = true;
        throw e instanceof StorageError ? e : new StorageError(`cannot append to the write-ahead log of ${this.#url}: ${String(e)}`, { cause: e });
      }
      this.#logBytes += bytes.byteLength;
    });
    // A background commit's failure is kept for the next flush() / close().
    this.#io = run.catch((e: unknown) => {
      if (background) this.#failure ??= e;
    });
    return run;
  }

  /** True when the log has grown past the automatic checkpoint threshold (see the constants). */
  wantsCheckpoint(): boolean {
    const bytes = this.#logBytes + this.#pendingBytes;
    return this.active && bytes >= CHECKPOINT_MIN_LOG_BYTES && bytes >= this.#checkpointBytes * CHECKPOINT_LOG_RATIO;
  }

  /** Before a checkpoint: stops the group-commit timer and waits for the log operation in progress. */
  async quiesce(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#io;
  }

  /**
   * After a checkpoint of {@link position} (`bytes` long) was written
   * durably: its records are no longer needed, pending or in the log.
   * A failed truncate is only logged (replay skips what the checkpoint covers).
   */
  async checkpointed(bytes: number): Promise<void> {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#needsCheckpoint = false;
    this.#hasCheckpoint = true;
    this.#sinceCheckpoint = false;
    this.#failure = undefined;
    this.#checkpointBytes = bytes;
    if (this.#log === undefined) return;
    try {
      await this.#log.truncate();
      this.#logBytes = 0;
    } catch (e) {
      this.#logger.warn(`cannot truncate the write-ahead log of ${this.#url} after a checkpoint (its records are covered): ${String(e)}`);
    }
  }

  /** Releases the log's handles (after the final flush / checkpoint). */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#io;
    await this.#log?.close?.();
  }
}
