/**
 * A database's life: building it (`create`), reading it back (`open`),
 * writing snapshots (`save`, autosave) and freeing it (`close`).
 * @internal
 */
import type { EmbedderConfig } from '../embed/index.js';
import { describe } from '../check.js';
import { asTypedError, DimensionMismatchError, InvalidArgumentError } from '../errors.js';
import { FilterPlanner } from '../filter/planner.js';
import { readTextIndexSettings, TextIndex } from '../lexical/text-index.js';
import type { Logger } from '../logger.js';
import { RecordTable } from '../records.js';
import { openStorage } from '../storage/index.js';
import { bytesSource, openSnapshotSource } from '../storage/snapshot-source.js';
import { readTextSettings, TextEmbedding } from '../text.js';
import type { Metric } from '../types.js';
import { CoreIndex, type CoreConfig } from '../wasm/core-index.js';
import { loadCore } from '../wasm/load.js';
import { loadCoreFor } from '../wasm/load-threads.js';
import type { WriteAheadLog } from '../storage/adapter.js';
import { readLog, warnTail } from '../storage/wal/reader.js';
import { coreCrc32, type Crc32 } from '../wasm/crc32.js';
import { Journal, type Durability, type LogPosition } from './journal.js';
import type { DbLock } from '../storage/lock/index.js';
import { underLock } from './locking.js';
import { readCreateOptions, readOpenOptions, type CreateSettings, type IndexSettings, type OpenSettings } from './options.js';
import { replayRecords } from './replay.js';
import { announcingLog } from './follow.js';
import { snapshotOf } from './snapshot.js';
import { nextTask, throwIfAborted } from './abort.js';
import type { SaveProgress } from '../progress-types.js';
import type { DbState } from './state.js';

/** An opened database before its owner gives it a `changed` hook. */
export type OpenedDb = Omit<DbState, 'changed'>;

/** Where a checkpoint records the log position it covers (`settings.log` of the record table; absent in older snapshots). */
function readLogPosition(settings: unknown): LogPosition {
  const seq = (settings as { log?: { seq?: unknown } } | null | undefined)?.log?.seq;
  // An older snapshot has none: 0, and its log records (written since by this version) start at 1.
  return { seq: typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : 0 };
}

type CoreModule = Awaited<ReturnType<typeof loadCore>>;

/** Log records replayed between two `'replay'` progress events of `open()`. */
const REPLAY_PROGRESS_EVERY = 256;
/** Log records replayed between two task boundaries when `open()` has a signal. */
const REPLAY_YIELD_EVERY = 64;

/** The core index of the settings (CoreIndex.create checks every range). */
function coreIndex(mod: CoreModule, s: IndexSettings, dim: number): CoreIndex {
  const config: CoreConfig = { ...s, dim };
  return CoreIndex.create(mod, config);
}

/** Builds an empty database from the options of `create()`; see `MiniVectorDB.create`. */
export async function createDb(createOptions: unknown): Promise<OpenedDb> {
  const o = readCreateOptions(createOptions);
  return underLock(o.storage, o.lock, o.logger, () => buildDb(o));
}

/** The empty database of checked options (the caller holds its storage lock). */
async function buildDb(o: CreateSettings): Promise<Omit<OpenedDb, 'lock'>> {
  const { logger } = o;
  const { mod, threads } = await loadCoreFor(o.wasm, logger, o.threads);
  // The core checks the configuration before a model loads: at once when the
  // dimension is known, else on a one-dimensional probe (the embedder gives dim).
  let core = o.index.dim === undefined ? undefined : coreIndex(mod, o.index, o.index.dim);
  if (core === undefined) coreIndex(mod, o.index, 1).dispose();
  let text: TextEmbedding | undefined;
  try {
    text = o.embedder === undefined ? undefined : await TextEmbedding.create(o.embedder, logger);
    const dim = o.index.dim ?? text!.info.dim;
    if (text !== undefined && text.info.dim !== dim) throw new DimensionMismatchError(dim, text.info.dim, `embedder ${text.info.model}`);
    core ??= coreIndex(mod, o.index, dim);
    core.setReuseDeleted(o.reuseDeleted);
    core.setBuildThreads(threads);
  } catch (e) {
    core?.dispose();
    await text?.dispose();
    throw e;
  }
  logger.debug(`created ${o.index.metric} index, dim ${core.dim}, M ${o.index.M}, storage ${o.storage}`);
  const journal: Journal = new Journal({
    // Readers in other tabs learn of each durable append and checkpoint (follow.ts).
    log: announcingLog((await openStorage(o.storage)).log, o.storage, (): number => journal.position.seq, logger),
    durability: o.durability ?? (o.storageGiven ? 'relaxed' : 'manual'),
    crc: coreCrc32(mod),
    logger,
    url: o.storage,
    position: { seq: 0 },
    needsCheckpoint: true, // the first logged write writes the first checkpoint
    hasCheckpoint: false,
    logBytes: 0,
    checkpointBytes: 0,
  });
  return {
    journal,
    core,
    records: new RecordTable(),
    filters: new FilterPlanner(),
    logger,
    metric: o.index.metric,
    storage: o.storage,
    text,
    storeText: o.storeText,
    lexical: o.textIndex === undefined ? undefined : new TextIndex(o.textIndex),
    autosaveMs: o.autosaveMs,
  };
}

/** Reads the snapshot at `url` (or takes its `given` bytes, already checked); see `MiniVectorDB.open`. */
export async function openDb(url: string, openOptions: unknown, given?: Uint8Array): Promise<OpenedDb> {
  const o = readOpenOptions(openOptions);
  if (typeof url !== 'string') throw new InvalidArgumentError(`url must be a string, got ${describe(url)}`);
  throwIfAborted(o.signal);
  // An abort below throws inside readDb: underLock releases the lock, readDb frees what it built.
  return underLock(url, o.lock, o.logger, (lock) => readDb(url, o, lock, given));
}

/**
 * The database stored at `url` (the caller holds its lock, or has opened it
 * read-only: then its log is replayed but never written, truncated or
 * checkpointed — that is the writer's).
 */
async function readDb(url: string, o: OpenSettings, lock: DbLock, given: Uint8Array | undefined): Promise<Omit<OpenedDb, 'lock'>> {
  const { logger, signal } = o;
  throwIfAborted(signal); // the lock may have taken a while
  const adapter = await openStorage(url, logger);
  // Streamed into the heap piece by piece: JS never holds the whole checkpoint (snapshot-source.ts).
  const source = given === undefined ? await openSnapshotSource(adapter) : bytesSource(given);
  const { mod, threads } = await loadCoreFor(o.wasm, logger, o.threads)
    .then((loaded) => {
      throwIfAborted(signal); // last moment before the index is built in the heap
      return loaded;
    })
    .catch(async (e: unknown) => {
      await source.close();
      throw e;
    });
  const { index, user } = await CoreIndex.loadFrom(mod, source).finally(() => source.close());
  o.onProgress?.({ phase: 'read', done: source.byteLength, total: source.byteLength });
  let text: TextEmbedding | undefined;
  try {
    index.setReuseDeleted(o.reuseDeleted);
    index.setBuildThreads(threads);
    const { table: records, settings } = RecordTable.decode(user, index.size, (label) => index.isDeleted(label));
    const saved = readTextSettings(settings);
    const override = o.embedder as EmbedderConfig | undefined;
    text =
      saved.embedder !== undefined
        ? TextEmbedding.restore(saved.embedder, index.dim, logger, override, o.embedderMismatch)
        : override === undefined
          ? undefined
          : await TextEmbedding.create(override, logger);
    if (text !== undefined && text.info.dim !== index.dim) throw new DimensionMismatchError(index.dim, text.info.dim, `embedder ${text.info.model}`);
    throwIfAborted(signal);
    const textIndex = readTextIndexSettings(saved.textIndex, saved.storeText);
    const t0 = performance.now();
    const lexical = textIndex === undefined ? undefined : TextIndex.restore(textIndex, saved.textPostings, records, index.size);
    if (lexical !== undefined) logger.debug(`text index of ${lexical.size} records ready in ${(performance.now() - t0).toFixed(0)} ms`);
    const opened: OpenedDb = {
      core: index,
      records,
      filters: new FilterPlanner(),
      logger,
      metric: index.config().metric,
      storage: url,
      text,
      storeText: saved.storeText,
      lexical,
      autosaveMs: o.autosaveMs,
      lock,
      journal: new Journal({ log: undefined, durability: 'manual', crc: coreCrc32(mod), logger, url, position: { seq: 0 }, needsCheckpoint: false, logBytes: 0, checkpointBytes: 0, hasCheckpoint: true }),
    };
    const durability = lock.readOnly ? 'manual' : (o.durability ?? 'relaxed');
    // A writer announces its durable appends and checkpoints to readers in other tabs (follow.ts).
    let journal: Journal | undefined;
    const log = lock.readOnly ? adapter.log : announcingLog(adapter.log, url, () => journal?.position.seq ?? 0, logger);
    // Bytes given by the caller (deserialize) are not `url`'s checkpoint: a log
    // there belongs to another database, so it is not replayed, and the first
    // checkpoint empties it (as a new database's does).
    journal =
      given === undefined
        ? await replayLog(opened, log, readLogPosition(settings), durability, source.byteLength, coreCrc32(mod), o)
        : new Journal({ log, durability, crc: coreCrc32(mod), logger, url, position: readLogPosition(settings), needsCheckpoint: true, hasCheckpoint: false, logBytes: 0, checkpointBytes: 0 });
    logger.debug(`opened ${url}: ${records.size} records, ${source.byteLength} bytes`);
    return { ...opened, journal };
  } catch (e) {
    await text?.dispose();
    index.dispose();
    throw e;
  }
}

/**
 * The database at `db.storage` read again, for `refresh()` of a read-only
 * instance: its checkpoint loaded and its log replayed into a new state,
 * under the same (not held) lock. `db` is untouched: on failure it stays usable.
 */
export async function reopenDb(db: DbState, o: OpenSettings): Promise<OpenedDb> {
  return { ...(await readDb(db.storage, o, db.lock, undefined)), lock: db.lock };
}

/**
 * Replays the log records after the checkpoint `from` into `db` (loaded from
 * that checkpoint); returns the database's journal, positioned after them.
 * A torn or corrupt tail, or a record the write path refuses, ends the
 * replay with a warning (see `storage/wal/reader.ts`); the next logged write
 * then checkpoints, which truncates the log past it.
 */
async function replayLog(
  db: OpenedDb,
  log: WriteAheadLog | undefined,
  from: LogPosition,
  durability: Durability,
  checkpointBytes: number,
  crc: Crc32,
  { signal, onProgress }: Pick<OpenSettings, 'signal' | 'onProgress'>,
): Promise<Journal> {
  const { logger, storage: url } = db;
  const bytes = log === undefined ? new Uint8Array(0) : await log.read();
  throwIfAborted(signal);
  const { records, offsets, tail } = readLog(bytes, crc, from.seq, logger, url);
  const replaying: DbState = { ...db, changed: () => undefined };
  const t0 = performance.now();
  let yielded = 0;
  let reported = 0;
  const { applied, error, grouped } = await replayRecords(replaying, records, async (i) => {
    // An abort is not an unreplayable record (thrown here, outside the record's try); the caller frees the index.
    // With a signal, a task boundary now and then lets an abort (a worker's abort message) arrive.
    if (signal !== undefined && i - yielded >= REPLAY_YIELD_EVERY) {
      yielded = i;
      await nextTask();
    }
    throwIfAborted(signal);
    if (i - reported >= REPLAY_PROGRESS_EVERY) {
      reported = i;
      onProgress?.({ phase: 'replay', done: i, total: records.length });
    }
  });
  const failed = applied < records.length;
  if (failed) {
    warnTail(logger, url, { offset: offsets[applied]!, droppedBytes: bytes.byteLength - offsets[applied]!, reason: 'unreplayable record' }, applied, `: ${String(error)}`);
  }
  const seq = applied > 0 ? records[applied - 1]!.seq : from.seq;
  throwIfAborted(signal);
  if (records.length > 0) {
    onProgress?.({ phase: 'replay', done: applied, total: records.length });
    logger.debug(`replayed ${applied} log records of ${url} in ${(performance.now() - t0).toFixed(0)} ms (${grouped.records} of them grouped into ${grouped.adds} core adds)`);
  }
  return new Journal({
    log,
    durability,
    crc,
    logger,
    url,
    position: { seq },
    needsCheckpoint: tail !== undefined || failed,
    logBytes: bytes.byteLength,
    checkpointBytes,
    hasCheckpoint: true,
  });
}

/**
 * Serialises and writes a snapshot to `target` (the caller holds the call
 * queue). The snapshot records the log position it covers; to the
 * database's own storage it is a checkpoint: the log is truncated after it.
 */
export async function saveTo(db: DbState, target: string, onProgress?: (event: SaveProgress) => void): Promise<void> {
  try {
    const own = target === db.storage;
    if (own) await db.journal.quiesce();
    const adapter = await openStorage(target, db.logger);
    // A snapshot that replaces another database's (save(url) elsewhere, or
    // a new database's first checkpoint) empties that database's log first:
    // its sequence numbers would otherwise replay over this snapshot.
    if (!own) await adapter.log.truncate();
    else if (!db.journal.hasCheckpoint) await db.journal.truncateLog();
    const snapshot = snapshotOf(db);
    const chunks = onProgress === undefined ? snapshot.chunks : counted(snapshot.chunks, snapshot.byteLength, onProgress);
    await adapter.write(chunks, snapshot.byteLength).finally(snapshot.close);
    if (own) await db.journal.checkpointed(snapshot.byteLength);
    db.logger.debug(`saved ${snapshot.byteLength} bytes to ${target}`);
  } catch (e) {
    throw asTypedError(e, `cannot save to ${target}`); // e.g. the snapshot's copy out of wasm memory failing
  }
}

/**
 * `chunks`, reporting the bytes handed on after each one (when the storage
 * asks for the next, or ends): `{ phase: 'write', done, total }`.
 */
function* counted(chunks: Iterable<Uint8Array>, total: number, onProgress: (event: SaveProgress) => void): Generator<Uint8Array> {
  let done = 0;
  for (const chunk of chunks) {
    yield chunk;
    done += chunk.byteLength;
    onProgress({ phase: 'write', done, total });
  }
}

/** Frees what a database holds besides its queue: the embedder, then the index. */
export async function disposeDb(db: DbState): Promise<void> {
  await db.text?.dispose().catch((e: unknown) => db.logger.warn(`disposing the embedder failed: ${String(e)}`));
  db.core.dispose();
  await db.lock.release(); // last: the final save or flush ran under it
}

/**
 * Saving after changes, debounced: every change (re)starts the timer; when
 * it fires, `save` runs (queued behind the calls in progress). Failures go
 * to the logger at level error.
 */
export class Autosave {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #changedAfterStop = false;

  constructor(
    private readonly delayMs: number | undefined,
    private readonly save: () => Promise<void>,
    private readonly logger: Logger,
    private readonly storage: string,
  ) {}

  /** Records a change: with autosave on, (re)starts the debounce timer. */
  changed(): void {
    if (this.delayMs === undefined) return;
    // A call queued before close() changes the database after stop(): close() still saves it.
    if (this.#stopped) {
      this.#changedAfterStop = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.save().catch((e: unknown) => this.logger.error(`autosave to ${this.storage} failed: ${String(e)}`));
    }, this.delayMs);
    // In Node, a pending autosave must not keep the process alive (close() flushes it).
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** True when autosave is on and changes made after {@link stop} wait for a save. */
  get changedAfterStop(): boolean {
    return this.#changedAfterStop;
  }

  /** Stops the timer for good. @returns whether a save was pending (close() then writes it). */
  stop(): boolean {
    this.#stopped = true;
    const pending = this.#timer !== undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return pending;
  }
}
