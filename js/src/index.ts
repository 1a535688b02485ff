/**
 * MiniVectorDB — a vector database for the browser and Node.js in one
 * WebAssembly module.
 * @packageDocumentation
 */
import { MiniVectorDB as Database } from './minivectordb.js';
import { withWorkerFactory } from './worker/factory-loader.js';

// The class with createInWorker/openInWorker wired to worker/factory.ts here,
// not in minivectordb.ts, which the database worker imports (a worker that
// could spawn itself deadlocks Turbopack: see worker/factory-loader.ts).
export const MiniVectorDB = withWorkerFactory(Database, () => import('./worker/factory.js'));
export type MiniVectorDB = Database;
export type { WorkerMiniVectorDB } from './worker/proxy.js';
export type { Query, VectorDatabase } from './vector-database.js';
export {
  ClosedError,
  DimensionMismatchError,
  EmbedderMismatchError,
  InvalidArgumentError,
  LimitExceededError,
  LockedError,
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
export type { GetManyOptions, IdsOptions, ListedRecord, RecordsOptions } from './iteration-types.js';
export type { LogTailWarning } from './storage/wal/reader.js';
export { tokenize } from './lexical/tokenizer.js';
export {
  ClipEmbedder,
  createEmbedder,
  DEFAULT_TEXT_MODEL,
  DEFAULT_TEXT_MODEL_DIM,
  ImageDecodeError,
  ImagesUnsupportedError,
  MAX_IMAGE_PIXELS,
  ModelLoadError,
  OnnxEmbedder,
} from './embed/index.js';
export type {
  ClipEmbedderConfig,
  ClipEmbedderOptions,
  ImageDecodeReason,
  ImageEmbedder,
  ImageInput,
  ImageQuery,
  RawImage,
  DownloadProgress,
  EmbedBackend,
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
  Durability,
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
  LockMode,
  SearchHit,
  SearchMode,
  SearchOptions,
  Stats,
  StoredRecord,
  TextIndexOptions,
  WasmSource,
  WorkerOptions,
} from './types.js';
export type { CompiledWasmModule, WebWorker } from './host-types.js';
export type { CompactOptions, CompactProgress, OpenProgress, SaveOptions, SaveProgress } from './progress-types.js';
