/**
 * The ONNX text embedder: a Hugging Face model folder run through
 * onnxruntime-web (WebAssembly build; onnxruntime-node in Node when
 * installed) and @huggingface/tokenizers. This class
 * only composes the parts, each in its own file:
 *
 * - `onnx-options.ts`: option checks and defaults;
 * - `model-resolve.ts` → `model-loader.ts`: where the files are, reading them
 *   (downloads cached only once they proved usable);
 * - `text-encoding.ts`: tokenising with truncation to `maxLength`, batching
 *   longest first, padding;
 * - `ort-session.ts`: the onnxruntime session (threads, inputs, output, runs;
 *   `ort-native.ts` onnxruntime-node when `backend` allows);
 * - `pooling.ts`: per-token states to one vector (`mean` over the attention
 *   mask, or `cls`), then L2 normalisation.
 *
 * Models with a `sentence_embedding` output [batch, dim] pool themselves;
 * otherwise the per-token output [batch, seq, dim] is pooled here.
 */
import { InvalidArgumentError, MiniVectorDBError } from '../errors.js';
import type { Logger } from '../logger.js';
import { checkInt, checkKnownKeys, checkObject } from '../check.js';
import { modelDigest } from './digest.js';
import type { EmbedDevice, EmbedOptions, Embedder, EmbedderInfo, OnnxEmbedderOptions, Pooling } from './embedder.js';
import { ModelLoadError } from './errors.js';
import { evictUnusable, loadModelFiles, readJsonFile } from './model-loader.js';
import { openModelCache, resolveModel } from './model-resolve.js';
import { MAX_BATCH, readOnnxOptions } from './onnx-options.js';
import { loadOrt, OrtTextModel } from './ort-session.js';
import { normalizeL2, poolTokens, splitRows } from './pooling.js';
import { batchOrder, checkTexts, chooseMaxLength, loadTokenizer, TextEncoding, type EncodedText } from './text-encoding.js';

/**
 * Embeds texts with an ONNX model. Create with {@link OnnxEmbedder.create}
 * (or `createEmbedder()`); free with {@link OnnxEmbedder.dispose}.
 */
export class OnnxEmbedder implements Embedder {
  readonly dim: number;
  readonly info: EmbedderInfo;
  private closed = false;
  /** Runs are serialised: one ORT session runs one batch at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly model: OrtTextModel,
    private readonly encoding: TextEncoding,
    private readonly pooling: Pooling,
    private readonly normalize: boolean,
    private readonly batchSize: number,
    private readonly logger: Logger,
    /** The backend that runs the model: `'webgpu'` only when asked for and available, else `'wasm'` (the CPU). */
    readonly device: EmbedDevice,
    /** The onnxruntime that runs it: `'native'` (onnxruntime-node) or `'wasm'` (onnxruntime-web). */
    readonly backend: 'wasm' | 'native',
    info: Omit<EmbedderInfo, 'dim'>,
  ) {
    this.dim = model.dim;
    this.info = Object.freeze({ ...info, dim: model.dim });
  }

  /**
   * Loads the model (downloading and caching it when it is remote), builds
   * the tokenizer and the ONNX session, and checks the model's inputs and
   * outputs. Throws ModelLoadError when a file is missing or unusable,
   * InvalidArgumentError on bad options.
   */
  static async create(options: OnnxEmbedderOptions = {}): Promise<OnnxEmbedder> {
    const { logger, pooling, normalize, batchSize, modelFile, maxLength: requestedMaxLength, device: requestedDevice, backend: requestedBackend } = readOnnxOptions(options);
    const { candidates, model, config } = await resolveModel(options);
    const cache = await openModelCache(options);
    const loaded = await loadModelFiles({
      candidates,
      required: ['tokenizer.json', modelFile],
      optional: ['tokenizer_config.json', 'config.json'],
      cache,
      logger,
      onProgress: options.onProgress,
      signal: options.signal,
      retries: options.retries,
    });

    try {
      const tokenizerJson = readJsonFile(loaded, 'tokenizer.json');
      const tokenizerConfig = readJsonFile(loaded, 'tokenizer_config.json');
      const modelConfig = readJsonFile(loaded, 'config.json');
      const tokenizer = await loadTokenizer(tokenizerJson, tokenizerConfig, loaded.source);
      const maxLength = chooseMaxLength(requestedMaxLength, tokenizerConfig, modelConfig);
      const encoding = new TextEncoding(tokenizer, tokenizerJson, tokenizerConfig, maxLength);

      const runtime = await loadOrt(options.wasm, logger, requestedDevice, requestedBackend);
      const { ort, device, backend } = runtime;
      const probe = (withTypeIds: boolean) => encoding.pad([encoding.encode('a')], withTypeIds);
      const ref = { file: modelFile, source: loaded.source };
      const session = await OrtTextModel.create(ort, loaded.files.get(modelFile)!, ref, modelConfig.hidden_size, probe, runtime);
      try {
        const pooled = session.output.pooled;
        if (pooled && options.pooling !== undefined) logger.warn(`pooling '${options.pooling}' is ignored: the model outputs sentence_embedding`);
        const digest = await modelDigest(loaded.files);
        // Every file proved usable: now (and only now) keep the downloads.
        await loaded.commit();
        logger.info(`embedder: ${model} (${session.dim} dimensions, ${pooled ? 'sentence_embedding' : `${pooling} pooling`}, max ${maxLength} tokens, ${device === 'webgpu' ? 'webgpu' : backend === 'native' ? 'onnxruntime-node' : 'onnxruntime-web wasm'})`);
        return new OnnxEmbedder(session, encoding, pooling, normalize, batchSize, logger, device, backend, {
          kind: 'onnx',
          model,
          ...(config.revision !== undefined ? { revision: config.revision } : {}),
          modelFile,
          pooling: pooled ? 'sentence_embedding' : pooling,
          normalize,
          maxLength,
          ...(digest !== undefined ? { digest } : {}),
          config: { ...config, modelFile, ...(pooled ? {} : { pooling }), normalize, maxLength },
        });
      } catch (e) {
        await session.release().catch(() => undefined);
        throw e;
      }
    } catch (e) {
      await evictUnusable(loaded, e, logger);
      throw e;
    }
  }

  /**
   * The token ids the model sees for `text`: special tokens included,
   * truncated to `info.maxLength`. For inspection (how long is a text, what
   * gets cut); {@link OnnxEmbedder.embed} does this itself.
   */
  tokenize(text: string): number[] {
    if (typeof text !== 'string') throw new InvalidArgumentError(`text must be a string, got ${typeof text}`);
    return this.encoding.encode(text).ids;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (this.closed) throw new MiniVectorDBError('CLOSED', 'cannot call embed(): the embedder was disposed');
    checkTexts(texts);
    checkObject(options, 'embed options');
    checkKnownKeys(options, ['batchSize', 'onProgress', 'signal'], 'embed options');
    const batchSize = checkInt(options.batchSize ?? this.batchSize, 'batchSize', 1, MAX_BATCH);
    const n = texts.length;
    const out = new Array<Float32Array>(n);
    if (n === 0) return out;

    const enc = texts.map((t) => this.encoding.encode(t));
    const order = batchOrder(enc.map((e) => e.ids.length), batchSize);
    let done = 0;
    for (let start = 0; start < n; start += batchSize) {
      options.signal?.throwIfAborted();
      const idx = order.slice(start, start + batchSize);
      const vectors = await this.run(idx.map((i) => enc[i]!));
      idx.forEach((i, k) => (out[i] = vectors[k]!));
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

  /** One model run over a batch; serialised with every other run of this embedder. */
  private run(batch: readonly EncodedText[]): Promise<Float32Array[]> {
    const job = this.queue.then(() => this.runNow(batch));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async runNow(texts: readonly EncodedText[]): Promise<Float32Array[]> {
    if (this.closed) throw new MiniVectorDBError('CLOSED', 'cannot call embed(): the embedder was disposed');
    const batch = this.encoding.pad(texts, this.model.feedsTypeIds);
    const data = await this.model.run(batch);
    const vectors = this.model.output.pooled
      ? splitRows(data, batch.size, this.dim)
      : poolTokens(data, batch.attentionMask, batch.size, batch.seq, this.dim, this.pooling);
    if (this.normalize) for (const v of vectors) normalizeL2(v);
    return vectors;
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.model.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
