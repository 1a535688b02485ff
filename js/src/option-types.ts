/**
 * Option types of MiniVectorDB: creating, opening, and running in a worker.
 * Types only (no implementation module is imported), re-exported by `types.ts`.
 */
import type { EmbedderConfig } from './embed/embedder.js';
import type { Logger, LogLevel } from './logger.js';
import type { OpenProgress } from './progress-types.js';
import type { CompiledWasmModule, WebWorker } from './host-types.js';

/** How writes persist: see {@link CreateOptions.durability}. */
export type Durability = 'strict' | 'relaxed' | 'manual';

/** How texts are embedded: ONNX embedder options or an `Embedder` object. */
type EmbedderChoice = EmbedderConfig;

/** Distance metric: `'l2'` (squared Euclidean), `'cosine'`, or `'ip'` (inner product). */
export type Metric = 'l2' | 'cosine' | 'ip';

/**
 * What `create()` / `open()` do when another instance (process, tab, worker,
 * or database object) has the same storage URL open for writing:
 * `'error'` throws a `LockedError`; `'readonly'` opens it read-only (every
 * write throws `LockedError`; it sees what the writer had made durable when
 * it opened, and later changes after `refresh()` — automatically on
 * `idb://` / `opfs://`, see `OpenOptions.follow`).
 */
export type LockMode = 'error' | 'readonly';

/** Vector storage: `'none'` (float32) or `'int8'` (scalar quantization); see {@link CreateOptions.quantization}. */
export type Quantization = 'none' | 'int8';


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
  embedder?: EmbedderChoice | true;
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
   * Threads an insert links its vectors on (the parallel build). Above 1,
   * `insertMany` (and `upsert`, and log replay) hands each chunk of new
   * vectors to the threaded core (`minivectordb_core_threads.wasm`: shared
   * memory, WebAssembly threads), which links them concurrently as hnswlib
   * does: a lock per neighbour list, scratch per thread. The levels are the
   * serial build's and recall is the same (tested against brute force), but
   * the links depend on thread timing, so a seed no longer fixes the graph:
   * keep 1 where snapshots must be reproducible byte for byte. Batches of
   * fewer than 64 new vectors, reused slots, `compact()` and searches stay
   * on one thread. Runs in Node, and in browsers (pages and workers) that
   * are cross-origin isolated (COOP/COEP headers); elsewhere, or with a
   * `wasm` source (which names the single-thread core), the logger warns and
   * one thread is used. `'auto'`: the host's logical cores. Not saved in
   * snapshots; `open()` takes it again. Speed-ups: bench/README.md.
   * @defaultValue `1`
   */
  threads?: number | 'auto';
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
   * Write a full checkpoint (snapshot) to `storage` automatically after
   * changes: `{ debounceMs }` waits that long after the last write (changes
   * in between are coalesced); `true` means `{ debounceMs: 1000 }`. With the
   * write-ahead log (`durability` other than `'manual'`) writes are already
   * durable without it: it only bounds the log's length in time (checkpoints
   * also run when the log grows, and on `close()`). With `'manual'` it is
   * the only automatic persistence, as before the log. Saves never overlap;
   * `close()` writes a pending one. Failures are reported to `logger` at level error.
   * @defaultValue off
   */
  autosave?: AutosaveOptions | boolean;
  /**
   * When a write's promise resolves relative to its persistence (see the
   * README's Durability section):
   * - `'strict'`: after its write-ahead log record is on stable storage
   *   (fsync; IndexedDB transaction `complete` with durability `'strict'`);
   * - `'relaxed'`: at once; its record is appended durably by a group commit
   *   within 50 ms (a crash loses at most that window);
   * - `'manual'`: no log; only `save()` (and `autosave`) persist.
   * A write whose logging fails rejects with StorageError and stays applied in memory.
   * @defaultValue `'relaxed'` when `storage` is given, else `'manual'` (a fresh `memory://` name)
   */
  durability?: Durability;
  /**
   * One writer per storage URL: the database takes the URL's write lock
   * (`file://`: a `<file>.lock` folder, stale after 10 s without its
   * holder's heartbeat; `idb://`, `opfs://`: the Web Locks API; `memory://`:
   * in this realm) and releases it in `close()`. See {@link LockMode}.
   * @defaultValue `'error'`
   */
  lock?: LockMode;
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

/** Where the `.wasm` comes from when the default (next to the package's JS) does not fit: exactly one of `url`, `binary`, `module`. */
export interface WasmSource {
  /** Absolute URL of `minivectordb_core.wasm`. */
  url?: string | URL;
  /** The bytes of `minivectordb_core.wasm`. */
  binary?: ArrayBuffer | Uint8Array;
  /**
   * `minivectordb_core.wasm` already compiled, for hosts that forbid compiling
   * WebAssembly from bytes or URLs at run time (Cloudflare Workers:
   * `import core from 'minivectordb/core.wasm'`). Instantiated once per module
   * object. It can be sent to a worker (`createInWorker`), as modules are cloneable.
   */
  module?: CompiledWasmModule;
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
  embedder?: EmbedderChoice;
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
  /** See {@link CreateOptions.durability}. @defaultValue `'relaxed'` */
  durability?: Durability;
  /** See {@link CreateOptions.reuseDeleted}. @defaultValue `true` */
  reuseDeleted?: boolean;
  /** See {@link CreateOptions.threads}. @defaultValue `1` */
  threads?: number | 'auto';
  /** See {@link CreateOptions.lock}. @defaultValue `'error'` */
  lock?: LockMode;
  /**
   * For an instance opened read-only (`lock: 'readonly'` while another
   * instance writes) on `idb://` or `opfs://`: listen on the database's
   * `BroadcastChannel`, on which the writer announces each durable log append
   * and checkpoint, and {@link MiniVectorDB.refresh} about 50 ms after the
   * last announcement (failures are logged at warn; the old state stays).
   * No effect on a writer, or on other URLs (call `refresh()` there).
   * @defaultValue `true`
   */
  follow?: boolean;
  logger?: Logger;
  logLevel?: LogLevel;
  wasm?: WasmSource;
  /**
   * Cancels the open: checked before any work, after the lock is taken,
   * after the bytes are read, before the index is built and between log
   * records replayed. An aborted open rejects with `signal.reason` (a
   * `DOMException` named `'AbortError'` unless you gave `abort()` a reason),
   * releases the storage lock and frees what it loaded. The model of an
   * embedder loads lazily and takes its own `embedder.signal`.
   */
  signal?: AbortSignal;
  /** See {@link OpenProgress} (bytes read, then log records replayed). A callback that throws is logged at warn; the open goes on. */
  onProgress?: (event: OpenProgress) => void;
}

/** Options of {@link MiniVectorDB.deserialize}: those of {@link MiniVectorDB.open}, plus where saves go. */
export interface DeserializeOptions extends OpenOptions {
  /**
   * The storage URL that `save()` without a URL (and autosave) writes to:
   * `memory://name`, `file:///abs/path` or `idb://name`.
   * @defaultValue a new `memory://deserialized-<n>` URL of this process
   */
  storage?: string;
}

/** Where {@link MiniVectorDB.createInWorker} and {@link MiniVectorDB.openInWorker} run the database. */
export interface WorkerOptions {
  /**
   * The worker to run the database in. By default the library starts a
   * module Web Worker on its own `dist/worker/worker-entry.js` (found by
   * Vite and webpack 5 through `new Worker(new URL(…, import.meta.url))`;
   * in Node, a `worker_threads` worker). Give a `Worker` you started (for a
   * Content-Security-Policy or a self-hosted copy: a module worker whose
   * script is `import 'minivectordb/worker-host'`), or that script's URL (same
   * origin). One worker holds one database; `close()` terminates it.
   * @defaultValue the packaged worker
   */
  worker?: WebWorker | URL | string;
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
