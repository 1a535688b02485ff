/**
 * An {@link Embedder} over a model run by another library (the AI SDK,
 * transformers.js): the batching, abort, progress, shape checks and
 * disposal that every such adapter needs, around one `run(batch)` function.
 * @internal
 */
import { checkInt, checkKnownKeys, checkObject, describe } from '../check.js';
import type { EmbedOptions, Embedder, EmbedderInfo } from '../embed/embedder.js';
import { normalizeL2, splitRows } from '../embed/pooling.js';
import { DimensionMismatchError, InvalidArgumentError, MiniVectorDBError } from '../errors.js';
import { gateLogger, type Logger, type LogLevel } from '../logger.js';

/** Largest `batchSize` accepted (as the ONNX embedder's). */
const MAX_BATCH = 4096;

/** Options every adapted embedder takes. */
export interface ExternalEmbedderOptions {
  /**
   * Vector length. When absent, the adapter embeds one probe text once to
   * learn it (one model call; for a paid API, give `dim` to avoid it).
   */
  dim?: number;
  /** Texts per call of the other library. @defaultValue 32 */
  batchSize?: number;
  /**
   * L2-normalise every vector after the model. Cosine databases normalise
   * on insert anyway; this matters for `ip`, and for the vectors the
   * embedder returns.
   * @defaultValue false
   */
  normalize?: boolean;
  /** Destination of log messages (a throwing `onProgress`). @defaultValue none */
  logger?: Logger;
  /** Minimum level passed to `logger`. @defaultValue `'warn'` */
  logLevel?: LogLevel;
}

/** One call of the other library: `texts.length` vectors, as rows of numbers or one row-major block. */
export type RunBatch = (texts: string[], signal: AbortSignal | undefined) => Promise<ArrayLike<number>[] | { data: ArrayLike<number>; rows: number }>;

/** The probe text embedded once when `dim` is not given. */
const PROBE = 'dimension probe';

/**
 * Builds the embedder: reads the options, learns `dim` with one probe call
 * when it is not given.
 * @throws InvalidArgumentError on a bad option.
 */
export async function createExternalEmbedder(run: RunBatch, info: Omit<EmbedderInfo, 'dim' | 'normalize'>, options: ExternalEmbedderOptions, extraKeys: readonly string[]): Promise<Embedder> {
  checkObject(options, 'embedder options');
  checkKnownKeys(options, ['dim', 'batchSize', 'normalize', 'logger', 'logLevel', ...extraKeys], 'embedder options');
  const batchSize = checkInt(options.batchSize ?? 32, 'batchSize', 1, MAX_BATCH);
  if (options.normalize !== undefined && typeof options.normalize !== 'boolean') throw new InvalidArgumentError(`normalize must be a boolean, got ${describe(options.normalize)}`);
  const normalize = options.normalize ?? false;
  const logger = gateLogger(options.logger, options.logLevel);
  let dim: number;
  if (options.dim === undefined) {
    const probe = await runChecked(run, [PROBE], undefined, undefined);
    dim = probe[0]!.length;
    if (dim < 1) throw new InvalidArgumentError(`the model returned an empty vector for a probe text`);
  } else {
    dim = checkInt(options.dim, 'dim', 1, 65536);
  }
  return new ExternalEmbedder(run, { ...info, dim, normalize }, batchSize, logger);
}

class ExternalEmbedder implements Embedder {
  #closed = false;

  constructor(
    private readonly run: RunBatch,
    readonly info: EmbedderInfo,
    private readonly batchSize: number,
    private readonly logger: Logger,
  ) {}

  get dim(): number {
    return this.info.dim;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (this.#closed) throw new MiniVectorDBError('CLOSED', 'cannot call embed(): the embedder was disposed');
    if (!Array.isArray(texts)) throw new InvalidArgumentError(`texts must be an array of strings, got ${describe(texts)}`);
    checkObject(options, 'embed options');
    checkKnownKeys(options, ['batchSize', 'onProgress', 'signal'], 'embed options');
    texts.forEach((t, i) => {
      if (typeof t !== 'string') throw new InvalidArgumentError(`texts[${i}] must be a string, got ${describe(t)}`);
    });
    const batchSize = checkInt(options.batchSize ?? this.batchSize, 'batchSize', 1, MAX_BATCH);
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const vectors = await runChecked(this.run, texts.slice(start, start + batchSize), options.signal, this.info.dim);
      for (const v of vectors) {
        if (this.info.normalize) normalizeL2(v);
        out.push(v);
      }
      if (options.onProgress !== undefined) {
        try {
          options.onProgress({ phase: 'embed', done: out.length, total: texts.length });
        } catch (cause) {
          this.logger.warn(`onProgress threw: ${String(cause)}`);
        }
      }
    }
    return out;
  }

  async dispose(): Promise<void> {
    this.#closed = true;
  }
}

/**
 * Runs one batch and checks what came back: one vector per text, each of
 * `dim` values (when known), copied into `Float32Array`s.
 * @throws InvalidArgumentError when the model returns another number of vectors.
 * @throws DimensionMismatchError when a vector's length is not `dim`.
 */
async function runChecked(run: RunBatch, texts: string[], signal: AbortSignal | undefined, dim: number | undefined): Promise<Float32Array[]> {
  const got = await run(texts, signal);
  let rows: Float32Array[];
  if (Array.isArray(got)) {
    rows = got.map((v) => Float32Array.from(v));
  } else {
    const { data, rows: n } = got as { data: ArrayLike<number>; rows: number };
    if (n !== texts.length || data.length % Math.max(n, 1) !== 0) throw new InvalidArgumentError(`the model returned ${n} rows of ${data.length} values for ${texts.length} texts`);
    rows = splitRows(Float32Array.from(data), n, data.length / n);
  }
  if (rows.length !== texts.length) throw new InvalidArgumentError(`the model returned ${rows.length} vectors for ${texts.length} texts`);
  if (dim !== undefined) {
    for (const v of rows) if (v.length !== dim) throw new DimensionMismatchError(dim, v.length, 'embedded vector');
  }
  return rows;
}
