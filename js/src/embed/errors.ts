/**
 * Errors of the embedding module. They extend the catalogue in `../errors.ts`
 * (`code` `'STORAGE'`), so `instanceof StorageError` and
 * `instanceof MiniVectorDBError` hold.
 */
import { StorageError } from '../errors.js';

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
