/**
 * MiniVectorDB: string ids, metadata and persistence over the WebAssembly
 * HNSW core (Malkov & Yashunin 2018, arXiv:1603.09320).
 *
 * A thin class: it runs calls one at a time and composes the option reading
 * (`db/options.ts`), the write path (`db/write.ts`), the read path
 * (`db/read.ts`) and the lifecycle (`db/lifecycle.ts`). Its length is its
 * public documentation.
 */
import { describe, readOptions } from './check.js';
import { abortWhileQueued, queueSignal, throwIfAborted } from './db/abort.js';
import { guardProgress } from './db/progress.js';
import type { CompactOptions, CompactProgress, SaveOptions, SaveProgress } from './progress-types.js';
import { Autosave, createDb, disposeDb, openDb, saveTo, type OpenedDb } from './db/lifecycle.js';
import { checkWritable, lockedSave } from './db/locking.js';
import { canFollow, Follower } from './db/follow.js';
import { readAgain, retire } from './db/refresh.js';
import * as read from './db/read.js';
import { getMany, iterateRecords, listIds } from './db/iterate.js';
import { deserializeDb } from './db/deserialize.js';
import { serializeDb } from './db/snapshot.js';
import type { DbState } from './db/state.js';
import * as write from './db/write.js';
import { asTypedError, ClosedError, InvalidArgumentError } from './errors.js';
import type { GetManyOptions, IdsOptions, ListedRecord, RecordsOptions } from './iteration-types.js';
import type { CreateInWorkerOptions, CreateOptions, DeserializeOptions, OpenInWorkerOptions, OpenOptions } from './option-types.js';
import { checkStorageUrl, listStorage, openStorage } from './storage/index.js';
import type { Filter, InsertItem, InsertManyOptions, InsertManyResult, Metric, SearchHit, SearchOptions, Stats, StoredRecord, UpdateChanges } from './types.js';
import type { Query, VectorDatabase } from './vector-database.js';
import type { CoreIndex } from './wasm/core-index.js';
import type { WorkerMiniVectorDB } from './worker/proxy.js';
import { loadWorkerFactory } from './worker/factory-loader.js';

const SAVE_KEYS = ['onProgress'] as const;

/** Releases the native index when a database is garbage-collected without close(). */
const finalizer = new FinalizationRegistry<CoreIndex>((core) => core.dispose());

/**
 * A vector database: an HNSW index (plus exact search) in WebAssembly, with
 * string ids, metadata, filters and snapshots.
 *
 * Create with {@link MiniVectorDB.create} or {@link MiniVectorDB.open}; the
 * constructor is private. Methods are async and run one at a time in call
 * order. After {@link MiniVectorDB.close} every method and getter throws
 * {@link ClosedError}.
 *
 * @example
 * ```ts
 * const db = await MiniVectorDB.create({ dim: 3, metric: 'cosine' });
 * await db.insert({ id: 'a', vector: [1, 0, 0], metadata: { tag: 'x' } });
 * const hits = await db.search([0.9, 0.1, 0], { k: 5, filter: { tag: 'x' } });
 * ```
 */
export class MiniVectorDB implements VectorDatabase {
  /** Undefined once closed. */
  #db: DbState | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closing = false;
  /** The outcome of the first close() (later calls return it). */
  #closed: Promise<void> | undefined;
  #autosave: Autosave;
  #checkpointQueued = false;
  /** The options of `open()` (undefined for `create()` / `deserialize()`), read again by refresh(). */
  readonly #openOptions: OpenOptions | undefined;
  /** Listens for the writer's announcements when this read-only instance follows it. */
  #follower: Follower | undefined;

  private constructor(opened: OpenedDb, openOptions?: OpenOptions) {
    this.#autosave = new Autosave(opened.autosaveMs, () => this.save(), opened.logger, opened.storage);
    // A copy without what belonged to that one open (its signal, its progress callback): not kept alive, not reused.
    if (openOptions !== undefined) {
      const { signal: _signal, onProgress: _onProgress, ...kept } = openOptions;
      this.#openOptions = kept;
    }
    this.#install(opened);
    // open() checked `follow` (a boolean or undefined).
    if (opened.lock.readOnly && openOptions?.follow !== false && canFollow(opened.storage)) {
      this.#follower = new Follower(opened.storage, () => this.refresh(), opened.logger);
    }
  }

  /** Makes `opened` this instance's state (in one step: no call sees a mix of two states). */
  #install(opened: OpenedDb): void {
    const { journal } = opened;
    this.#db = {
      ...opened,
      changed: (op) => {
        journal.record(op);
        this.#autosave.changed();
      },
    };
    finalizer.unregister(this);
    finalizer.register(this, opened.core, this);
  }

  /**
   * Creates an empty database.
   *
   * For vectors, give `dim`. For text, give `embedder` (or nothing at all:
   * `MiniVectorDB.create()` uses the built-in `wordnet-256` model, no
   * download); the index dimension is then the embedder's and the metric
   * defaults to `'cosine'`.
   * @param options - see {@link CreateOptions}.
   * @throws InvalidArgumentError on a bad or unknown option (every option's
   *   type and shape is checked before anything loads: `logLevel`, `logger` shape, `wasm`, `autosave`…;
   *   the ranges of `dim`, `M`, `efConstruction`, `efSearch`, `rerank` by the core, once it
   *   is loaded and before any model loads, its message naming the field),
   *   or one that cannot be read (a throwing getter or Proxy trap).
   * @throws DimensionMismatchError when `dim` and the embedder's dimension differ.
   * @throws StorageError on an unsupported storage URL (`file://` needs an absolute path), or when the embedder's model cannot be loaded.
   * @throws LockedError when another instance (process, tab, worker) has `storage` open for writing and `lock` is `'error'` (the default).
   */
  static async create(createOptions: CreateOptions = {}): Promise<MiniVectorDB> {
    return new MiniVectorDB(await createDb(createOptions));
  }

  /**
   * Opens a snapshot saved by {@link MiniVectorDB.save}: configuration, ids,
   * metadata, vectors, graph and tombstones. Saves go back to `url`.
   *
   * A snapshot is data: it records which embedder built it, never where a
   * model, a cache or onnxruntime's code come from. Those come from
   * `options.embedder` or the library's defaults (the packaged `wordnet-256`;
   * a hub model id from `https://huggingface.co` into the default cache); a
   * model that was loaded from a folder or URL must be given again.
   * @throws InvalidArgumentError on a bad or unknown option (checked as by {@link MiniVectorDB.create}).
   * @throws StorageError when nothing can be read at `url`.
   * @throws SnapshotError when the bytes are corrupt, truncated or of an unsupported version
   *   (a wrong file is rejected from its header, before the rest is read),
   *   or a record is beyond the limits insert enforces (`MAX_METADATA_DEPTH`, `MAX_METADATA_BYTES`, `MAX_ID_LENGTH`).
   * @throws EmbedderMismatchError when an `Embedder` object in `options.embedder` is not the recorded one
   *   (for embedder options, the first text call throws it once the model has loaded).
   * @throws LockedError when another instance has `url` open for writing and `options.lock` is `'error'` (the default);
   *   with `lock: 'readonly'` it opens read-only instead (writes throw LockedError).
   */
  static async open(url: string, openOptions: OpenOptions = {}): Promise<MiniVectorDB> {
    return new MiniVectorDB(await openDb(url, openOptions), openOptions);
  }

  /**
   * A database from snapshot bytes, e.g. those of {@link MiniVectorDB.serialize}
   * kept in Cloudflare R2, S3, a KV store or any other store: the same as
   * saving them to a storage URL and {@link MiniVectorDB.open}ing it. The
   * bytes are copied (into the WebAssembly heap) and may be reused afterwards.
   * @param bytes - a snapshot (`Uint8Array`; any format version `open` reads).
   * @param options - those of {@link MiniVectorDB.open}, plus `storage`: where
   *   `save()` without a URL writes (default: a new `memory://` URL).
   * @throws InvalidArgumentError when `bytes` is not a `Uint8Array`, or on a bad option.
   * @throws SnapshotError as {@link MiniVectorDB.open} (corrupt, truncated, unsupported version, over 2 GiB).
   * @throws StorageError on an unsupported `storage` URL.
   * @throws OutOfMemoryError when the index does not fit the WebAssembly heap.
   * @example
   * ```ts
   * await bucket.put('notes.mvdb', await db.serialize());
   * const copy = await MiniVectorDB.deserialize(new Uint8Array(await (await bucket.get('notes.mvdb')).arrayBuffer()));
   * ```
   */
  static async deserialize(bytes: Uint8Array, options: DeserializeOptions = {}): Promise<MiniVectorDB> {
    return new MiniVectorDB(await deserializeDb(bytes, options));
  }

  /**
   * Creates an empty database inside a module Web Worker (in Node, a
   * `worker_threads` worker), so embedding, inserting and searching never
   * block the calling thread. The returned {@link WorkerMiniVectorDB}
   * implements the same {@link VectorDatabase} interface as this class
   * (`size` and `stats()` as of its last completed call); typed errors arrive
   * with the same class and `code`. `close()` also terminates the worker.
   * The same as `createInWorker` of the `minivectordb/worker` entry, the
   * recommended import: this one loads that module on first use (a dynamic
   * `import()`), so the main entry does not carry Comlink.
   * @param options - those of {@link MiniVectorDB.create} (structured-cloneable
   *   ones: no `logger` instance, no custom `Embedder` object), plus `worker`
   *   (see {@link WorkerOptions}).
   * @throws InvalidArgumentError on a bad option or one that cannot be sent to a worker; otherwise as {@link MiniVectorDB.create}.
   * @throws MiniVectorDBError (`'INTERNAL'`) when the worker cannot be started or dies.
   * @throws TimeoutError when the worker does not answer within `workerTimeoutMs` (default 30 s).
   * @example
   * ```ts
   * const db = await MiniVectorDB.createInWorker({ dim: 384, metric: 'cosine', storage: 'idb://notes' });
   * await db.insertMany(items, { onProgress: (done, total, phase) => bar.set(done / total) });
   * ```
   */
  static async createInWorker(options: CreateInWorkerOptions = {}): Promise<WorkerMiniVectorDB> {
    const { createInWorker } = await loadWorkerFactory();
    return createInWorker(options);
  }

  /**
   * Opens a saved snapshot inside a worker; see {@link MiniVectorDB.createInWorker}
   * and {@link MiniVectorDB.open}. `idb://` snapshots saved on the page open in
   * the worker and vice versa (same origin, same IndexedDB).
   * @throws StorageError, SnapshotError — as {@link MiniVectorDB.open}.
   */
  static async openInWorker(url: string, options: OpenInWorkerOptions = {}): Promise<WorkerMiniVectorDB> {
    const { openInWorker } = await loadWorkerFactory();
    return openInWorker(url, options);
  }

  /** Number of live records. */
  get size(): number {
    return this.#live('size').records.size;
  }
  /** Vector dimension. */
  get dim(): number {
    return this.#live('dim').core.dim;
  }
  /** Distance metric. */
  get metric(): Metric {
    return this.#live('metric').metric;
  }

  /** Counters and configuration, synchronously (as on a worker database); see {@link Stats}. */
  stats(): Stats {
    return read.stats(this.#live('stats'));
  }

  /**
   * Inserts one record; an existing id is replaced (upsert).
   * @throws DimensionMismatchError, InvalidArgumentError, OutOfMemoryError — the database is unchanged.
   */
  async insert(item: InsertItem): Promise<void> {
    await this.insertMany([item]);
  }

  /**
   * Inserts records in one all-or-nothing operation; existing ids are
   * replaced (vector and metadata). Each item has a `vector`, or a `text`
   * that the database's embedder turns into one (in batches). Every item is
   * checked before anything changes; the same id twice in one call is an
   * InvalidArgumentError.
   * @param options - `onProgress(done, total, phase)`: `'embed'` after each
   *   batch of texts, then `'insert'` after each chunk of vectors; `signal`:
   *   cancels the call (see {@link InsertManyOptions.signal}).
   * @returns how many ids were new and how many were replaced.
   * @throws DimensionMismatchError, InvalidArgumentError (also a vector whose squared norm is over
   *   FLT_MAX / 8: its distances would overflow float32), OutOfMemoryError, StorageError (embedder model) — the database is unchanged.
   * @throws `signal.reason` (by default a `DOMException` named `'AbortError'`) when `signal` aborts — the database is unchanged, nothing is logged.
   */
  insertMany(items: readonly InsertItem[], options: InsertManyOptions = {}): Promise<InsertManyResult> {
    return this.#write('insertMany', (db) => write.insertMany(db, items, options), queueSignal(options));
  }

  /**
   * Changes one existing record. Metadata alone is replaced in place (the
   * vector, its label and a stored text stay). A new `vector` or `text` is
   * inserted as an upsert (new slot, old one tombstoned), keeping the
   * record's metadata unless `metadata` is given too; a stored text is kept
   * only when neither a vector nor a text is given.
   * @param id - the record's id.
   * @param changes - at least one of `vector`, `text`, `metadata`.
   * @throws NotFoundError when `id` is not in the database; InvalidArgumentError,
   *   DimensionMismatchError, OutOfMemoryError as for {@link insert} — the database is unchanged.
   */
  update(id: string, changes: UpdateChanges): Promise<void> {
    return this.#write('update', (db) => write.update(db, id, changes));
  }

  /**
   * The k best records for `query`, best first.
   * @param query - `dim` finite numbers, or a text: embedded by the database's
   *   embedder (`'vector'` mode), looked up in the BM25 text index (`'text'`),
   *   or both, fused (`'hybrid'`, the default for texts when the database has a text index).
   * @param options - `k` (default 10), `efSearch` (default: the database's), `filter`, `exact`, `mode`, `textWeight`; see {@link SearchOptions}.
   * @returns in `'vector'` mode min(k, matching records) hits with `distance`
   *   (lower is closer) and `score` (higher is closer); in `'text'` mode the
   *   matching records holding a query term (at most k), `score` = BM25; in
   *   `'hybrid'` mode at most k, `score` = fusion score, `ranks` in each list.
   * @throws DimensionMismatchError; InvalidArgumentError (also for a value whose square would overflow: squared norm over FLT_MAX / 8, see the README's Limits).
   * @throws OutOfMemoryError when the results (min(k, matching)·8 bytes) exceed one wasm32 block.
   */
  search(query: Query, options: SearchOptions = {}): Promise<SearchHit[]> {
    return this.#exclusive('search', (db) => read.search(db, query, options), queueSignal(options));
  }

  /**
   * Many queries in one call into WebAssembly (amortises the crossing).
   * @param queries - an array of vectors or texts, or one Float32Array of n·dim values (row-major).
   * @param options - as {@link MiniVectorDB.search}, `mode` included (texts only for `'text'` and `'hybrid'`).
   * @returns one hit list per query, in order.
   * @throws DimensionMismatchError, InvalidArgumentError (as {@link search}).
   * @throws OutOfMemoryError when the call's WebAssembly scratch — n·dim·4 bytes of
   *   queries plus n·min(k, matching)·8 of results — exceeds one wasm32 block
   *   (just under 4 GiB): split the batch. Nothing is allocated; every database keeps working.
   */
  searchBatch(queries: readonly Query[] | Float32Array, options: SearchOptions = {}): Promise<SearchHit[][]> {
    return this.#exclusive('searchBatch', (db) => read.searchBatch(db, queries, options), queueSignal(options));
  }

  /** The record with `id` (vector and metadata are copies), or undefined. */
  get(id: string): Promise<StoredRecord | undefined> {
    return this.#exclusive('get', (db) => read.get(db, id));
  }

  /**
   * The live ids, or those whose metadata match `options.filter` (see {@link Filter}),
   * in internal order (insertion order until deletes, slot reuse, compaction or `reorder()`).
   * @throws InvalidArgumentError on a bad option or a malformed filter.
   */
  ids(options?: IdsOptions): Promise<string[]> {
    return this.#exclusive('ids', (db) => listIds(db, options));
  }

  /**
   * The records of `ids` (each as {@link get} returns it), in the order
   * given, `undefined` for an id that is absent; one call however many ids.
   * @param options - `vectors` (default true): false leaves `vector` out.
   * @throws InvalidArgumentError when `ids` is not an array of non-empty strings or an option is bad.
   */
  getMany(ids: readonly string[], options?: GetManyOptions & { vectors?: true }): Promise<(StoredRecord | undefined)[]>;
  getMany(ids: readonly string[], options?: GetManyOptions): Promise<(ListedRecord | undefined)[]>;
  getMany(ids: readonly string[], options?: GetManyOptions): Promise<(ListedRecord | undefined)[]> {
    return this.#exclusive('getMany', (db) => getMany(db, ids, options));
  }

  /**
   * Iterates over the records (those matching `options.filter`):
   * `for await (const r of db.records({ filter, batchSize: 256 }))`. The ids
   * are listed when the iteration starts ({@link ids}), then read
   * `batchSize` at a time ({@link getMany}), each batch one call in the
   * database's queue (other calls run in between). Weakly consistent: a
   * record deleted before its batch is read is skipped, one changed is
   * yielded as it then is, records inserted later are not yielded; every
   * other record is yielded exactly once.
   * @param options - `filter`, `batchSize` (integer in [1, 65536], default 256), `vectors` (default true).
   * @throws InvalidArgumentError on a bad option or a malformed filter (from the first step of the iteration).
   */
  records(options?: RecordsOptions & { vectors?: true }): AsyncIterableIterator<StoredRecord>;
  records(options?: RecordsOptions): AsyncIterableIterator<ListedRecord>;
  records(options?: RecordsOptions): AsyncIterableIterator<ListedRecord> {
    return iterateRecords(this, options);
  }

  /**
   * Deletes a record: its label becomes a tombstone that is never returned.
   * @returns true if the id existed.
   */
  delete(id: string): Promise<boolean> {
    return this.#write('delete', (db) => write.deleteOne(db, id));
  }

  /**
   * Deletes many records at once; each becomes a tombstone that is never returned.
   * Every id is checked before anything is deleted. Unknown (or already
   * deleted) ids are ignored, and an id listed twice is deleted once.
   * @param ids - non-empty strings.
   * @returns the number of records deleted.
   * @throws InvalidArgumentError when `ids` is not an array or an element is not a non-empty string — nothing is deleted.
   */
  deleteMany(ids: readonly string[]): Promise<number> {
    return this.#write('deleteMany', (db) => write.deleteMany(db, ids));
  }

  /**
   * Deletes every live record whose metadata match `filter` (see {@link Filter};
   * `{}` matches, and so deletes, every record).
   * @returns the number of records deleted.
   * @throws InvalidArgumentError on a missing or malformed filter — nothing is deleted.
   */
  deleteByFilter(filter: Filter): Promise<number> {
    return this.#write('deleteByFilter', (db) => write.deleteByFilter(db, filter));
  }

  /**
   * Number of live records, or of those whose metadata match `filter`
   * (see {@link Filter}). Runs after every earlier call has finished.
   * @throws InvalidArgumentError on a malformed filter.
   */
  count(filter?: Filter): Promise<number> {
    return this.#exclusive('count', (db) => read.count(db, filter));
  }

  /**
   * Reclaims the space of deleted and replaced records. Deletes and upserts
   * leave tombstones: their vectors and graph nodes stay in memory (counted by
   * `stats().deleted`) and keep routing searches, but are never returned.
   * With `reuseDeleted` (the default) the next inserts take their slots, so
   * compaction is only needed to shrink after deletes that no inserts follow.
   * `compact()` rebuilds the index from the live records only — same
   * configuration and seed, vectors re-inserted in their insertion order — so
   * the result equals a database into which just the live records had been
   * inserted. Ids, metadata, texts and search results stay the same; the
   * internal labels change (renumbered densely). A no-op without tombstones.
   *
   * Cost: one HNSW insert per live record (about as long as inserting them
   * all again) while every other call waits. It works in place (rows moved
   * down over the tombstones, the graph rebuilt in its own buffers), so it
   * needs only 4 bytes per record of extra WebAssembly memory and works at
   * the insert ceiling.
   * @param options - `signal` (cancels it while it waits or before the rebuild starts; see
   *   {@link CompactOptions.signal}), `onProgress` (records; see {@link CompactProgress}).
   * @returns the number of tombstones reclaimed.
   * @throws OutOfMemoryError — the database is unchanged.
   * @throws `signal.reason` (an `AbortError` `DOMException` by default) when aborted — the database is unchanged and usable.
   */
  compact(options: CompactOptions = {}): Promise<number> {
    return this.#write('compact', (db) => write.compact(db, options), queueSignal(options));
  }

  /**
   * Relabels the index's graph nodes so that nodes linked to each other sit
   * next to each other in memory (breadth-first order of the bottom layer's
   * links from the entry point; graph reordering as in Coleman et al.,
   * "Graph Reordering for Cache-Efficient Near Neighbor Search", NeurIPS
   * 2022). A search then loads its neighbours' vectors and links from fewer
   * distinct memory pages; it pays on indexes much larger than the CPU cache
   * (measured in bench/README.md, "Graph reordering"). Call it after a bulk
   * build; inserts after it get new labels at the end, as before.
   *
   * Ids, metadata, texts, search results (ids and scores, every mode and
   * filter) and `get()` stay the same, except the order of results with
   * exactly equal scores (ties are broken by internal label; with
   * `quantization: 'int8'` the walk's integer code distances tie more
   * often, so a near tie may then also pick another record); only internal
   * labels move, so the order of `ids()` / `records()` (internal order)
   * changes. Logged in the write-ahead log and replayed (the order depends
   * only on the graph).
   *
   * Cost: one pass over the graph's links plus every vector, code and link
   * block moved once, in place, no distance computed (100,000 records of
   * 100 dimensions: 0.12 s in the native core, 0.9 s here with the ids
   * renumbered, on a loaded machine; a small fraction of their build)
   * while every other call waits. Extra
   * WebAssembly memory: 4 bytes per record (the label map, reserved as the
   * index grows, as for `compact()`), one bit per record and one link block.
   * @throws LockedError when this database was opened read-only.
   * @throws OutOfMemoryError — the database is unchanged.
   */
  reorder(): Promise<void> {
    return this.#write('reorder', (db) => write.reorder(db));
  }

  /**
   * Writes a snapshot (config, vectors, graph, ids, metadata, tombstones) to
   * `url`, or to the database's storage URL. File saves are atomic: a
   * temporary file is written, fsynced and renamed over the target.
   * @param url - where to write (default: the database's storage URL).
   * @param options - `onProgress({ phase: 'write', done, total })` in bytes after each chunk (see {@link SaveProgress}).
   * @throws InvalidArgumentError when `url` is not a string, or on a bad option.
   * @throws StorageError — the previous snapshot is left intact.
   * @throws LockedError when this database was opened read-only (to its own URL), or another instance has `url` open for writing.
   * @throws OutOfMemoryError when the snapshot cannot be allocated. No other error type escapes.
   */
  save(url?: string, options: SaveOptions = {}): Promise<void> {
    return this.#exclusive('save', (db) => {
      if (url !== undefined && typeof url !== 'string') throw new InvalidArgumentError(`url must be a string, got ${describe(url)}`);
      const { onProgress } = readOptions<SaveOptions>(options, SAVE_KEYS, 'save options');
      const progress = guardProgress<[SaveProgress]>(onProgress, db.logger, 'save');
      const target = url === undefined ? db.storage : checkStorageUrl(url);
      return lockedSave(db, target, () => saveTo(db, target, progress));
    });
  }

  /**
   * The snapshot that {@link MiniVectorDB.save} would write, as one new
   * buffer (for R2, S3, KV or any store; read back with
   * {@link MiniVectorDB.deserialize}). The core streams it in 1 MiB chunks,
   * so the WebAssembly heap needs only the metadata's size beyond the index;
   * the returned buffer holds the whole snapshot (in JS memory, outside the heap).
   * @returns the snapshot bytes (format of `wasm/include/minivectordb/snapshot.hpp`).
   * @throws OutOfMemoryError when the metadata does not fit the heap or the buffer cannot be allocated.
   */
  serialize(): Promise<Uint8Array> {
    return this.#exclusive('serialize', (db) => serializeDb(db));
  }

  /**
   * Makes every write made so far durable: waits for the calls before it,
   * then appends the pending write-ahead log records and syncs them (with
   * `durability: 'relaxed'`, what the group commit would do within 50 ms).
   * With `'manual'` there is no log: a no-op (use {@link save}).
   * @throws StorageError when the append fails, or when an earlier
   *   background group commit failed (reported once).
   */
  flush(): Promise<void> {
    return this.#exclusive('flush', (db) => db.journal.flush());
  }

  /**
   * For an instance opened read-only (`lock: 'readonly'` while another
   * instance writes): reads its storage again — the last checkpoint, then
   * the write-ahead log after it, as `open()` does — and replaces its
   * in-memory state with the result in one step, after every call made
   * before it. It then sees every write the writer had made durable (for a
   * `'relaxed'` writer, up to 50 ms after the write resolved; `'manual'`: its
   * last `save()`). On `idb://` / `opfs://` this runs by itself when the
   * writer announces a change (see {@link OpenOptions.follow}). Costs what
   * an `open()` costs (peak memory: the old and the new index together).
   * A no-op on an instance that holds the write lock (its memory is the newest state).
   * @throws StorageError, SnapshotError, OutOfMemoryError — as {@link MiniVectorDB.open};
   *   the instance then keeps its previous state and stays usable.
   */
  refresh(): Promise<void> {
    return this.#exclusive('refresh', async (db) => {
      if (!db.lock.readOnly) return;
      const next = await readAgain(db, this.#openOptions);
      this.#install(next);
      await retire(db, next);
      db.logger.debug(`refreshed ${db.storage}: ${next.records.size} records`);
    });
  }

  /**
   * Waits for every call made before it (awaited or not), makes their
   * changes durable, then frees the index: with a write-ahead log, the log
   * is flushed and a checkpoint is written when it holds changes (then the
   * log is emptied); with `'manual'` durability, a pending autosave is
   * written. Idempotent (later calls return the first one's outcome);
   * afterwards every other call throws ClosedError.
   * @throws StorageError (or OutOfMemoryError) when that final flush and
   *   checkpoint fail; the database is closed all the same. Records that reached the log
   *   before the failure are replayed by the next open.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    const pendingAutosave = this.#autosave.stop();
    this.#follower?.close();
    await this.#queue.catch(() => undefined);
    const db = this.#db;
    if (db === undefined) return;
    const { journal } = db;
    let failure: unknown;
    if (journal.active) {
      try {
        await journal.flush();
      } catch (e) {
        failure = e; // a checkpoint below still makes everything durable
      }
      if (journal.dirty || failure !== undefined || pendingAutosave || this.#autosave.changedAfterStop) {
        try {
          await lockedSave(db, db.storage, () => saveTo(db, db.storage));
          failure = undefined;
        } catch (e) {
          failure ??= e;
        }
      }
    } else if (pendingAutosave || this.#autosave.changedAfterStop) {
      await lockedSave(db, db.storage, () => saveTo(db, db.storage)).catch((e: unknown) => (failure = e));
    }
    await journal.close().catch((e: unknown) => db.logger.warn(`closing the write-ahead log of ${db.storage} failed: ${String(e)}`));
    finalizer.unregister(this);
    this.#db = undefined;
    await disposeDb(db);
    if (failure !== undefined) throw asTypedError(failure, `cannot persist ${db.storage} on close`);
  }

  /** `await using db = await MiniVectorDB.create(…)` closes the database at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * URLs of the snapshots saved under `prefix`: `'memory://'` (this process),
   * `'idb://'` (IndexedDB), or a folder `'file:///abs/dir/'` (its `*.mvdb` files).
   * @throws StorageError for another prefix or an unreadable folder.
   */
  static listSaved(prefix: string): Promise<string[]> {
    if (typeof prefix !== 'string') return Promise.reject(new InvalidArgumentError(`prefix must be a string, got ${describe(prefix)}`));
    return listStorage(prefix);
  }

  /**
   * Deletes the snapshot saved at `url` (a database open on it keeps working in memory).
   * @returns true if a snapshot was there.
   * @throws StorageError on an unsupported URL or a failed delete.
   */
  static async removeSaved(url: string): Promise<boolean> {
    if (typeof url !== 'string') throw new InvalidArgumentError(`url must be a string, got ${describe(url)}`);
    return (await openStorage(url)).remove();
  }

  #live(method: string): DbState {
    if (this.#closing || this.#db === undefined) throw new ClosedError(method);
    return this.#db;
  }

  /**
   * Runs a write as {@link #exclusive}, then makes it as durable as the
   * database's `durability` says before its promise resolves, and queues an
   * automatic checkpoint when the log has grown past its threshold.
   */
  #write<T>(method: string, fn: (db: DbState) => T | Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#exclusive(method, async (db) => {
      const out = await fn(db);
      await db.journal.commit(() => saveTo(db, db.storage));
      if (!this.#closing && !this.#checkpointQueued && db.journal.wantsCheckpoint()) {
        this.#checkpointQueued = true;
        this.#exclusive('checkpoint', (d) => {
          this.#checkpointQueued = false;
          return d.journal.wantsCheckpoint() ? saveTo(d, d.storage) : undefined;
        }).catch((e: unknown) => db.logger.error(`automatic checkpoint of ${db.storage} failed: ${String(e)}`));
      }
      return out;
    }, signal);
  }

  /**
   * Runs `fn` after every earlier call has finished (calls never interleave).
   * With `signal`: an aborted one rejects at once, and one that aborts while
   * the call waits rejects then (`fn` never runs).
   */
  #exclusive<T>(method: string, fn: (db: DbState) => T | Promise<T>, signal?: AbortSignal): Promise<T> {
    let db: DbState;
    try {
      db = this.#live(method);
      checkWritable(db, method);
      throwIfAborted(signal);
    } catch (e) {
      return Promise.reject(e);
    }
    let started = false;
    const run = this.#queue.then(() => {
      started = true;
      throwIfAborted(signal);
      // The state now, not when the call was made: a refresh() before it may have replaced it.
      return fn(this.#db ?? db);
    });
    this.#queue = run.catch(() => undefined);
    return abortWhileQueued(run, signal, () => started);
  }
}
