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
import type { Logger, LogLevel } from './logger.js';

/** Distance metric: `'l2'` (squared Euclidean), `'cosine'`, or `'ip'` (inner product). */
export type Metric = 'l2' | 'cosine' | 'ip';

/** A JSON-like value that can be stored in metadata. */
export type MetadataValue = string | number | boolean | null | MetadataValue[] | { [key: string]: MetadataValue };

/** Metadata of one record: a plain object of JSON-like values (no cycles, no functions, finite numbers). */
export type Metadata = { [key: string]: MetadataValue };

/**
 * Equality filter: every listed top-level field must equal the given value
 * (strings, finite numbers, booleans or null; compared with `===`).
 * Applied inside the search, so a filtered search returns
 * min(k, number of matching records) hits.
 * @example `{ genre: 'jazz', year: 2020 }`
 */
export type Filter = { [field: string]: string | number | boolean | null };

/** Options of {@link MiniVectorDB.create}. Every key but `dim` is optional; unknown keys are rejected. */
export interface CreateOptions {
  /** Vector dimension, an integer in [1, 65536]. */
  dim: number;
  /** Distance metric. @defaultValue `'l2'` */
  metric?: Metric;
  /** HNSW links per node on upper layers; layer 0 keeps 2·M. Integer in [2, 1024]. @defaultValue `16` */
  M?: number;
  /** HNSW candidate list size while inserting (higher: better graph, slower build). @defaultValue `200` */
  efConstruction?: number;
  /** Default HNSW candidate list size while searching; raised to k when smaller. @defaultValue `64` */
  efSearch?: number;
  /** Seed (uint32) of the level generator: the same seed and inserts give the same graph. @defaultValue `1` */
  seed?: number;
  /**
   * Where {@link MiniVectorDB.save} writes: `'memory://name'` (process memory) or `'file:///abs/path.mvdb'` (Node).
   * @defaultValue `'memory://'` followed by a unique name
   */
  storage?: string;
  /** Destination of log messages; silent when absent. */
  logger?: Logger;
  /** Minimum level passed to `logger`. @defaultValue `'warn'` */
  logLevel?: LogLevel;
  /** Custom hosting of the WebAssembly binary (CDN, CSP): its URL, or its bytes. */
  wasm?: WasmSource;
}

/** Where the `.wasm` comes from when the default (next to the package's JS) does not fit. */
export interface WasmSource {
  /** URL of `minivectordb_core.wasm`. */
  url?: string | URL;
  /** The bytes of `minivectordb_core.wasm`. */
  binary?: ArrayBuffer | Uint8Array;
}

/** Options of {@link MiniVectorDB.open}. */
export interface OpenOptions {
  logger?: Logger;
  logLevel?: LogLevel;
  wasm?: WasmSource;
}

/** One record to insert. */
export interface InsertItem {
  /** Non-empty string, unique in the database; inserting an existing id replaces its vector and metadata (upsert). */
  id: string;
  /** `dim` finite numbers. A `Float32Array` is used as is; other arrays are converted. */
  vector: Float32Array | ArrayLike<number>;
  /** Optional metadata stored with the record and returned with hits. */
  metadata?: Metadata;
}

/** Options of {@link MiniVectorDB.insertMany}. */
export interface InsertManyOptions {
  /** Called after each chunk with the number of items done and the total. */
  onProgress?: (done: number, total: number) => void;
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
  /** Exact (brute-force) search instead of HNSW. @defaultValue `false` */
  exact?: boolean;
}

/** One search result. */
export interface SearchHit {
  id: string;
  /** Lower is closer: squared L2 (`l2`), 1 − cosine similarity (`cosine`), 1 − dot (`ip`). */
  distance: number;
  /** Higher is closer: −distance (`l2`), cosine similarity (`cosine`), dot product (`ip`). */
  score: number;
  /** A copy of the record's metadata, or `undefined`. */
  metadata: Metadata | undefined;
}

/** A stored record as returned by {@link MiniVectorDB.get}. */
export interface StoredRecord {
  id: string;
  /** The stored vector (a copy; unit-normalised when the metric is `cosine`). */
  vector: Float32Array;
  metadata: Metadata | undefined;
}

/** Counters returned by {@link MiniVectorDB.stats}. */
export interface Stats {
  /** Live records. */
  count: number;
  /** Tombstoned labels still held by the index (deleted or replaced records). */
  deleted: number;
  dim: number;
  metric: Metric;
  M: number;
  efConstruction: number;
  efSearch: number;
  /** Bytes held in WebAssembly memory by this index (vectors, graph, tombstones, scratch). */
  memoryBytes: number;
}
