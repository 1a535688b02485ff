/**
 * Errors of the embedding module. They extend the catalogue in `../errors.ts`
 * (`code` `'STORAGE'`), so `instanceof StorageError` and
 * `instanceof MiniVectorDBError` hold.
 */
import { InvalidArgumentError, StorageError } from '../errors.js';

/**
 * A model file could not be loaded: HTTP error (404…), network failure,
 * truncated download, unreadable local file, or bytes the tokenizer or ONNX
 * runtime rejects. Nothing broken is ever cached.
 */
export class ModelLoadError extends StorageError {
  /** `'ModelLoadError'`, set literally so minified bundles keep it. */
  override name = 'ModelLoadError';
  /** File inside the model folder, e.g. `'onnx/model.onnx'`. */
  readonly file: string;
  /** Where it was read from (URL or path). */
  readonly source: string;
  /** HTTP status, when the server answered with an error. */
  readonly status: number | undefined;
  /**
   * True when the failure may pass (network error, interrupted or short
   * download); HTTP statuses decide for themselves (408, 429, 5xx). Such
   * downloads are retried (`retries` option) before this error reaches you.
   */
  readonly transient: boolean;
  constructor(file: string, source: string, message: string, options?: { cause?: unknown; status?: number; transient?: boolean }) {
    super(`cannot load model file ${file} from ${source}: ${message}`, options);
    this.file = file;
    this.source = source;
    this.status = options?.status;
    this.transient = options?.transient ?? false;
  }
}

/** Why an image could not be turned into pixels (see {@link ImageDecodeError}). */
export type ImageDecodeReason = 'undecodable' | 'unsupported-input' | 'decoder-missing' | 'too-large';

/**
 * An image input that cannot be turned into pixels: bytes that are not a
 * JPEG / PNG / WebP / GIF / AVIF the decoder reads (`'undecodable'`), a value
 * that is no image input at all or not one of this platform
 * (`'unsupported-input'`), Node without the optional `sharp` package
 * (`'decoder-missing'`: `npm install sharp`), or more pixels than
 * {@link MAX_IMAGE_PIXELS} (`'too-large'`). Nothing is inserted.
 */
export class ImageDecodeError extends InvalidArgumentError {
  /** `'ImageDecodeError'`, set literally so minified bundles keep it. */
  override name = 'ImageDecodeError';
  /** Why: see {@link ImageDecodeReason}. */
  readonly reason: ImageDecodeReason;
  constructor(reason: ImageDecodeReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * An image was given to a database (or embedder) whose model has no image
 * tower: a text-only embedder such as `wordnet-256` or a BERT model, or no
 * embedder at all. Use a CLIP model: `{ embedder: { kind: 'clip', model: 'Xenova/clip-vit-base-patch32' } }`.
 */
export class ImagesUnsupportedError extends InvalidArgumentError {
  /** `'ImagesUnsupportedError'`, set literally so minified bundles keep it. */
  override name = 'ImagesUnsupportedError';
  /** The embedder's model, or undefined when the database has no embedder. */
  readonly model: string | undefined;
  constructor(model: string | undefined) {
    super(
      model === undefined
        ? 'images need an image embedder: create the database with { embedder: { kind: \'clip\', model: … } }'
        : `the embedder ${JSON.stringify(model)} embeds texts only (no image tower); use a CLIP model: { embedder: { kind: 'clip', model: 'Xenova/clip-vit-base-patch32' } }`,
    );
    this.model = model;
  }
}

/** Most pixels (width · height) of an image input: sharp's default `limitInputPixels`, 0x3FFF². */
export const MAX_IMAGE_PIXELS = 0x3fff * 0x3fff;
