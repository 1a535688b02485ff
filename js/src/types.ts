/**
 * Public types of MiniVectorDB: records, filters, searches, statistics
 * (types only; the option types are in `option-types.ts`, re-exported here).
 *
 * Units used throughout:
 * - `distance` is lower-is-closer: `l2` squared Euclidean distance;
 *   `cosine` 1 − cosine similarity (vectors are unit-normalised on insert);
 *   `ip` 1 − dot product.
 * - `score` is higher-is-closer: `cosine` cosine similarity (in [−1, 1]);
 *   `ip` dot product; `l2` −distance.
 */
import type { Metric, Quantization } from './option-types.js';
import type { ImageInput } from './embed/image/input.js';

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

/**
 * How a search ranks records: `'vector'` by the embedding's distance (HNSW
 * or exact), `'text'` by BM25 over the text index, `'hybrid'` by reciprocal
 * rank fusion of both lists (see {@link SearchOptions.textWeight}).
 */
export type SearchMode = 'vector' | 'text' | 'hybrid';

/** One record to insert. */
export interface InsertItem {
  /** Non-empty string, unique in the database; inserting an existing id replaces its vector and metadata (upsert). */
  id: string;
  /** `dim` finite numbers (converted to float32) with Σ v² ≤ FLT_MAX / 8 ≈ 4.25e37 (so distances stay finite). Required unless `text` is given. */
  vector?: Float32Array | ArrayLike<number>;
  /** Text embedded by the database's embedder when `vector` and `image` are absent; kept in the record with `storeText` (with an image: its caption, kept and indexed for `'text'` search, not embedded). */
  text?: string;
  /**
   * An image, embedded by the database's image embedder (CLIP: `embedder: { kind: 'clip', model }`)
   * when `vector` is absent; see {@link ImageInput}. Not stored: the record keeps its vector (and metadata).
   */
  image?: ImageInput;
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
  /** New text, embedded by the database's embedder when `vector` and `image` are absent; kept with `storeText`. */
  text?: string;
  /** New image, embedded by the database's image embedder when `vector` is absent. */
  image?: ImageInput;
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
  /**
   * Cancels the call: it rejects with `signal.reason` (a `DOMException`
   * named `'AbortError'` unless you gave `abort()` a reason) and nothing of
   * it is kept — no record changes, nothing reaches the write-ahead log. The
   * signal is checked before any work, while the call waits in the queue,
   * between batches of texts or images being embedded and between chunks of
   * vectors inserted; once every vector is in, the call completes. The
   * index slots the undone chunks took stay as tombstones (counted by
   * `stats().deleted`, as after any failed insert), reused by later inserts
   * or reclaimed by `compact()`.
   */
  signal?: AbortSignal;
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
  /**
   * Cancels a query that must be embedded (a text in `'vector'` or
   * `'hybrid'` mode, an image): checked before the call runs and between the
   * embedder's batches; rejects with `signal.reason` (an `AbortError`
   * `DOMException` by default).
   */
  signal?: AbortSignal;
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
  /** Whether records keep their inserted text (see {@link CreateOptions.storeText}). */
  storeText: boolean;
  /** Whether the database has a BM25 text index (`'text'` and `'hybrid'` searches; see {@link CreateOptions.textIndex}). */
  textIndex: boolean;
  /** Model id (or folder / URL) of the database's text embedder, or `null` when it has none (texts cannot be inserted or searched by vector). */
  embedder: string | null;
}

export type {
  AutosaveOptions,
  Durability,
  Metric,
  Quantization,
  LockMode,
  CreateInWorkerOptions,
  CreateOptions,
  OpenInWorkerOptions,
  DeserializeOptions,
  OpenOptions,
  TextIndexOptions,
  WasmSource,
  WorkerOptions,
} from './option-types.js';
