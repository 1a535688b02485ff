/**
 * Text embedding for MiniVectorDB: the {@link Embedder} interface, the ONNX
 * embedder (any Hugging Face model folder, or the built-in `wordnet-256`),
 * model loading and caching.
 *
 * ```ts
 * const embedder = await createEmbedder();                                    // wordnet-256, no download
 * const minilm = await createEmbedder({ model: 'Xenova/all-MiniLM-L6-v2' }); // fetched once, then cached
 * const [v] = await embedder.embed(['how do I fix my bicycle']);             // Float32Array(256), unit length
 * ```
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors.js';
import type { Embedder, EmbedderConfig } from './embedder.js';
import { OnnxEmbedder } from './onnx-embedder.js';
import { ClipEmbedder } from './clip/clip-embedder.js';

export type {
  DownloadProgress,
  EmbedBackend,
  EmbedDevice,
  EmbedOptions,
  EmbedProgress,
  Embedder,
  EmbedderConfig,
  EmbedderInfo,
  ClipEmbedderConfig,
  ClipEmbedderOptions,
  ModelCache,
  ModelDtype,
  OnnxEmbedderConfig,
  OnnxEmbedderOptions,
  OrtWasmOptions,
  Pooling,
  ProgressEvent,
} from './embedder.js';
export { OnnxEmbedder } from './onnx-embedder.js';
export { ModelLoadError, ImageDecodeError, ImagesUnsupportedError, MAX_IMAGE_PIXELS, type ImageDecodeReason } from './errors.js';
export { ClipEmbedder, isImageEmbedder, type ImageEmbedder } from './clip/clip-embedder.js';
export type { ImageInput, ImageQuery, RawImage } from './image/input.js';
export { DEFAULT_TEXT_MODEL, DEFAULT_TEXT_MODEL_DIM } from './default-model.js';
export { DEFAULT_REMOTE_HOST } from './model-resolve.js';
export { CacheApiModelCache } from './cache-browser.js';

/**
 * An embedder from a config: a ready {@link Embedder} is returned as is;
 * options (including an `EmbedderInfo.config`) create an
 * {@link OnnxEmbedder}, or with `kind: 'clip'` a {@link ClipEmbedder}. With no argument: the built-in `wordnet-256` model.
 */
export async function createEmbedder(config: EmbedderConfig = {}): Promise<Embedder> {
  if (typeof config !== 'object' || config === null) throw new InvalidArgumentError(`embedder config must be an object, got ${String(config)}`);
  if (isEmbedder(config)) return config;
  const { kind, ...options } = config;
  if (kind === 'clip') return ClipEmbedder.create(options);
  if (kind !== undefined && kind !== 'onnx') throw new InvalidArgumentError(`unknown embedder kind ${JSON.stringify(kind)}; expected 'onnx' or 'clip'`);
  return OnnxEmbedder.create(options);
}

/** True for objects with `dim`, `embed()` and `dispose()`. */
export function isEmbedder(x: unknown): x is Embedder {
  const e = x as Partial<Embedder> | null;
  return typeof e === 'object' && e !== null && typeof e.embed === 'function' && typeof e.dispose === 'function' && typeof e.dim === 'number';
}
