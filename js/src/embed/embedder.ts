/**
 * Text embedders: turn strings into fixed-length vectors for MiniVectorDB.
 *
 * An {@link Embedder} maps `n` texts to `n` `Float32Array`s of length
 * {@link Embedder.dim}. The ONNX embedder (`onnx-embedder.ts`) runs any model
 * folder in the Hugging Face layout through onnxruntime-web; the default model
 * (`wordnet-256`, built from WordNet at set-up time) needs no download.
 *
 * @packageDocumentation
 */
import type { Logger, LogLevel } from '../logger.js';
import type { ImageInput } from './image/input.js';

/** Something that embeds texts. Implementations: the ONNX embedder, or your own. */
export interface Embedder {
  /** Length of every vector returned by {@link Embedder.embed}. */
  readonly dim: number;
  /**
   * A JSON-serialisable description of this embedder (model, pooling,
   * normalisation, dimension): store it beside vectors so a database reopened
   * later can refuse a query embedded by a different model.
   */
  readonly info: EmbedderInfo;
  /**
   * Embeds texts.
   * @param texts - `n` strings (may be empty strings; `n` may be 0).
   * @returns `n` vectors of length {@link Embedder.dim}, in the order of `texts`;
   *   unit length (L2) when the embedder normalises (the default).
   */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /**
   * Embeds images into the space of {@link Embedder.embed}'s texts, for
   * embedders with an image tower (CLIP); absent on text-only embedders.
   * @param images - `n` {@link ImageInput}s.
   * @returns `n` vectors of length {@link Embedder.dim}, in order; unit length when the embedder normalises.
   * @throws ImageDecodeError when an image cannot be decoded (nothing is returned).
   */
  embedImages?(images: readonly ImageInput[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Frees the model. Idempotent; `embed()` afterwards throws a `CLOSED` error. */
  dispose(): Promise<void>;
}

/**
 * What `createEmbedder()` accepts: ONNX text embedder options (optionally
 * tagged `kind: 'onnx'`), CLIP embedder options tagged `kind: 'clip'`
 * (images and texts), or a ready embedder.
 */
export type EmbedderConfig = (OnnxEmbedderOptions & { kind?: 'onnx' }) | (ClipEmbedderOptions & { kind: 'clip' }) | Embedder;

/** Options of one {@link Embedder.embed} call. */
export interface EmbedOptions {
  /**
   * Texts per model run.
   * @defaultValue the embedder's `batchSize` (32)
   */
  batchSize?: number;
  /** Called after each batch with `{ phase: 'embed', done, total }` (texts). */
  onProgress?: (event: EmbedProgress) => void;
  /** Stops between batches with the signal's reason. */
  signal?: AbortSignal;
}

/** Progress of a model file download (or cache read). */
export interface DownloadProgress {
  phase: 'download';
  /** File name inside the model folder, e.g. `'onnx/model.onnx'`. */
  file: string;
  /** Bytes received so far. */
  loaded: number;
  /** Bytes expected (Content-Length), when known. */
  total: number | undefined;
  /** True when the bytes came from the cache or a local folder rather than the network. */
  cached: boolean;
  /** True on the last event of this file. */
  done: boolean;
}

/** Progress of an `embed()` call, reported after each batch. */
export interface EmbedProgress {
  phase: 'embed';
  /** Texts embedded so far. */
  done: number;
  /** Texts in the call. */
  total: number;
}

/** Any progress event. */
export type ProgressEvent = DownloadProgress | EmbedProgress;

/**
 * Weight precision of a hub ONNX export, as transformers.js v3's `dtype`
 * option names it; each maps to one file under `onnx/` (see
 * {@link OnnxEmbedderOptions.dtype}).
 */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

/** Backend of the ONNX embedder: see {@link OnnxEmbedderOptions.device}. */
export type EmbedDevice = 'wasm' | 'webgpu';

/** Which onnxruntime runs the model on the CPU: see {@link OnnxEmbedderOptions.backend}. */
export type EmbedBackend = 'auto' | 'wasm' | 'native';

/** How token vectors become one text vector, for models that output per-token states. */
export type Pooling = 'mean' | 'cls';

/**
 * Where and how to cache downloaded model files. Keys are the files' full
 * URLs. `put` must store atomically: a reader sees the whole entry or none.
 */
export interface ModelCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** onnxruntime settings (onnxruntime-web; `numThreads` also for onnxruntime-node). */
export interface OrtWasmOptions {
  /**
   * Threads for the WebAssembly backend, fixed when the first model of the
   * process or page is loaded; with `backend` `'native'` (onnxruntime-node),
   * the session's intra-op threads instead. Threads in a browser need a
   * cross-origin-isolated page (COOP/COEP headers); elsewhere one thread
   * runs and a warning says so.
   * @defaultValue 1, or up to 4 in a cross-origin-isolated page
   */
  numThreads?: number;
  /** Passed to `ort.env.wasm.wasmPaths` (where the ORT `.wasm`/`.mjs` files are hosted). */
  wasmPaths?: string | Record<string, string>;
}

/**
 * Options of {@link OnnxEmbedderOptions} and `createEmbedder()`: where the
 * model folder is, how to run it, how to pool. A model folder has
 * `tokenizer.json`, `tokenizer_config.json`, `config.json` and
 * `onnx/model.onnx` (or `onnx/model_quantized.onnx`).
 */
export interface OnnxEmbedderOptions {
  /**
   * A Hugging Face model id (`'Xenova/all-MiniLM-L6-v2'`), fetched from
   * `${remoteHost}/${model}/resolve/${revision}/${file}` unless found under
   * `localModelPath`; or `'wordnet-256'`, the built-in default model.
   * @defaultValue `'wordnet-256'` when neither `modelPath` nor `modelUrl` is given
   */
  model?: string;
  /** A local model folder (Node only). Takes precedence over `model`. */
  modelPath?: string;
  /** A model folder URL (`https:`, `http:`, `file:`, or relative to the page). Takes precedence over `model`. */
  modelUrl?: string | URL;
  /** Branch, tag or commit of a `model` id. @defaultValue `'main'` */
  revision?: string;
  /** Host of `model` ids. @defaultValue `'https://huggingface.co'` */
  remoteHost?: string;
  /** A folder (Node) or URL prefix searched first for `${localModelPath}/${model}/`. */
  localModelPath?: string;
  /** Allow fetching `model` ids from `remoteHost`. @defaultValue true */
  allowRemote?: boolean;
  /**
   * Load `onnx/model_quantized.onnx` instead of `onnx/model.onnx`: the same
   * as `dtype: 'q8'` (transformers.js v2's option).
   * @defaultValue false
   * @throws InvalidArgumentError (from `create`) when not a boolean, or given with `dtype` or `modelFile`.
   */
  quantized?: boolean;
  /**
   * Precision of the weights, i.e. which ONNX file of the folder to load,
   * named as transformers.js v3 names them: `'fp32'` → `onnx/model.onnx`,
   * `'q8'` → `onnx/model_quantized.onnx` (int8 dynamic quantization, the
   * hub's usual quantized file), `'fp16'` → `onnx/model_fp16.onnx`, `'int8'`
   * → `onnx/model_int8.onnx`, `'uint8'` → `onnx/model_uint8.onnx`, `'q4'` →
   * `onnx/model_q4.onnx`, `'q4f16'` → `onnx/model_q4f16.onnx`, `'bnb4'` →
   * `onnx/model_bnb4.onnx`. The file is recorded as `info.modelFile` (and in
   * snapshots). A folder without that file fails with `ModelLoadError`.
   * @defaultValue `'fp32'`
   * @throws InvalidArgumentError (from `create`) on another value, or when given with `quantized` or `modelFile`.
   */
  dtype?: ModelDtype;
  /**
   * The ONNX file inside the folder (a relative path without `.` or `..`
   * parts), for folders that name their files otherwise.
   * @defaultValue the file of `dtype`
   * @throws InvalidArgumentError (from `create`) on a path that leaves the folder, or when given with `dtype` or `quantized`.
   */
  modelFile?: string;
  /**
   * Cache of downloaded files: `true` for the platform default (the Cache
   * API in browsers, a folder in Node), `false` for none, or your own.
   * Local folders are never cached.
   * @defaultValue true
   */
  cache?: boolean | ModelCache;
  /**
   * Node cache folder.
   * @defaultValue `$MINIVECTORDB_CACHE`, else `$XDG_CACHE_HOME/minivectordb/models`, else `~/.cache/minivectordb/models`
   */
  cacheDir?: string;
  /** Browser Cache API bucket. @defaultValue `'minivectordb-models'` */
  cacheName?: string;
  /**
   * Pooling of per-token outputs; ignored when the model has a
   * `sentence_embedding` output.
   * @defaultValue `'mean'` (over the attention mask)
   */
  pooling?: Pooling;
  /** L2-normalise every vector. @defaultValue true */
  normalize?: boolean;
  /**
   * Longest token sequence per text (special tokens included); longer texts
   * are truncated at the end.
   * @defaultValue the model's (tokenizer_config.json `model_max_length`, config.json `max_position_embeddings`), else 512
   */
  maxLength?: number;
  /** Texts per model run. @defaultValue 32 */
  batchSize?: number;
  /** Download progress (and cache reads). */
  onProgress?: (event: DownloadProgress) => void;
  /**
   * Cancels loading the model: downloads stop (and waits between retries
   * end) and `create` rejects with the signal's reason (an `AbortError`
   * `DOMException` unless you gave one). Nothing partial is cached.
   * `embed()` calls take their own signal ({@link EmbedOptions.signal}).
   */
  signal?: AbortSignal;
  /**
   * Extra attempts of a model file download that failed for a passing reason
   * (network error, HTTP 408 / 429 / 5xx, interrupted or short body), with
   * exponential backoff: 0.5 s, 1 s, 2 s… (randomised up to 2x, capped at
   * 8 s; p-retry). 404 and other client errors fail at once. 0 turns retries off.
   * @defaultValue 3
   * @throws InvalidArgumentError (from `create`) when not an integer in [0, 10].
   */
  retries?: number;
  /** onnxruntime-web settings. */
  wasm?: OrtWasmOptions;
  /**
   * Where the model runs: `'wasm'` (onnxruntime-web's WebAssembly CPU
   * backend), or `'webgpu'` (its WebGPU execution provider, from
   * `onnxruntime-web/webgpu`) when the runtime offers a GPU adapter — else
   * the embedder falls back to `'wasm'` and logs a warning saying why.
   * {@link OnnxEmbedder.device} tells which one runs. Vectors agree across
   * devices to float rounding, not bit for bit.
   * @defaultValue `'wasm'`
   * @throws InvalidArgumentError (from `create`) on another value.
   */
  device?: EmbedDevice;
  /**
   * Which onnxruntime runs the model on the CPU (`device: 'wasm'`, or
   * `'webgpu'` fallen back): `'wasm'` onnxruntime-web's WebAssembly build
   * (everywhere); `'native'` onnxruntime-node, the native build (Node only;
   * install it beside this package: `npm i onnxruntime-node`, an optional
   * peer dependency; several times faster, the runtime transformers.js uses
   * in Node); `'auto'` onnxruntime-node when it imports in Node, else
   * WebAssembly. The choice is logged (`info`); {@link OnnxEmbedder.backend}
   * tells which runs. Vectors agree across backends to float rounding
   * (cosine ≥ 0.9999), not bit for bit.
   * @defaultValue `'auto'`
   * @throws InvalidArgumentError (from `create`) on another value, or for `'native'` outside Node or without a usable onnxruntime-node.
   */
  backend?: EmbedBackend;
  /** Destination of log messages. @defaultValue none (silent) */
  logger?: Logger;
  /** Minimum level passed to `logger`. @defaultValue `'warn'` */
  logLevel?: LogLevel;
}

/** The JSON-serialisable description of an embedder ({@link Embedder.info}). */
export interface EmbedderInfo {
  /** `'onnx'` for the ONNX embedder; custom embedders pick their own. */
  kind: string;
  /** Model id (`'Xenova/all-MiniLM-L6-v2'`, `'wordnet-256'`) or folder path / URL. */
  model: string;
  /** `revision` of a model id, when one applies. */
  revision?: string;
  /** ONNX file inside the folder. */
  modelFile?: string;
  /** Vector length. */
  dim: number;
  /** `'sentence_embedding'` when the model pools itself, else the pooling used. */
  pooling: Pooling | 'sentence_embedding';
  /** Whether vectors are L2-normalised. */
  normalize: boolean;
  /** Tokens per text after truncation. */
  maxLength: number;
  /**
   * `'sha256:<hex>'`: SHA-256 over the `sha256sum` lines (`<hex>  <file>\n`,
   * sorted by file name) of the model files read (tokenizer.json,
   * tokenizer_config.json, config.json, the ONNX file), so the same model
   * has the same digest wherever it is loaded from. Absent without Web Crypto.
   */
  digest?: string;
  /**
   * Options that recreate an equivalent embedder: `createEmbedder(info.config)`
   * (ONNX embedders). Never saved in snapshots: they may name a folder or URL.
   */
  config?: OnnxEmbedderConfig | ClipEmbedderConfig;
}

/**
 * The JSON-serialisable subset of {@link OnnxEmbedderOptions} that decides
 * which vectors come out (where the model is, not how it is fetched or cached).
 */
export interface OnnxEmbedderConfig {
  model?: string;
  modelPath?: string;
  modelUrl?: string;
  revision?: string;
  modelFile?: string;
  pooling?: Pooling;
  normalize?: boolean;
  maxLength?: number;
}

/**
 * Options of `ClipEmbedder.create` (`createEmbedder({ kind: 'clip', … })`):
 * those of the ONNX text embedder that apply — where the folder is
 * (`model`, `modelPath`, `modelUrl`, `revision`, `remoteHost`,
 * `localModelPath`, `allowRemote`), caching, `dtype` (both towers:
 * `onnx/vision_model${suffix}.onnx`, `onnx/text_model${suffix}.onnx`),
 * `normalize`, `maxLength` (text tokens), `batchSize` (texts per run),
 * `wasm`, `device`, `logger` — plus `imageBatchSize`.
 */
export interface ClipEmbedderOptions extends Omit<OnnxEmbedderOptions, 'pooling' | 'quantized' | 'modelFile' | 'backend'> {
  /** Images per run of the vision tower. @defaultValue 8 */
  imageBatchSize?: number;
}

/** The JSON-serialisable options that find the same CLIP model again (`info.config`). */
export interface ClipEmbedderConfig {
  kind: 'clip';
  model?: string;
  modelPath?: string;
  modelUrl?: string;
  revision?: string;
  dtype?: OnnxEmbedderOptions['dtype'];
  normalize?: boolean;
  maxLength?: number;
}
