/**
 * MiniVectorDB — a vector database for the browser and Node.js in one
 * WebAssembly module.
 * @packageDocumentation
 */
export { MiniVectorDB } from './minivectordb.js';
export type { WorkerMiniVectorDB } from './worker/proxy.js';
export type { Query, VectorDatabase } from './vector-database.js';
export {
  ClosedError,
  DimensionMismatchError,
  EmbedderMismatchError,
  InvalidArgumentError,
  LimitExceededError,
  MiniVectorDBError,
  NotFoundError,
  OutOfMemoryError,
  SnapshotError,
  StorageError,
  TimeoutError,
  type ErrorCode,
  type LimitName,
} from './errors.js';
export { MAX_ID_LENGTH, MAX_METADATA_BYTES, MAX_METADATA_DEPTH } from './limits.js';
export type { Logger, LogLevel } from './logger.js';
export { tokenize } from './lexical/tokenizer.js';
export { createEmbedder, DEFAULT_TEXT_MODEL, DEFAULT_TEXT_MODEL_DIM, ModelLoadError, OnnxEmbedder } from './embed/index.js';
export type {
  DownloadProgress,
  EmbedDevice,
  EmbedOptions,
  EmbedProgress,
  Embedder,
  EmbedderConfig,
  EmbedderInfo,
  ModelCache,
  ModelDtype,
  OnnxEmbedderConfig,
  OnnxEmbedderOptions,
  Pooling,
} from './embed/index.js';
export type {
  AutosaveOptions,
  CreateInWorkerOptions,
  CreateOptions,
  Filter,
  FilterOperators,
  FilterValue,
  InsertItem,
  InsertManyOptions,
  UpdateChanges,
  InsertManyResult,
  Metadata,
  MetadataValue,
  Metric,
  DeserializeOptions,
  OpenInWorkerOptions,
  OpenOptions,
  Quantization,
  SearchHit,
  SearchMode,
  SearchOptions,
  Stats,
  StoredRecord,
  TextIndexOptions,
  WasmSource,
  WorkerOptions,
} from './types.js';
