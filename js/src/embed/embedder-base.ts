/**
 * What the two ONNX embedders (`OnnxEmbedder` for BERT-style text models,
 * `ClipEmbedder` for CLIP) share once their sessions exist: the model's
 * facts (`dim`, `info`, `device`), the text encoding, runs serialised (one
 * onnxruntime session runs one batch at a time), batches in a given order
 * with L2 normalisation and progress after each, the per-call options, the
 * closed state and disposal. The set-up they share (finding, loading and
 * caching the files, the tokenizer) is in `model-setup.ts`.
 * @internal
 */
import { checkInt, checkKnownKeys, checkObject } from '../check.js';
import { InvalidArgumentError, MiniVectorDBError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EmbedDevice, EmbedOptions, EmbedderInfo } from './embedder.js';
import { MAX_BATCH } from './onnx-options.js';
import { normalizeL2 } from './pooling.js';
import { batchOrder, checkTexts, type EncodedText, type TextEncoding } from './text-encoding.js';

/** An ONNX embedder's state and the batching loop; subclasses add the model runs. */
export abstract class EmbedderBase {
  readonly dim: number;
  readonly info: EmbedderInfo;
  private closed = false;
  /** Runs are serialised: one ORT session runs one batch at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  protected constructor(
    protected readonly encoding: TextEncoding,
    private readonly normalize: boolean,
    protected readonly logger: Logger,
    /** The backend that runs the model: `'webgpu'` only when asked for and available, else `'wasm'` (the CPU). */
    readonly device: EmbedDevice,
    dim: number,
    info: Omit<EmbedderInfo, 'dim'>,
  ) {
    this.dim = dim;
    this.info = Object.freeze({ ...info, dim });
  }

  /**
   * The token ids the model (CLIP: its text tower) sees for `text`: special
   * tokens included, truncated to `info.maxLength`. For inspection (how long
   * is a text, what gets cut); `embed()` does this itself.
   * @throws InvalidArgumentError unless `text` is a string.
   */
  tokenize(text: string): number[] {
    if (typeof text !== 'string') throw new InvalidArgumentError(`text must be a string, got ${typeof text}`);
    return this.encoding.encode(text).ids;
  }

  /** Frees the sessions once the runs under way are done. Idempotent. */
  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /** Frees the onnxruntime sessions (called once, by {@link EmbedderBase.dispose}). */
  protected abstract release(): Promise<void>;

  /** @throws MiniVectorDBError `CLOSED` after {@link EmbedderBase.dispose}. */
  protected checkOpen(method: string): void {
    if (this.closed) throw new MiniVectorDBError('CLOSED', `cannot call ${method}(): the embedder was disposed`);
  }

  /**
   * Checks one call's options.
   * @returns the call's batch size: `options.batchSize`, else `batchDefault`.
   * @throws InvalidArgumentError on an unknown key or a batch size outside 1…{@link MAX_BATCH}.
   */
  protected readCallOptions(options: EmbedOptions, batchDefault: number): number {
    checkObject(options, 'embed options');
    checkKnownKeys(options, ['batchSize', 'onProgress', 'signal'], 'embed options');
    return checkInt(options.batchSize ?? batchDefault, 'batchSize', 1, MAX_BATCH);
  }

  /**
   * Embeds `texts`: checks them and the options, tokenises them, and runs
   * them in batches of similar length (longest first; {@link batchOrder}),
   * each through `run` (its padded model run, one vector per text). Bad
   * arguments reject the returned promise (nothing is thrown synchronously).
   */
  protected async embedTexts(texts: readonly string[], options: EmbedOptions, batchDefault: number, run: (batch: readonly EncodedText[]) => Promise<Float32Array[]>): Promise<Float32Array[]> {
    this.checkOpen('embed');
    checkTexts(texts);
    const batchSize = this.readCallOptions(options, batchDefault);
    const enc = this.encoding.encodeAll(texts);
    const order = batchOrder(enc.map((e) => e.ids.length), batchSize);
    return this.runBatches(texts.length, batchSize, order, options, (idx) => run(idx.map((i) => enc[i]!)));
  }

  /**
   * Runs the inputs `order` in batches of `batchSize`, serialised with every
   * other run of this embedder; normalises the vectors when the embedder
   * does; reports `{ phase: 'embed', done, total }` after each batch; stops
   * between batches when `options.signal` is aborted.
   * @returns `n` vectors, in input order (`out[order[k]]` is the k-th run's).
   */
  protected async runBatches(
    n: number,
    batchSize: number,
    order: readonly number[],
    options: EmbedOptions,
    run: (idx: number[]) => Promise<Float32Array[]>,
  ): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(n);
    let done = 0;
    for (let start = 0; start < n; start += batchSize) {
      options.signal?.throwIfAborted();
      const idx = order.slice(start, start + batchSize);
      const job = this.queue.then(() => {
        this.checkOpen('embed');
        return run(idx);
      });
      this.queue = job.catch(() => undefined);
      const vectors = await job;
      idx.forEach((i, k) => {
        const v = vectors[k]!;
        if (this.normalize) normalizeL2(v);
        out[i] = v;
      });
      done += idx.length;
      if (options.onProgress !== undefined) {
        try {
          options.onProgress({ phase: 'embed', done, total: n });
        } catch (cause) {
          this.logger.warn(`onProgress threw: ${String(cause)}`);
        }
      }
    }
    return out;
  }
}
