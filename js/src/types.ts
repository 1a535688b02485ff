/**
 * Public types of MiniVectorDB.
 *
 * Units used throughout:
 * - `distance` is lower-is-closer: `l2` squared Euclidean distance;
 *   `cosine` 1 − cosine similarity (vectors are unit-normalised on insert);
 *   `ip` 1 − dot product.
 * - `score` is higher-is-closer: `cosine` cosine similarity (in [−1, 1]);
 *   `ip` dot product; `l2` −distance.
 */
import type { Embedder, EmbedderConfig } from './embed/index.js';
import type { Logger, LogLevel } from './logger.js';

/** Distance metric: `'l2'` (squared Euclidean), `'cosine'`, or `'ip'` (inner product). */
export type Metric = 'l2' | 'cosine' | 'ip';

/** Vector storage: `'none'` (float32) or `'int8'` (scalar quantization); see {@link CreateOptions.quantization}. */
export type Quantization = 'none' | 'int8';

/** A JSON-like value that can be stored in metadata. */
export type MetadataValue = string | number | boolean | null | MetadataValue[] | { [key: string]: MetadataValue };

/** Metadata of one record: a plain object of JSON-like values (no cycles, no functions, finite numbers). */
export type Metadata = { [key: string]: MetadataValue };

/** A value a filter can compare with: string, finite number, boolean or null. */
export type FilterValue = string | number | boolean | null;

/**
 * Operators applied to one field: `{ price: { $gte: 10, $lt: 20 } }`. Several
 * operators in one object must all hold. `v` below is the value found at the
 * field's path; "missing" means the path does not resolve.
 *
 * - `$eq: x` — `v === x`, or `v` is an array with an element `=== x`
 *   (`x` a {@link FilterValue}; `null` matches a stored `null`, not a missing field).
 * - `$ne: x` — not `$eq: x`: also true when the field is missing, and for an
 *   array when no element equals `x`.
 * - `$in: [x, …]` — `$eq` to any listed value (an empty list matches nothing).
 * - `$nin: [x, …]` — not `$in`: also true when the field is missing.
 * - `$gt`, `$gte`, `$lt`, `$lte: x` — `x` a finite number or a string. Numbers
 *   compare only with numbers, strings only with strings (by UTF-16 code units,
 *   JavaScript's `<`); any other stored type (boolean, null, object) or a
 *   missing field never matches. An array matches when any element does; each
 *   operator may be met by a different element, as in MongoDB.
 * - `$exists: true | false` — the path resolves (to any value, `null`
 *   included) / does not.
 * - `$not: { …operators }` — the operators do not all hold (true when the field is missing).
 */
export interface FilterOperators {
  $eq?: FilterValue;
  $ne?: FilterValue;
  $in?: readonly FilterValue[];
  $nin?: readonly FilterValue[];
  $gt?: number | string;
  $gte?: number | string;
  $lt?: number | string;
  $lte?: number | string;
  $exists?: boolean;
  $not?: FilterOperators;
}

/**
 * Metadata filter, MongoDB-style. A record matches when every entry holds:
 *
 * - `field: value` — shorthand for `field: { $eq: value }` (see
 *   {@link FilterOperators}); `value` is a string, finite number, boolean or
 *   null — arrays and objects are not matched by equality.
 * - `field: { $gt: 3, … }` — the {@link FilterOperators}.
 * - `field` may be a dot path: `'a.b.c'` walks nested objects; a segment that
 *   is a non-negative integer indexes an array (`'tags.0'`). The walk does not
 *   fan out over arrays of objects: `'items.name'` on an array `items` is missing.
 *   Field names with a dot or starting with `$` cannot be addressed.
 * - `$and: [filter, …]`, `$or: [filter, …]` (non-empty arrays), `$not: filter`.
 *
 * `{}` matches every record; a record without metadata is filtered as `{}`
 * (so `$ne`, `$nin`, `$exists: false` and `$not` can match it). Unknown
 * operators, operands of the wrong type and nesting deeper than 64 levels are
 * an InvalidArgumentError naming the position, e.g. `filter.price.$gt`.
 *
 * Applied inside the search (a bitset over records, compiled once per call),
 * so a filtered search returns min(k, number of matching records) hits.
 *
 * The type is permissive (TypeScript cannot tell field names from operator
 * names in one object type); the exact shape is checked at run time.
 * @example `{ genre: 'jazz', year: { $gte: 2000, $lt: 2010 }, 'author.country': { $in: ['FR', 'BE'] } }`
 * @example `{ $or: [{ tags: 'live' }, { rating: { $gt: 4.5 } }], $not: { status: 'draft' } }`
 */
export type Filter = {
  $and?: readonly Filter[];
  $or?: readonly Filter[];
  $not?: Filter;
  [field: string]: FilterValue | FilterOperators | readonly Filter[] | Filter | undefined;
};

/** Options of {@link MiniVectorDB.create}. Every key is optional; unknown keys are rejected. */
export interface CreateOptions {
  /**
   * Vector dimension, an integer in [1, 65536].
   * @defaultValue the embedder's dimension; without `dim` and `embedder`, the built-in text model's (256)
   */
  dim?: number;
  /** Distance metric. @defaultValue `'cosine'` with an embedder, else `'l2'` */
  metric?: Metric;
  /**
   * Text embedding: `true` for the built-in `wordnet-256` model (no
   * download), options of the ONNX embedder (e.g. `{ model: 'Xenova/all-MiniLM-L6-v2' }`,
   * fetched from the Hugging Face hub and cached), or your own {@link Embedder}.
   * Its description is saved in snapshots, so `open()` embeds new texts the same way.
   * @defaultValue `true` when `dim` is not given, else none
   */
  embedder?: EmbedderConfig | true;
  /** Keep each inserted `text` in its record (returned by `get()` and with hits, saved in snapshots). @defaultValue `false` */
  storeText?: boolean;
  /**
   * The BM25 text index over the stored texts (and weighted metadata
   * fields), used by `search(text, { mode: 'text' | 'hybrid' })`; kept up
   * to date by every insert, update, delete and compaction. Needs
   * `storeText: true`; `false` turns it off. Its settings are saved in
   * snapshots and the postings rebuilt on open. See {@link TextIndexOptions}.
   * @defaultValue `true` with `storeText` (k1 1.2, b 0.75, no fields), else off
   */
  textIndex?: TextIndexOptions | boolean;
  /** HNSW links per node on upper layers; layer 0 keeps 2·M. Integer in [2, 1024]. @defaultValue `16` */
  M?: number;
  /** HNSW candidate list size while inserting (higher: better graph, slower build). @defaultValue `200` */
  efConstruction?: number;
  /** Default HNSW candidate list size while searching; raised to k when smaller. @defaultValue `64` */
  efSearch?: number;
  /** Seed (uint32) of the level generator: the same seed and inserts give the same graph. @defaultValue `1` */
  seed?: number;
  /**
   * Let inserts reuse the slots of deleted and replaced records (as hnswlib's
   * `allow_replace_deleted`): a new vector overwrites the lowest tombstone's
   * slot, the neighbours that linked to the old node are re-linked and the
   * new one is linked from a fresh search, so memory stays at the peak
   * number of live records under churn. `false`: tombstones stay (routing
   * searches, never returned) until {@link MiniVectorDB.compact}. Not saved
   * in snapshots; `open()` takes it again. With `quantization: 'int8'` the
   * slot's int8 codes (and float32 vector, when kept) are overwritten.
   * @defaultValue `true`
   */
  reuseDeleted?: boolean;
  /**
   * Vector storage for the graph walk. `'int8'`: scalar quantization, one
   * int8 code (1 byte) per value, x ≈ offset + step·code; the offsets (l2:
   * per-dimension centre; ip/cosine: 0) and the step shared by all
   * dimensions are learned from the first 1,024 vectors (refitted after each
   * insert until then, and when {@link MiniVectorDB.compact} rebuilds while
   * float32 vectors are kept); later values outside that range are clamped and
   * counted in `stats().clippedFraction`. Searches walk the graph over the
   * codes with integer SIMD128 kernels and re-rank with float32.
   * @defaultValue `'none'` (float32)
   */
  quantization?: Quantization;
  /**
   * With `'int8'`: the walk hands min(efSearch, rerank·k) candidates (at
   * least k) to the float32 re-ranking. Integer in [1, 1024].
   * @defaultValue `4`
   */
  rerank?: number;
  /**
   * With `'int8'`: keep the float32 vectors (re-ranking, exact search,
   * `get()`, compaction refits). `false` drops them once the quantizer is
   * fitted (1,024 vectors): memory per vector falls from 5·dim to dim bytes,
   * but distances, `get()` vectors and exact search are then the dequantized
   * ones (no re-ranking), and compaction keeps the quantizer.
   * @defaultValue `true`
   */
  keepFloat?: boolean;
  /**
   * Where {@link MiniVectorDB.save} writes: `'memory://name'` (process memory), `'file:///abs/path.mvdb'` (Node)
   * or `'idb://name'` (IndexedDB, browsers).
   * @defaultValue `'memory://'` followed by a unique name
   */
  storage?: string;
  /**
   * Save to `storage` automatically after changes: `{ debounceMs }` waits that
   * long after the last insert or delete (changes in between are coalesced);
   * `true` means `{ debounceMs: 1000 }`. Saves never overlap; `close()` writes
   * a pending one. Failures are reported to `logger` at level error.
   * @defaultValue off
   */
  autosave?: AutosaveOptions | boolean;
  /**
   * Destination of log messages, silent when absent: an object with `debug`,
   * `info`, `warn` and `error` methods (InvalidArgumentError otherwise); a
   * method that throws is ignored.
   */
  logger?: Logger;
  /** Minimum level passed to `logger`: `'debug'`, `'info'`, `'warn'`, `'error'` or `'silent'`. @defaultValue `'warn'` */
  logLevel?: LogLevel;
  /** Custom hosting of the WebAssembly binary (CDN, CSP): its URL, or its bytes (one of them). */
  wasm?: WasmSource;
}

/**
 * Options of the BM25 text index ({@link CreateOptions.textIndex}). Scores
 * follow Okapi BM25 (Robertson & Zaragoza 2009) in its field-weighted form
 * BM25F (Robertson, Zaragoza & Taylor 2004): per document, term frequencies
 * and length are sums over its fields weighted by `fields`, the text having
 * weight 1. Texts and fields are analysed by {@link tokenize}.
 */
export interface TextIndexOptions {
  /** Term-frequency saturation, a number in [0, 1000]. @defaultValue `1.2` */
  k1?: number;
  /** Length normalisation, a number in [0, 1] (0: none, 1: full). @defaultValue `0.75` */
  b?: number;
  /**
   * Metadata dot paths whose string values (or arrays of strings) are
   * indexed too, each with a weight in (0, 1000] relative to the text's 1,
   * e.g. `{ name: 3 }` so a package name counts three times. At most 16.
   * @defaultValue `{}`
   */
  fields?: Record<string, number>;
}

/**
 * How a search ranks records: `'vector'` by the embedding's distance (HNSW
 * or exact), `'text'` by BM25 over the text index, `'hybrid'` by reciprocal
 * rank fusion of both lists (see {@link SearchOptions.textWeight}).
 */
export type SearchMode = 'vector' | 'text' | 'hybrid';

/** Where the `.wasm` comes from when the default (next to the package's JS) does not fit. */
export interface WasmSource {
  /** Absolute URL of `minivectordb_core.wasm`. */
  url?: string | URL;
  /** The bytes of `minivectordb_core.wasm`. */
  binary?: ArrayBuffer | Uint8Array;
}

/** Automatic saving after changes. */
export interface AutosaveOptions {
  /** Milliseconds to wait after the last change before saving, 0 – 3,600,000. @defaultValue `1000` */
  debounceMs?: number;
}

/** Options of {@link MiniVectorDB.open}. */
export interface OpenOptions {
  /**
   * The embedder for texts: an {@link Embedder}, or ONNX embedder options.
   * Options are completed by what the snapshot records (model id and
   * revision unless you set `model`, `modelPath` or `modelUrl`; pooling,
   * normalisation, `maxLength`), but every location — `modelPath`,
   * `modelUrl`, `remoteHost`, `localModelPath`, `cacheDir`, `cacheName`,
   * `wasm.wasmPaths` — comes only from here or the defaults, never from the
   * snapshot. Needed when the database was built with a custom embedder or a
   * model from a folder or URL. The model is checked against the recorded
   * one (see `embedderMismatch`); its dimension must match.
   * @defaultValue the recorded model id from its default location
   */
  embedder?: EmbedderConfig;
  /**
   * What a model that differs from the one recorded in the snapshot (digest
   * of its files, or id and revision; pooling, normalisation, `maxLength`)
   * does: `'error'` throws an `EmbedderMismatchError`, `'warn'` logs a
   * warning through the logger and uses it.
   * @defaultValue `'error'`
   */
  embedderMismatch?: 'error' | 'warn';
  /** Save back to the opened URL after changes; see {@link CreateOptions.autosave}. */
  autosave?: AutosaveOptions | boolean;
  /** See {@link CreateOptions.reuseDeleted}. @defaultValue `true` */
  reuseDeleted?: boolean;
  logger?: Logger;
  logLevel?: LogLevel;
  wasm?: WasmSource;
}

/** One record to insert. */
export interface InsertItem {
  /** Non-empty string, unique in the database; inserting an existing id replaces its vector and metadata (upsert). */
  id: string;
  /** `dim` finite numbers (converted to float32) with Σ v² ≤ FLT_MAX / 8 ≈ 4.25e37 (so distances stay finite). Required unless `text` is given. */
  vector?: Float32Array | ArrayLike<number>;
  /** Text embedded by the database's embedder when `vector` is absent; kept in the record with `storeText`. */
  text?: string;
  /** Optional metadata stored with the record and returned with hits. */
  metadata?: Metadata;
}

/**
 * Changes of {@link MiniVectorDB.update}: at least one key. Absent keys keep
 * what the record has.
 */
export interface UpdateChanges {
  /** New vector: `dim` finite numbers (converted to float32) with Σ v² ≤ FLT_MAX / 8. */
  vector?: Float32Array | ArrayLike<number>;
  /** New text, embedded by the database's embedder when `vector` is absent; kept with `storeText`. */
  text?: string;
  /** New metadata, replacing the whole object (pass `{}` to clear it). */
  metadata?: Metadata;
}

/** Options of {@link MiniVectorDB.insertMany}. */
export interface InsertManyOptions {
  /**
   * Called with the items done and the total: during `'embed'` after each
   * batch of texts (only when items have texts), then during `'insert'`
   * after each chunk of vectors. A callback that throws never aborts the
   * insert, on the page as in a worker: the error is reported to the
   * database's logger at level warn (in a worker, the worker's).
   */
  onProgress?: (done: number, total: number, phase: 'embed' | 'insert') => void;
}

/** Result of {@link MiniVectorDB.insertMany}. */
export interface InsertManyResult {
  /** Number of new ids. */
  inserted: number;
  /** Number of existing ids whose vector and/or metadata were replaced. */
  updated: number;
}

/** Options of {@link MiniVectorDB.search} and {@link MiniVectorDB.searchBatch}. */
export interface SearchOptions {
  /** Number of neighbours, integer ≥ 1. @defaultValue `10` */
  k?: number;
  /** Candidate list size for this query; raised to k when smaller. @defaultValue the database's `efSearch` */
  efSearch?: number;
  /** Only records whose metadata match are returned. */
  filter?: Filter;
  /** Exact (brute-force) search instead of HNSW; in `'hybrid'` mode the vector list is exact. @defaultValue `false` */
  exact?: boolean;
  /**
   * How records are ranked; see {@link SearchMode}. `'text'` and `'hybrid'`
   * need a text query and a database with a text index
   * ({@link CreateOptions.textIndex}); `'text'` needs no embedder (the query
   * is not embedded; `efSearch` and `exact` do not apply: BM25 scores every
   * record holding a query term). `'hybrid'` fuses the best max(k, 100)
   * of each list.
   * @defaultValue `'hybrid'` for a text query on a database with a text
   *   index (chosen by the measurements in the README's "Hybrid search"; `'text'`
   *   when the database has no embedder), otherwise `'vector'`
   */
  mode?: SearchMode;
  /**
   * `'hybrid'` only: the weight w in [0, 1] of the BM25 list in the fusion
   * score (1 − w)/(60 + vector rank) + w/(60 + text rank) (reciprocal rank
   * fusion, Cormack et al. 2009, k = 60). 0.5 is unweighted fusion.
   * @defaultValue `0.5`
   */
  textWeight?: number;
}

/** One search result. */
export interface SearchHit {
  id: string;
  /**
   * Lower is closer: squared L2 (`l2`), 1 − cosine similarity (`cosine`), 1 − dot (`ip`).
   * In `'hybrid'` mode the record's distance to the query vector too (measured
   * exactly for records that only BM25 found); `NaN` in `'text'` mode (no vector involved).
   */
  distance: number;
  /**
   * Higher is better. `'vector'` mode: −distance (`l2`), cosine similarity
   * (`cosine`), dot product (`ip`). `'text'` mode: the BM25 score (≥ 0,
   * unbounded, comparable within one query). `'hybrid'` mode: the reciprocal
   * rank fusion score (1 − w)/(60 + ranks.vector) + w/(60 + ranks.text), a
   * missing rank counting 0, in (0, 1/61].
   */
  score: number;
  /**
   * `'text'` and `'hybrid'` modes: the hit's 1-based rank in each list it came
   * from. `text`: its BM25 rank (absent when the record holds no query term
   * or ranks below the fused depth). `vector` (`'hybrid'` only): its rank by
   * vector distance among the candidates — the nearest-neighbour list,
   * completed with the BM25 candidates it missed, measured exactly (so a
   * record found by BM25 alone may have a rank past that list's depth).
   * Absent in `'vector'` mode.
   */
  ranks?: { vector?: number; text?: number };
  /** A copy of the record's metadata, or `undefined`. */
  metadata: Metadata | undefined;
  /** The record's text, when the database keeps texts (`storeText`). */
  text?: string;
}

/** A stored record as returned by {@link MiniVectorDB.get}. */
export interface StoredRecord {
  id: string;
  /**
   * The stored vector (a copy; unit-normalised when the metric is `cosine`).
   * With `quantization: 'int8'` and `keepFloat: false`, the dequantized int8
   * codes (each value within half a quantization step of the inserted one).
   */
  vector: Float32Array;
  metadata: Metadata | undefined;
  /** The record's text, when the database keeps texts (`storeText`). */
  text?: string;
}

/** Counters returned by {@link MiniVectorDB.stats}. */
export interface Stats {
  /** Live records. */
  count: number;
  /** Tombstoned labels still held by the index (deleted or replaced records); the next inserts reuse them (see {@link CreateOptions.reuseDeleted}), {@link MiniVectorDB.compact} reclaims them. */
  deleted: number;
  /** Nodes (vector slots) held by the index: `count` + `deleted`. With `reuseDeleted` it grows only when an insert finds no tombstone, so under churn it stays at the peak of `count`. */
  slots: number;
  /** `deleted` / (`count` + `deleted`): the fraction of the index's vectors and graph nodes held by tombstones, in [0, 1] (0 when empty). */
  deletedRatio: number;
  dim: number;
  metric: Metric;
  M: number;
  efConstruction: number;
  efSearch: number;
  /** Vector storage; see {@link CreateOptions.quantization}. */
  quantization: Quantization;
  /** Re-ranking factor; see {@link CreateOptions.rerank} (stored but unused without quantization). */
  rerank: number;
  /** See {@link CreateOptions.keepFloat}. */
  keepFloat: boolean;
  /**
   * Bytes of vector storage per stored vector (graph links excluded): 4·dim
   * for float32 rows while held, plus dim for int8 codes. E.g. dim 128:
   * 512 (`'none'`), 640 (`'int8'`), 128 (`'int8'` with `keepFloat: false`).
   */
  bytesPerVector: number;
  /** Fraction of int8-encoded values (after the quantizer was fitted) clamped to its range, in [0, 1]; 0 without quantization. */
  clippedFraction: number;
  /** Bytes held in WebAssembly memory by this index (vectors, graph, tombstones, scratch). */
  memoryBytes: number;
}

/** Where {@link MiniVectorDB.createInWorker} and {@link MiniVectorDB.openInWorker} run the database. */
export interface WorkerOptions {
  /**
   * The worker to run the database in. By default the library starts a
   * module Web Worker on its own `dist/worker/worker-entry.js` (found by
   * Vite and webpack 5 through `new Worker(new URL(…, import.meta.url))`;
   * in Node, a `worker_threads` worker). Give a `Worker` you started (for a
   * Content-Security-Policy or a self-hosted copy: a module worker whose
   * script is `import 'minivectordb/worker'`), or that script's URL (same
   * origin). One worker holds one database; `close()` terminates it.
   * @defaultValue the packaged worker
   */
  worker?: Worker | URL | string;
  /**
   * How long to wait for the worker's first answer (its script loaded and
   * listening), in milliseconds, 1 – 2,147,483,647; then a TimeoutError and
   * the worker is terminated. Creating or opening the database afterwards
   * (loading a model, reading a snapshot) is not limited.
   * @defaultValue `30000`
   */
  workerTimeoutMs?: number;
}

/**
 * Options of {@link MiniVectorDB.createInWorker}: those of
 * {@link CreateOptions} that can be structured-cloned, plus {@link WorkerOptions}.
 * A `logger` or a custom {@link Embedder} object cannot cross to the worker
 * (InvalidArgumentError); with `logLevel` the worker logs to its own console.
 */
export type CreateInWorkerOptions = CreateOptions & WorkerOptions;

/** Options of {@link MiniVectorDB.openInWorker}; see {@link CreateInWorkerOptions}. */
export type OpenInWorkerOptions = OpenOptions & WorkerOptions;
