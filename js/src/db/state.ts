/**
 * What an open database holds, shared by its write path, read path and
 * lifecycle (`write.ts`, `read.ts`, `lifecycle.ts`); the class
 * `MiniVectorDB` owns one and runs its calls one at a time.
 * @internal
 */
import type { LogOp } from '../storage/wal/records.js';
import type { Journal } from './journal.js';
import type { FilterPlanner } from '../filter/planner.js';
import type { TextIndex } from '../lexical/text-index.js';
import type { Logger } from '../logger.js';
import type { RecordTable } from '../records.js';
import type { DbLock } from '../storage/lock/index.js';
import type { TextEmbedding } from '../text.js';
import type { Metric } from '../types.js';
import type { CoreIndex } from '../wasm/core-index.js';

export interface DbState {
  readonly core: CoreIndex;
  readonly records: RecordTable;
  /** Filter evaluation with lazy equality indexes; invalidated before writes change `records`. */
  readonly filters: FilterPlanner;
  readonly logger: Logger;
  readonly metric: Metric;
  /** Where `save()` writes by default. */
  readonly storage: string;
  /** The text embedder, when the database has one. */
  readonly text: TextEmbedding | undefined;
  readonly storeText: boolean;
  /** The BM25 index of the stored texts, when the database has one. */
  readonly lexical: TextIndex | undefined;
  /** Autosave delay in ms, or undefined when autosave is off. */
  readonly autosaveMs: number | undefined;
  /** The write lock of `storage` (read-only when another instance holds it); released by close(). */
  readonly lock: DbLock;
  /** The write-ahead log and durability mode (see `journal.ts`). */
  readonly journal: Journal;
  /**
   * Called after every change, once applied in memory: `op` describes it
   * for the write-ahead log (called only when a record is wanted).
   */
  changed(op: () => LogOp): void;
}
