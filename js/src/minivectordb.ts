/**
 * MiniVectorDB: string ids, metadata and persistence over the WebAssembly
 * HNSW core (Malkov & Yashunin 2018, arXiv:1603.09320).
 */
import { asTypedError, ClosedError, DimensionMismatchError, InvalidArgumentError, NotFoundError } from './errors.js';
import type { EmbedderConfig } from './embed/index.js';
import { FilterPlanner } from './filter/planner.js';
import { checkTextWeight, searchTexts, textSearchMode } from './lexical/search.js';
import { checkTextIndexOption, readTextIndexSettings, TextIndex } from './lexical/text-index.js';
import { gateLogger, type Logger } from './logger.js';
import { RecordTable } from './records.js';
import { readTextSettings, TextEmbedding, type TextSettings } from './text.js';
import { checkStorageUrl, listStorage, openStorage } from './storage/index.js';
import type {
  CreateInWorkerOptions,
  CreateOptions,
  Filter,
  InsertItem,
  InsertManyOptions,
  UpdateChanges,
  InsertManyResult,
  Metric,
  OpenInWorkerOptions,
  OpenOptions,
  SearchHit,
  SearchOptions,
  Stats,
  StoredRecord,
} from './types.js';
import { checkBoolean, checkInt, checkKnownKeys, checkObject, describe, readError, readOptions } from './check.js';
import { checkId, checkLogging, checkNewId, checkQuantization, checkWasmSource, cloneMetadata, copyMetadata, writeVector } from './validate.js';
import { CoreIndex, METRIC_NAMES, NO_LABEL, type LabelBitset } from './wasm/core-index.js';
import { heapBytes, searchScratchBytes } from './wasm/heap-size.js';
import { loadCore } from './wasm/load.js';
import { WorkerMiniVectorDB } from './worker/proxy.js';

const CREATE_KEYS = ['dim', 'metric', 'M', 'efConstruction', 'efSearch', 'seed', 'reuseDeleted', 'quantization', 'rerank', 'keepFloat', 'storage', 'autosave', 'embedder', 'storeText', 'textIndex', 'logger', 'logLevel', 'wasm'] as const;
const OPEN_KEYS = ['autosave', 'reuseDeleted', 'embedder', 'embedderMismatch', 'logger', 'logLevel', 'wasm'] as const;
const AUTOSAVE_KEYS = ['debounceMs'] as const;
/** Longest autosave delay accepted, in milliseconds (one hour). */
const MAX_DEBOUNCE_MS = 3_600_000;
const SEARCH_KEYS = ['k', 'efSearch', 'filter', 'exact', 'mode', 'textWeight'] as const;
const INSERT_MANY_KEYS = ['onProgress'] as const;
const ITEM_KEYS = ['id', 'vector', 'text', 'metadata'] as const;
const UPDATE_KEYS = ['vector', 'text', 'metadata'] as const;
/** Vectors handed to the core per call in insertMany (progress is reported per chunk). */
const INSERT_CHUNK = 1024;
/** Largest k or efSearch accepted (the core's limit). */
const MAX_K = 1 << 20;

let memoryCounter = 0;

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
export class MiniVectorDB {
  #core: CoreIndex | undefined;
  #records: RecordTable;
  /** Filter evaluation with lazy equality indexes; invalidated before inserts and upserts change #records. */
  #filters = new FilterPlanner();
  #storage: string;
  #logger: Logger;
  #metric: Metric;
  #queue: Promise<unknown> = Promise.resolve();
  #closing = false;
  /** Autosave delay in ms, or undefined when autosave is off. */
  #autosaveMs: number | undefined;
  #autosaveTimer: ReturnType<typeof setTimeout> | undefined;
  /** The text embedder, when the database has one. */
  #text: TextEmbedding | undefined;
  #storeText: boolean;
  /** The BM25 index of the stored texts, when the database has one. */
  #lexical: TextIndex | undefined;

  private constructor(init: {
    core: CoreIndex;
    records: RecordTable;
    storage: string;
    logger: Logger;
    autosaveMs: number | undefined;
    text: TextEmbedding | undefined;
    storeText: boolean;
    lexical: TextIndex | undefined;
  }) {
    const { core } = init;
    this.#core = core;
    this.#records = init.records;
    this.#storage = init.storage;
    this.#logger = init.logger;
    this.#autosaveMs = init.autosaveMs;
    this.#text = init.text;
    this.#storeText = init.storeText;
    this.#lexical = init.lexical;
    this.#metric = core.config().metric;
    finalizer.register(this, core, this);
  }

  /**
   * Creates an empty database.
   *
   * For vectors, give `dim`. For text, give `embedder` (or nothing at all:
   * `MiniVectorDB.create()` uses the built-in `wordnet-256` model, no
   * download); the index dimension is then the embedder's and the metric
   * defaults to `'cosine'`.
   * @param options - see {@link CreateOptions}.
   * @throws InvalidArgumentError on a bad or unknown option (every option is
   *   checked here, before anything loads: `logLevel`, `logger` shape, `wasm`, `autosave`…),
   *   or one that cannot be read (a throwing getter or Proxy trap).
   * @throws DimensionMismatchError when `dim` and the embedder's dimension differ.
   * @throws StorageError on an unsupported storage URL (`file://` needs an absolute path), or when the embedder's model cannot be loaded.
   */
  static async create(createOptions: CreateOptions = {}): Promise<MiniVectorDB> {
    const options = readOptions<CreateOptions>(createOptions, CREATE_KEYS, 'create options');
    const embedderOption = options.embedder ?? (options.dim === undefined ? true : undefined);
    const dimOption = options.dim === undefined ? undefined : checkInt(options.dim, 'dim', 1, 65536);
    const metric = options.metric ?? (embedderOption === undefined ? 'l2' : 'cosine');
    if (!METRIC_NAMES.includes(metric)) {
      throw new InvalidArgumentError(`metric must be 'l2', 'cosine' or 'ip', got ${describe(metric)}`);
    }
    const storeText = checkBoolean(options.storeText, 'storeText', false);
    const textIndex = checkTextIndexOption(options.textIndex, storeText);
    const reuseDeleted = checkBoolean(options.reuseDeleted, 'reuseDeleted', true);
    const params = {
      metric,
      M: checkInt(options.M ?? 16, 'M', 2, 1024),
      efConstruction: checkInt(options.efConstruction ?? 200, 'efConstruction', 1, MAX_K),
      efSearch: checkInt(options.efSearch ?? 64, 'efSearch', 1, MAX_K),
      seed: checkInt(options.seed ?? 1, 'seed', 0, 0xffffffff),
      ...checkQuantization(options),
    };
    const storage = checkStorageUrl(options.storage ?? `memory://db-${++memoryCounter}`);
    const autosaveMs = autosaveDelay(options.autosave);
    const logging = checkLogging(options.logger, options.logLevel, 'create options');
    const wasm = checkWasmSource(options.wasm, 'create options');
    const logger = gateLogger(logging.logger, logging.logLevel);
    const mod = await loadCore(wasm, logger);
    const text = embedderOption === undefined ? undefined : await TextEmbedding.create(embedderOption, logger);
    const dim = dimOption ?? text!.info.dim;
    if (text !== undefined && text.info.dim !== dim) {
      await text.dispose();
      throw new DimensionMismatchError(dim, text.info.dim, `embedder ${text.info.model}`);
    }
    const core = CoreIndex.create(mod, { dim, ...params });
    core.setReuseDeleted(reuseDeleted);
    logger.debug(`created ${metric} index, dim ${dim}, M ${params.M}, storage ${storage}`);
    const lexical = textIndex === undefined ? undefined : new TextIndex(textIndex);
    return new MiniVectorDB({ core, records: new RecordTable(), storage, logger, autosaveMs, text, storeText, lexical });
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
   */
  static async open(url: string, openOptions: OpenOptions = {}): Promise<MiniVectorDB> {
    const options = readOptions<OpenOptions>(openOptions, OPEN_KEYS, 'open options');
    if (typeof url !== 'string') throw new InvalidArgumentError(`url must be a string, got ${describe(url)}`);
    const logging = checkLogging(options.logger, options.logLevel, 'open options');
    const wasm = checkWasmSource(options.wasm, 'open options');
    const logger = gateLogger(logging.logger, logging.logLevel);
    const autosaveMs = autosaveDelay(options.autosave);
    const reuseDeleted = checkBoolean(options.reuseDeleted, 'reuseDeleted', true);
    const onMismatch = options.embedderMismatch ?? 'error';
    if (onMismatch !== 'error' && onMismatch !== 'warn') throw new InvalidArgumentError(`embedderMismatch must be 'error' or 'warn', got ${describe(onMismatch)}`);
    const bytes = await (await openStorage(url)).read();
    const mod = await loadCore(wasm, logger);
    const { index, user } = CoreIndex.load(mod, bytes);
    try {
      index.setReuseDeleted(reuseDeleted);
      const { table: records, settings } = RecordTable.decode(user, index.size, (label) => index.isDeleted(label));
      const saved = readTextSettings(settings);
      const override = options.embedder as EmbedderConfig | undefined;
      const text =
        saved.embedder !== undefined
          ? TextEmbedding.restore(saved.embedder, index.dim, logger, override, onMismatch)
          : override === undefined
            ? undefined
            : await TextEmbedding.create(override, logger);
      if (text !== undefined && text.info.dim !== index.dim) {
        await text.dispose();
        throw new DimensionMismatchError(index.dim, text.info.dim, `embedder ${text.info.model}`);
      }
      const textIndex = readTextIndexSettings(saved.textIndex, saved.storeText);
      const t0 = performance.now();
      const lexical = textIndex === undefined ? undefined : TextIndex.restore(textIndex, saved.textPostings, records, index.size);
      if (lexical !== undefined) logger.debug(`text index of ${lexical.size} records ready in ${(performance.now() - t0).toFixed(0)} ms`);
      logger.debug(`opened ${url}: ${records.size} records, ${bytes.byteLength} bytes`);
      return new MiniVectorDB({ core: index, records, storage: url, logger, autosaveMs, text, storeText: saved.storeText, lexical });
    } catch (e) {
      index.dispose();
      throw e;
    }
  }

  /**
   * Creates an empty database inside a module Web Worker (in Node, a
   * `worker_threads` worker), so embedding, inserting and searching never
   * block the calling thread. The returned {@link WorkerMiniVectorDB}'s
   * methods mirror this class's and all return Promises; typed errors arrive
   * with the same class and `code`. `close()` also terminates the worker.
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
  static createInWorker(options: CreateInWorkerOptions = {}): Promise<WorkerMiniVectorDB> {
    return WorkerMiniVectorDB.create(options);
  }

  /**
   * Opens a saved snapshot inside a worker; see {@link MiniVectorDB.createInWorker}
   * and {@link MiniVectorDB.open}. `idb://` snapshots saved on the page open in
   * the worker and vice versa (same origin, same IndexedDB).
   * @throws StorageError, SnapshotError — as {@link MiniVectorDB.open}.
   */
  static openInWorker(url: string, options: OpenInWorkerOptions = {}): Promise<WorkerMiniVectorDB> {
    return WorkerMiniVectorDB.open(url, options);
  }

  /** Number of live records. */
  get size(): number {
    this.#live('size');
    return this.#records.size;
  }
  /** Vector dimension. */
  get dim(): number {
    return this.#live('dim').dim;
  }
  /** Distance metric. */
  get metric(): Metric {
    this.#live('metric');
    return this.#metric;
  }

  /** Counters and configuration; see {@link Stats}. */
  stats(): Stats {
    const core = this.#live('stats');
    const c = core.config();
    return {
      count: this.#records.size,
      deleted: core.deletedCount,
      slots: core.size,
      deletedRatio: core.size === 0 ? 0 : core.deletedCount / core.size,
      dim: c.dim,
      metric: this.#metric,
      M: c.M,
      efConstruction: c.efConstruction,
      efSearch: c.efSearch,
      quantization: c.quantization,
      rerank: c.rerank,
      keepFloat: c.keepFloat,
      bytesPerVector: core.bytesPerVector(),
      clippedFraction: core.clippedFraction(),
      memoryBytes: core.memoryBytes(),
    };
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
   *   batch of texts, then `'insert'` after each chunk of vectors.
   * @returns how many ids were new and how many were replaced.
   * @throws DimensionMismatchError, InvalidArgumentError (also a vector whose squared norm is over
   *   FLT_MAX / 8: its distances would overflow float32), OutOfMemoryError, StorageError (embedder model) — the database is unchanged.
   */
  insertMany(items: readonly InsertItem[], options: InsertManyOptions = {}): Promise<InsertManyResult> {
    return this.#exclusive('insertMany', (core) => this.#insertMany(core, items, options));
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
    return this.#exclusive('update', async (core) => {
      checkId(id);
      const { vector, text, metadata } = readOptions<UpdateChanges>(changes, UPDATE_KEYS, 'changes');
      if (vector === undefined && text === undefined && metadata === undefined) {
        throw new InvalidArgumentError('changes needs at least one of vector, text, metadata');
      }
      const label = this.#records.labelOf(id);
      if (label === undefined) throw new NotFoundError(id);
      if (vector === undefined && text === undefined) {
        this.#records.setMetadata(label, cloneMetadata(metadata, 'changes.metadata'));
        this.#lexical?.set(label, this.#records.textOf(label), this.#records.metadataOf(label));
        this.#filters.invalidate();
        this.#changed();
        return;
      }
      // #insertMany clones (and checks) the metadata, the stored one included.
      const item: InsertItem = { id, metadata: metadata ?? this.#records.metadataOf(label) };
      if (vector !== undefined) item.vector = vector;
      if (text !== undefined) item.text = text;
      await this.#insertMany(core, [item], {});
    });
  }

  /** The body of {@link insertMany}, run inside {@link #exclusive}. */
  async #insertMany(core: CoreIndex, items: readonly InsertItem[], options: InsertManyOptions): Promise<InsertManyResult> {
    if (!Array.isArray(items)) throw new InvalidArgumentError(`items must be an array, got ${describe(items)}`);
    const { onProgress: callback } = readOptions<InsertManyOptions>(options, INSERT_MANY_KEYS, 'insertMany options');
    if (callback !== undefined && typeof callback !== 'function') {
      throw new InvalidArgumentError(`onProgress must be a function, got ${describe(callback)}`);
    }
    // Progress is for the caller's display: a callback that throws is
    // reported to the logger and never aborts the insert, here as in a
    // worker (where the callback runs on the page) and as for the embedder's.
    const onProgress =
      callback &&
      ((done: number, total: number, phase: 'embed' | 'insert'): void => {
        try {
          callback(done, total, phase);
        } catch (e) {
          this.#logger.warn(`onProgress threw (the insert goes on): ${String(e)}`);
        }
      });
    let n: number;
    try {
      n = items.length; // a Proxy's trap may throw
    } catch (e) {
      throw readError(e, 'items');
    }
    const dim = core.dim;
    const nonZero = this.#metric === 'cosine';
    // Each vector is checked now (into one row of scratch) and copied only
    // chunk by chunk below: no n·dim copy of the whole batch is held in JS.
    const row = new Float32Array(dim);
    const sources: unknown[] = new Array(n);
    const ids: string[] = new Array(n);
    const metas: ReturnType<typeof cloneMetadata>[] = new Array(n);
    const texts: (string | undefined)[] = new Array(n);
    const toEmbed: number[] = []; // items given as text only
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const what = `items[${i}]`;
      try {
        const item = readOptions<InsertItem>(items[i], ITEM_KEYS, what);
        const id = checkNewId(item.id, `${what}.id`);
        if (seen.has(id)) throw new InvalidArgumentError(`${what}.id ${JSON.stringify(id)} appears more than once in this call`);
        seen.add(id);
        ids[i] = id;
        const { vector, text } = item;
        if (text !== undefined && typeof text !== 'string') throw new InvalidArgumentError(`${what}.text must be a string, got ${describe(text)}`);
        texts[i] = text;
        if (vector !== undefined) {
          writeVector(vector, dim, row, 0, `${what}.vector`, nonZero);
          sources[i] = vector;
        } else if (text === undefined) {
          throw new InvalidArgumentError(`${what} needs a vector or a text`);
        } else if (this.#text === undefined) {
          throw new InvalidArgumentError(`${what} has a text but this database has no embedder: give a vector, or create it with { embedder }`);
        } else {
          toEmbed.push(i);
        }
        metas[i] = cloneMetadata(item.metadata, `${what}.metadata`);
      } catch (e) {
        throw readError(e, what); // a vector whose getter or Proxy trap throws
      }
    }
    if (toEmbed.length > 0) {
      const embedded = await this.#text!.embed(
        toEmbed.map((i) => texts[i]!),
        onProgress && ((done, total) => onProgress(done, total, 'embed')),
      );
      toEmbed.forEach((i, j) => {
        writeVector(embedded[j], dim, row, 0, `items[${i}].text (embedded)`, nonZero);
        sources[i] = embedded[j];
      });
    }

    // All items are valid: insert every vector (records are mapped only
    // once all chunks are in, so a failure leaves no visible trace). The
    // core may put them in reused tombstone slots. An upsert is a new
    // vector plus a tombstone on the old one, not an in-place update
    // (hnswlib's updatePoint): the old vector survives until every new one
    // is in, and its slot goes to the next insert.
    // Room for all of them first, in one allocation per core buffer.
    const labels = new Uint32Array(n);
    const chunk = new Float32Array(Math.min(INSERT_CHUNK, n) * dim);
    let done = 0;
    try {
      if (n > 0) core.reserveForAdd(n);
      while (done < n) {
        const m = Math.min(INSERT_CHUNK, n - done);
        // Checked above; checked again as copied, in case a caller changed an
        // array while the texts were being embedded (the catch undoes the chunks in).
        try {
          for (let j = 0; j < m; j++) writeVector(sources[done + j], dim, chunk, j * dim, `items[${done + j}].vector`, nonZero);
        } catch (e) {
          throw readError(e, 'items'); // a vector whose getter or Proxy trap throws
        }
        labels.set(core.add(chunk.subarray(0, m * dim), m), done);
        done += m;
        onProgress?.(done, n, 'insert');
      }
    } catch (e) {
      // A failed chunk undid itself in the core; earlier chunks are undone here.
      for (let i = 0; i < done; i++) core.markDeleted(labels[i]!);
      throw e;
    }
    let updated = 0;
    this.#filters.invalidate();
    for (let i = 0; i < n; i++) {
      const old = this.#records.labelOf(ids[i]!);
      if (old !== undefined) {
        core.markDeleted(old);
        this.#lexical?.remove(old);
        updated++;
      }
      this.#records.set(labels[i]!, ids[i]!, metas[i], this.#storeText ? texts[i] : undefined);
      this.#lexical?.set(labels[i]!, this.#records.textOf(labels[i]!), metas[i]);
    }
    this.#changed();
    return { inserted: n - updated, updated };
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
  search(query: string | Float32Array | ArrayLike<number>, options: SearchOptions = {}): Promise<SearchHit[]> {
    return this.#exclusive('search', async (core) => {
      const texts = typeof query === 'string' ? await this.#textModes(core, [query], options) : this.#vectorMode(options);
      if (texts !== undefined) return texts[0]!;
      const q = new Float32Array(core.dim);
      const [vector] = typeof query === 'string' ? await this.#embedQueries([query], options) : [query];
      try {
        writeVector(vector, core.dim, q, 0, 'query', this.#metric === 'cosine');
      } catch (e) {
        throw readError(e, 'query');
      }
      return this.#searchMany(core, q, 1, options)[0]!;
    });
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
  searchBatch(queries: readonly (string | Float32Array | ArrayLike<number>)[] | Float32Array, options: SearchOptions = {}): Promise<SearchHit[][]> {
    return this.#exclusive('searchBatch', async (core) => {
      if (Array.isArray(queries) && queries.some((q) => typeof q === 'string')) {
        if (!queries.every((q) => typeof q === 'string')) throw new InvalidArgumentError('queries must be all texts or all vectors');
        const texts = await this.#textModes(core, queries as string[], options);
        if (texts !== undefined) return texts;
        queries = await this.#embedQueries(queries as string[], options);
      } else {
        this.#vectorMode(options);
      }
      const dim = core.dim;
      const nonZero = this.#metric === 'cosine';
      let flat: Float32Array;
      let nq: number;
      try {
        if (queries instanceof Float32Array) {
          if (queries.length % dim !== 0) {
            throw new InvalidArgumentError(`a flat query batch must hold a multiple of dim ${dim} values, got ${queries.length}`);
          }
          nq = queries.length / dim;
          heapBytes(`a batch of ${nq} queries`, [nq, dim, 4]); // before the copy: the core could never take more
          flat = new Float32Array(queries.length);
          for (let i = 0; i < nq; i++) writeVector(queries.subarray(i * dim, (i + 1) * dim), dim, flat, i * dim, `queries[${i}]`, nonZero);
        } else if (Array.isArray(queries)) {
          nq = queries.length;
          heapBytes(`a batch of ${nq} queries`, [nq, dim, 4]);
          flat = new Float32Array(nq * dim);
          const list = queries as readonly unknown[];
          for (let i = 0; i < nq; i++) writeVector(list[i], dim, flat, i * dim, `queries[${i}]`, nonZero);
        } else {
          throw new InvalidArgumentError(`queries must be an array of vectors or a Float32Array, got ${describe(queries)}`);
        }
      } catch (e) {
        throw readError(e, 'queries');
      }
      if (nq === 0) {
        this.#searchParams(core, options);
        return [];
      }
      return this.#searchMany(core, flat, nq, options);
    });
  }

  /** The record with `id` (vector and metadata are copies), or undefined. */
  get(id: string): Promise<StoredRecord | undefined> {
    return this.#exclusive('get', (core) => {
      checkId(id);
      const label = this.#records.labelOf(id);
      if (label === undefined) return undefined;
      const text = this.#records.textOf(label);
      return { id, vector: core.vector(label), metadata: copyMetadata(this.#records.metadataOf(label)), ...(text === undefined ? {} : { text }) };
    });
  }

  /**
   * Deletes a record: its label becomes a tombstone that is never returned.
   * @returns true if the id existed.
   */
  delete(id: string): Promise<boolean> {
    return this.#exclusive('delete', (core) => this.#deleteIds(core, [checkId(id)]) === 1);
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
    return this.#exclusive('deleteMany', (core) => {
      if (!Array.isArray(ids)) throw new InvalidArgumentError(`ids must be an array of strings, got ${describe(ids)}`);
      for (let i = 0; i < ids.length; i++) checkId(ids[i], `ids[${i}]`);
      return this.#deleteIds(core, ids);
    });
  }

  /**
   * Deletes every live record whose metadata match `filter` (see {@link Filter};
   * `{}` matches, and so deletes, every record).
   * @returns the number of records deleted.
   * @throws InvalidArgumentError on a missing or malformed filter — nothing is deleted.
   */
  deleteByFilter(filter: Filter): Promise<number> {
    return this.#exclusive('deleteByFilter', (core) => {
      if (filter === undefined) throw new InvalidArgumentError('deleteByFilter needs a filter ({} deletes every record)');
      return this.#deleteIds(core, this.#matchingIds(filter));
    });
  }

  /**
   * Number of live records, or of those whose metadata match `filter`
   * (see {@link Filter}). Runs after every earlier call has finished.
   * @throws InvalidArgumentError on a malformed filter.
   */
  count(filter?: Filter): Promise<number> {
    return this.#exclusive('count', () => (filter === undefined ? this.#records.size : this.#filters.labels(filter, this.#records).length));
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
   * all again) while every other call waits; peak memory holds the old and
   * the new index together.
   * @returns the number of tombstones reclaimed.
   * @throws OutOfMemoryError — the database is unchanged.
   */
  compact(): Promise<number> {
    return this.#exclusive('compact', (core) => {
      const reclaimed = core.deletedCount;
      if (reclaimed === 0) return 0;
      const remap = core.compact();
      this.#filters.invalidate();
      this.#records.remap(remap, NO_LABEL, core.size);
      this.#lexical?.remap(remap, NO_LABEL);
      this.#changed();
      this.#logger.debug(`compacted: ${reclaimed} tombstones reclaimed, ${core.size} live records`);
      return reclaimed;
    });
  }

  /**
   * Writes a snapshot (config, vectors, graph, ids, metadata, tombstones) to
   * `url`, or to the database's storage URL. File saves are atomic: a
   * temporary file is written, fsynced and renamed over the target.
   * @throws InvalidArgumentError when `url` is not a string.
   * @throws StorageError — the previous snapshot is left intact.
   * @throws OutOfMemoryError when the snapshot cannot be allocated. No other error type escapes.
   */
  save(url?: string): Promise<void> {
    return this.#exclusive('save', (core) => {
      if (url !== undefined && typeof url !== 'string') throw new InvalidArgumentError(`url must be a string, got ${describe(url)}`);
      return this.#saveTo(core, url === undefined ? this.#storage : checkStorageUrl(url));
    });
  }

  /**
   * Waits for pending calls (and writes a pending autosave), then frees the
   * index. Idempotent; afterwards every call throws ClosedError.
   */
  async close(): Promise<void> {
    if (this.#closing) return this.#queue.then(() => undefined);
    this.#closing = true;
    const pendingAutosave = this.#autosaveTimer !== undefined;
    clearTimeout(this.#autosaveTimer);
    this.#autosaveTimer = undefined;
    await this.#queue.catch(() => undefined);
    if (pendingAutosave && this.#core !== undefined) {
      await this.#saveTo(this.#core, this.#storage).catch((e: unknown) => this.#logger.error(`autosave on close failed: ${String(e)}`));
    }
    finalizer.unregister(this);
    await this.#text?.dispose().catch((e: unknown) => this.#logger.warn(`disposing the embedder failed: ${String(e)}`));
    this.#core?.dispose();
    this.#core = undefined;
  }

  /** `await using db = await MiniVectorDB.create(…)` closes the database at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #live(method: string): CoreIndex {
    if (this.#closing || this.#core === undefined) throw new ClosedError(method);
    return this.#core;
  }

  /** Runs `fn` after every earlier call has finished (calls never interleave). */
  #exclusive<T>(method: string, fn: (core: CoreIndex) => T | Promise<T>): Promise<T> {
    let core: CoreIndex;
    try {
      core = this.#live(method);
    } catch (e) {
      return Promise.reject(e);
    }
    const run = this.#queue.then(() => fn(core));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Ids of the live records matching `filter`, in label order. */
  #matchingIds(filter: Filter): string[] {
    return this.#filters.labels(filter, this.#records).map((label) => this.#records.idOf(label)!);
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

  /** Checks the mode of a vector query (only `'vector'`); returns undefined so the vector path runs. */
  #vectorMode(options: SearchOptions): undefined {
    checkObject(options, 'search options');
    textSearchMode(options, false, this.#lexical !== undefined);
    return undefined;
  }

  /**
   * Text queries in `'text'` or `'hybrid'` mode (`lexical/search.ts`);
   * undefined when the mode is `'vector'` (the caller embeds and searches).
   */
  async #textModes(core: CoreIndex, texts: readonly string[], options: SearchOptions): Promise<SearchHit[][] | undefined> {
    checkObject(options, 'search options');
    const mode = textSearchMode(options, true, this.#lexical !== undefined, this.#text !== undefined);
    if (mode === 'vector') return undefined;
    const { k, ef, exact, allowed, textWeight } = this.#searchParams(core, options);
    const dim = core.dim;
    const nonZero = this.#metric === 'cosine';
    return searchTexts(
      {
        index: this.#lexical!,
        k,
        allowed: allowed?.words,
        matching: allowed?.count ?? this.#records.size,
        embed: async (list) =>
          (await this.#embedQueries(list, options)).map((v, i) => {
            const q = new Float32Array(dim);
            writeVector(v, dim, q, 0, `queries[${i}] (embedded)`, nonZero);
            return q;
          }),
        nearest: (queries, n) => {
          const flat = new Float32Array(queries.length * dim);
          queries.forEach((q, i) => flat.set(q, i * dim));
          return exact
            ? queries.map((q) => core.search(q, 1, n, ef, allowed, true)[0]!)
            : core.search(flat, queries.length, n, Math.max(ef, n), allowed, false);
        },
        distancesTo: (query, labels) => {
          const words = new Uint32Array(Math.max(1, Math.ceil(core.size / 32)));
          for (const label of labels) words[label >>> 5]! |= 1 << (label & 31);
          const hits = core.search(query, 1, labels.length, ef, { words, count: labels.length }, true)[0]!;
          return new Map(Array.from(hits.labels, (label, i) => [label, hits.distances[i]!]));
        },
        hit: (label, distance, score, ranks) => ({ ...this.#hit(label, distance, score), ranks }),
      },
      texts,
      mode,
      textWeight,
    );
  }

  /** Embeds text queries (validating the search options first, so a bad option fails before the model runs). */
  async #embedQueries(texts: readonly string[], options: SearchOptions): Promise<Float32Array[]> {
    checkObject(options, 'search options');
    checkKnownKeys(options, SEARCH_KEYS, 'search options');
    if (this.#text === undefined) {
      throw new InvalidArgumentError('text queries need an embedder: create the database with { embedder } (or open it with one)');
    }
    return this.#text.embed(texts);
  }

  /** Serialises and writes a snapshot to `target` (caller holds the queue). */
  async #saveTo(core: CoreIndex, target: string): Promise<void> {
    try {
      const adapter = await openStorage(target);
      const settings: TextSettings = {
        storeText: this.#storeText,
        ...(this.#text === undefined ? {} : { embedder: this.#text.info }),
        textIndex: this.#lexical?.settings ?? false,
        ...(this.#lexical === undefined ? {} : { textPostings: this.#lexical.stored() }),
      };
      const bytes = core.serialize(this.#records.encode(core.size, settings));
      await adapter.write(bytes);
      this.#logger.debug(`saved ${bytes.byteLength} bytes to ${target}`);
    } catch (e) {
      throw asTypedError(e, `cannot save to ${target}`); // e.g. the snapshot's copy out of wasm memory failing
    }
  }

  /** Records a change: with autosave on, (re)starts the debounce timer. */
  #changed(): void {
    if (this.#autosaveMs === undefined || this.#closing) return;
    clearTimeout(this.#autosaveTimer);
    this.#autosaveTimer = setTimeout(() => {
      this.#autosaveTimer = undefined;
      this.save().catch((e: unknown) => this.#logger.error(`autosave to ${this.#storage} failed: ${String(e)}`));
    }, this.#autosaveMs);
    // In Node, a pending autosave must not keep the process alive (close() flushes it).
    (this.#autosaveTimer as { unref?: () => void }).unref?.();
  }

  /** Tombstones the live records among `ids` (already validated); returns how many. */
  #deleteIds(core: CoreIndex, ids: readonly string[]): number {
    let deleted = 0;
    for (const id of ids) {
      const label = this.#records.labelOf(id);
      if (label === undefined) continue;
      core.markDeleted(label);
      this.#records.remove(id);
      this.#lexical?.remove(label);
      deleted++;
    }
    if (deleted > 0) this.#changed();
    return deleted;
  }

  #searchParams(core: CoreIndex, searchOptions: SearchOptions): { k: number; ef: number; exact: boolean; allowed: LabelBitset | undefined; textWeight: number } {
    const options = readOptions<SearchOptions>(searchOptions, SEARCH_KEYS, 'search options');
    const k = checkInt(options.k ?? 10, 'k', 1, Number.MAX_SAFE_INTEGER);
    const ef = checkInt(options.efSearch ?? core.config().efSearch, 'efSearch', 1, MAX_K);
    const exact = checkBoolean(options.exact, 'exact', false);
    const textWeight = checkTextWeight(options.textWeight);
    const allowed = options.filter === undefined ? undefined : this.#filters.bitset(options.filter, this.#records, core.size);
    return { k, ef, exact, allowed, textWeight };
  }

  #searchMany(core: CoreIndex, queries: Float32Array, nq: number, options: SearchOptions): SearchHit[][] {
    const { k, ef, exact, allowed } = this.#searchParams(core, options);
    const matching = allowed?.count ?? this.#records.size;
    if (matching === 0) return Array.from({ length: nq }, () => []);
    const kk = Math.min(k, matching); // a huge k returns every matching record
    // An exact batch runs query by query, but its answer is as large: same limit, so that `exact` never decides success.
    if (exact) searchScratchBytes(nq, core.dim, kk, allowed?.words.length ?? 0);
    const perQuery = exact
      ? Array.from({ length: nq }, (_, i) => core.search(queries.subarray(i * core.dim, (i + 1) * core.dim), 1, kk, ef, allowed, true)[0]!)
      : core.search(queries, nq, kk, Math.max(ef, kk), allowed, false);
    return perQuery.map((hits) => this.#toHits(hits.labels, hits.distances));
  }

  #toHits(labels: Uint32Array, distances: Float32Array): SearchHit[] {
    const out: SearchHit[] = new Array(labels.length);
    const l2 = this.#metric === 'l2';
    for (let i = 0; i < labels.length; i++) {
      const distance = distances[i]!;
      out[i] = this.#hit(labels[i]!, distance, l2 ? 0 - distance : 1 - distance); // 0 - d: never -0
    }
    return out;
  }

  /** The hit of a live label: id, the given distance and score, a copy of its metadata, its text when kept. */
  #hit(label: number, distance: number, score: number): SearchHit {
    const hit: SearchHit = { id: this.#records.idOf(label)!, distance, score, metadata: copyMetadata(this.#records.metadataOf(label)) };
    const text = this.#records.textOf(label);
    if (text !== undefined) hit.text = text;
    return hit;
  }
}

/** Checks the `autosave` option; returns the debounce delay in ms, or undefined when off. */
function autosaveDelay(autosave: unknown): number | undefined {
  if (autosave === undefined || autosave === false) return undefined;
  if (autosave === true) return 1000;
  const { debounceMs } = readOptions<{ debounceMs?: unknown }>(autosave, AUTOSAVE_KEYS, 'autosave');
  return debounceMs === undefined ? 1000 : checkInt(debounceMs, 'autosave.debounceMs', 0, MAX_DEBOUNCE_MS);
}
