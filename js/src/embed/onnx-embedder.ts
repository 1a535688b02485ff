/**
 * The ONNX text embedder: a Hugging Face model folder run through
 * onnxruntime-web (WebAssembly build) and @huggingface/tokenizers.
 *
 * Per `embed()` call: tokenise every text (truncated to `maxLength` tokens,
 * special tokens kept), sort by length so batches carry little padding, and
 * for each batch of `batchSize` texts feed `input_ids`, `attention_mask` and
 * (when the model has it) `token_type_ids`, all int64 [batch, seq]. The text
 * vector is the model's `sentence_embedding` output [batch, dim] when it has
 * one, otherwise the per-token output [batch, seq, dim] pooled by `mean`
 * over the attention mask or `cls` (token 0); then L2-normalised.
 *
 * Both libraries are imported lazily, so importing this module costs nothing
 * until a model is created.
 */
import type * as Ort from 'onnxruntime-web/wasm';
import type { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { InvalidArgumentError, MiniVectorDBError } from '../errors.js';
import { gateLogger, type Logger } from '../logger.js';
import { checkInt, checkKnownKeys, checkObject } from '../check.js';
import { CacheApiModelCache, hasCacheApi } from './cache-browser.js';
import { DEFAULT_TEXT_MODEL, defaultModelLocation } from './default-model.js';
import { modelDigest } from './digest.js';
import type { EmbedOptions, Embedder, EmbedderInfo, ModelCache, OnnxEmbedderConfig, OnnxEmbedderOptions, Pooling } from './embedder.js';
import { ModelLoadError } from './errors.js';
import { candidatesForModelId, isNode, loadModelFiles, locationOf, type ModelCandidate } from './model-loader.js';

type OrtModule = typeof Ort;

const OPTION_KEYS: readonly (keyof OnnxEmbedderOptions)[] = [
  'model',
  'modelPath',
  'modelUrl',
  'revision',
  'remoteHost',
  'localModelPath',
  'allowRemote',
  'quantized',
  'modelFile',
  'cache',
  'cacheDir',
  'cacheName',
  'pooling',
  'normalize',
  'maxLength',
  'batchSize',
  'onProgress',
  'wasm',
  'logger',
  'logLevel',
];

/** Upper bound for `maxLength` (tokens per text). */
const MAX_SEQUENCE = 1 << 16;
/** `model_max_length` values at or above this are the "no limit" sentinel (1e30) of tokenizer configs. */
const NO_LIMIT = 1e9;

let ortModule: Promise<OrtModule> | undefined;
let ortThreads: { threads: number; why: string } | undefined;

/** Imports onnxruntime-web once and sets its thread count before the first session. */
async function loadOrt(options: OnnxEmbedderOptions, logger: Logger): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-web/wasm');
  let ort: OrtModule;
  try {
    ort = await ortModule;
  } catch (cause) {
    ortModule = undefined;
    throw new MiniVectorDBError('INTERNAL', `cannot load onnxruntime-web: ${String(cause)}`, { cause });
  }
  const wanted = options.wasm?.numThreads;
  if (ortThreads === undefined) {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    let threads = 1;
    let why: string;
    const preset = ort.env.wasm.numThreads;
    if (wanted !== undefined) {
      threads = wanted;
      why = 'wasm.numThreads option';
    } else if (typeof preset === 'number' && preset > 0) {
      threads = preset;
      why = 'ort.env.wasm.numThreads was already set';
    } else if (isNode()) {
      why = 'Node.js: one thread by default';
    } else if (isolated) {
      const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
      threads = Math.min(4, Math.max(1, Math.ceil(cores / 2)));
      why = 'the page is cross-origin isolated';
    } else {
      why = 'the page is not cross-origin isolated, so no SharedArrayBuffer';
    }
    ort.env.wasm.numThreads = threads;
    if (options.wasm?.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasm.wasmPaths;
    ortThreads = { threads, why };
  } else if (wanted !== undefined && wanted !== ortThreads.threads) {
    logger.warn(`onnxruntime-web already runs with ${ortThreads.threads} thread(s); wasm.numThreads ${wanted} applies only before the first model is loaded`);
  }
  logger.debug(`onnxruntime-web ${ort.env.versions.web ?? ''}: ${ortThreads.threads} thread(s) (${ortThreads.why})`);
  return ort;
}

/** Tokenises one text into ids with truncation and the model's special tokens. */
class TextEncoding {
  readonly padId: number;
  private readonly unkId: number;
  private readonly specials: number;

  constructor(
    private readonly tokenizer: HfTokenizer,
    tokenizerJson: Record<string, unknown>,
    tokenizerConfig: Record<string, unknown>,
    readonly maxLength: number,
  ) {
    const padding = tokenizerJson.padding as { pad_id?: number } | null | undefined;
    const padToken = tokenName(tokenizerConfig.pad_token);
    this.padId = padding?.pad_id ?? (padToken !== undefined ? tokenizer.token_to_id(padToken) : undefined) ?? 0;
    const model = tokenizerJson.model as { unk_token?: string } | undefined;
    const unk = tokenName(tokenizerConfig.unk_token) ?? model?.unk_token;
    this.unkId = (unk !== undefined ? tokenizer.token_to_id(unk) : undefined) ?? 0;
    this.specials = tokenizer.post_processor?.post_process([], null, true).tokens.length ?? 0;
    if (this.specials >= maxLength) {
      throw new InvalidArgumentError(`maxLength ${maxLength} leaves no room for text: the model adds ${this.specials} special tokens`);
    }
  }

  /** Token ids and token type ids of `text`, at most `maxLength` long. */
  encode(text: string): { ids: number[]; typeIds: number[] | undefined } {
    let tokens = this.tokenizer.tokenize(text, { add_special_tokens: false });
    const room = this.maxLength - this.specials;
    if (tokens.length > room) tokens = tokens.slice(0, room);
    let typeIds: number[] | undefined;
    const pp = this.tokenizer.post_processor;
    if (pp !== null) {
      const out = pp.post_process(tokens, null, true);
      tokens = out.tokens;
      typeIds = out.token_type_ids;
    }
    const ids = new Array<number>(tokens.length);
    for (let i = 0; i < tokens.length; i++) ids[i] = this.tokenizer.token_to_id(tokens[i]!) ?? this.unkId;
    return { ids, typeIds };
  }
}

function tokenName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

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
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    private readonly encoding: TextEncoding,
    private readonly output: { name: string; pooled: boolean },
    private readonly feedTypeIds: boolean,
    private readonly pooling: Pooling,
    private readonly normalize: boolean,
    private readonly batchSize: number,
    private readonly logger: Logger,
    dim: number,
    info: Omit<EmbedderInfo, 'dim'>,
  ) {
    this.dim = dim;
    this.info = Object.freeze({ ...info, dim });
  }

  /**
   * Loads the model (downloading and caching it when it is remote), builds
   * the tokenizer and the ONNX session, and checks the model's inputs and
   * outputs. Throws ModelLoadError when a file is missing or unusable,
   * InvalidArgumentError on bad options.
   */
  static async create(options: OnnxEmbedderOptions = {}): Promise<OnnxEmbedder> {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('embedder options must be an object');
    checkKnownKeys(options, OPTION_KEYS, 'embedder options');
    const logger = gateLogger(options.logger, options.logLevel);
    const pooling = options.pooling ?? 'mean';
    if (pooling !== 'mean' && pooling !== 'cls') throw new InvalidArgumentError(`pooling must be 'mean' or 'cls', got ${JSON.stringify(pooling)}`);
    const normalize = options.normalize ?? true;
    const batchSize = checkInt(options.batchSize ?? 32, 'batchSize', 1, 4096);
    if (options.maxLength !== undefined) checkInt(options.maxLength, 'maxLength', 1, MAX_SEQUENCE);
    if (options.wasm !== undefined) {
      checkObject(options.wasm, 'wasm');
      checkKnownKeys(options.wasm, ['numThreads', 'wasmPaths'], 'wasm options');
      if (options.wasm.numThreads !== undefined) checkInt(options.wasm.numThreads, 'wasm.numThreads', 1, 64);
    }
    const modelFile = options.modelFile ?? (options.quantized === true ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx');
    if (typeof modelFile !== 'string' || !modelFile.split('/').every((part) => /^[\w.-]+$/.test(part) && part !== '.' && part !== '..')) {
      throw new InvalidArgumentError(`modelFile must be a relative path inside the model folder, got ${JSON.stringify(modelFile)}`);
    }

    const { candidates, model, config } = await resolveCandidates(options);
    const cache = await openCache(options);
    const loaded = await loadModelFiles({
      candidates,
      required: ['tokenizer.json', modelFile],
      optional: ['tokenizer_config.json', 'config.json'],
      cache,
      logger,
      onProgress: options.onProgress,
    });

    try {
      const tokenizerJson = parseJson(loaded.files.get('tokenizer.json')!, 'tokenizer.json', loaded.source);
      const tokenizerConfig = loaded.files.has('tokenizer_config.json')
        ? parseJson(loaded.files.get('tokenizer_config.json')!, 'tokenizer_config.json', loaded.source)
        : {};
      const modelConfig = loaded.files.has('config.json') ? parseJson(loaded.files.get('config.json')!, 'config.json', loaded.source) : {};

      const { Tokenizer } = await import('@huggingface/tokenizers');
      let tokenizer: HfTokenizer;
      try {
        tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
      } catch (cause) {
        throw new ModelLoadError('tokenizer.json', loaded.source, `the tokenizer rejects it: ${String(cause)}`, { cause });
      }
      const maxLength = chooseMaxLength(options.maxLength, tokenizerConfig, modelConfig);
      const encoding = new TextEncoding(tokenizer, tokenizerJson, tokenizerConfig, maxLength);

      const ort = await loadOrt(options, logger);
      let session: Ort.InferenceSession;
      try {
        // logSeverityLevel 3: onnxruntime's own warnings would go straight to the console; failures still throw.
        session = await ort.InferenceSession.create(loaded.files.get(modelFile)!, {
          executionProviders: ['wasm'],
          graphOptimizationLevel: 'all',
          logSeverityLevel: 3,
        });
      } catch (cause) {
        throw new ModelLoadError(modelFile, loaded.source, `onnxruntime cannot load it: ${String(cause)}`, { cause });
      }

      try {
        const inputs = new Set(session.inputNames);
        for (const name of ['input_ids', 'attention_mask']) {
          if (!inputs.has(name)) throw new ModelLoadError(modelFile, loaded.source, `the model has no '${name}' input (inputs: ${session.inputNames.join(', ')})`);
        }
        const feedTypeIds = inputs.has('token_type_ids');
        const unknown = session.inputNames.filter((n) => n !== 'input_ids' && n !== 'attention_mask' && n !== 'token_type_ids');
        if (unknown.length > 0) throw new ModelLoadError(modelFile, loaded.source, `unsupported model inputs: ${unknown.join(', ')}`);
        const output = pickOutput(session, modelFile, loaded.source);
        if (output.pooled && options.pooling !== undefined) {
          logger.warn(`pooling '${options.pooling}' is ignored: the model outputs sentence_embedding`);
        }
        const dim = await findDim(session, output, modelConfig, ort, encoding, feedTypeIds, modelFile, loaded.source);

        const digest = await modelDigest(loaded.files);
        // Every file proved usable: now (and only now) keep the downloads.
        await loaded.commit();
        logger.info(`embedder: ${model} (${dim} dimensions, ${output.pooled ? 'sentence_embedding' : `${pooling} pooling`}, max ${maxLength} tokens)`);
        return new OnnxEmbedder(ort, session, encoding, output, feedTypeIds, pooling, normalize, batchSize, logger, dim, {
          kind: 'onnx',
          model,
          ...(config.revision !== undefined ? { revision: config.revision } : {}),
          modelFile,
          pooling: output.pooled ? 'sentence_embedding' : pooling,
          normalize,
          maxLength,
          ...(digest !== undefined ? { digest } : {}),
          config: { ...config, modelFile, ...(output.pooled ? {} : { pooling }), normalize, maxLength },
        });
      } catch (e) {
        await session.release().catch(() => undefined);
        throw e;
      }
    } catch (e) {
      if (loaded.fromCache && e instanceof ModelLoadError) {
        logger.warn(`model files from the cache are unusable; removing them so the next load downloads them again`);
        await loaded.evict();
      }
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
    if (!Array.isArray(texts)) throw new InvalidArgumentError(`texts must be an array of strings, got ${typeof texts}`);
    checkObject(options, 'embed options');
    checkKnownKeys(options, ['batchSize', 'onProgress', 'signal'], 'embed options');
    for (let i = 0; i < texts.length; i++) {
      if (typeof texts[i] !== 'string') throw new InvalidArgumentError(`texts[${i}] must be a string, got ${typeof texts[i]}`);
    }
    const batchSize = checkInt(options.batchSize ?? this.batchSize, 'batchSize', 1, 4096);
    const n = texts.length;
    const out = new Array<Float32Array>(n);
    if (n === 0) return out;

    const enc = texts.map((t) => this.encoding.encode(t));
    // Longest first, ties in input order: batches of similar length, little padding.
    const order = Array.from({ length: n }, (_, i) => i);
    if (n > batchSize) order.sort((a, b) => enc[b]!.ids.length - enc[a]!.ids.length || a - b);
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
  private run(batch: ReadonlyArray<{ ids: number[]; typeIds: number[] | undefined }>): Promise<Float32Array[]> {
    const job = this.queue.then(() => this.runNow(batch));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async runNow(batch: ReadonlyArray<{ ids: number[]; typeIds: number[] | undefined }>): Promise<Float32Array[]> {
    if (this.closed) throw new MiniVectorDBError('CLOSED', 'cannot call embed(): the embedder was disposed');
    const feeds = makeFeeds(this.ort, batch, this.encoding.padId, this.feedTypeIds);
    let result: Ort.InferenceSession.ReturnType;
    try {
      result = await this.session.run(feeds.feeds);
    } catch (cause) {
      throw new MiniVectorDBError('INTERNAL', `the ONNX model failed on a batch of ${batch.length} texts (${feeds.seq} tokens): ${String(cause)}`, { cause });
    }
    const t = result[this.output.name];
    if (t === undefined || !(t.data instanceof Float32Array)) {
      throw new MiniVectorDBError('INTERNAL', `the model returned no float32 '${this.output.name}' output`);
    }
    const data = t.data;
    const B = batch.length;
    const vectors: Float32Array[] = [];
    if (this.output.pooled) {
      if (t.dims.length !== 2 || t.dims[0] !== B || t.dims[1] !== this.dim) {
        throw new MiniVectorDBError('INTERNAL', `${this.output.name} has shape [${t.dims.join(', ')}], expected [${B}, ${this.dim}]`);
      }
      for (let b = 0; b < B; b++) vectors.push(data.slice(b * this.dim, (b + 1) * this.dim));
    } else {
      const [tb, ts, td] = t.dims;
      if (t.dims.length !== 3 || tb !== B || ts !== feeds.seq || td !== this.dim) {
        throw new MiniVectorDBError('INTERNAL', `${this.output.name} has shape [${t.dims.join(', ')}], expected [${B}, ${feeds.seq}, ${this.dim}]`);
      }
      for (let b = 0; b < B; b++) vectors.push(poolTokens(data, b, feeds.seq, this.dim, feeds.mask, this.pooling));
    }
    if (this.normalize) for (const v of vectors) normalizeInPlace(v);
    return vectors;
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.session.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** Typed arrays are little-endian here (every platform onnxruntime-web runs on): an int64 is two int32 words, low first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * int64 [batch, seq] tensors; seq = longest text in the batch (at least 1).
 * Written through int32 views of the BigInt64Array buffers (token ids are
 * small and non-negative): BigInt conversions cost more than the model run
 * for one short text.
 */
function makeFeeds(
  ort: OrtModule,
  batch: ReadonlyArray<{ ids: number[]; typeIds: number[] | undefined }>,
  padId: number,
  withTypeIds: boolean,
): { feeds: Record<string, Ort.Tensor>; seq: number; mask: BigInt64Array } {
  const B = batch.length;
  let seq = 1;
  for (const e of batch) seq = Math.max(seq, e.ids.length);
  const ids = new BigInt64Array(B * seq);
  const mask = new BigInt64Array(B * seq);
  const types = withTypeIds ? new BigInt64Array(B * seq) : undefined;
  if (LITTLE_ENDIAN) {
    const ids32 = new Int32Array(ids.buffer);
    const mask32 = new Int32Array(mask.buffer);
    const types32 = types !== undefined ? new Int32Array(types.buffer) : undefined;
    for (let b = 0; b < B; b++) {
      const e = batch[b]!;
      const o = b * seq;
      const n = e.ids.length;
      for (let i = 0; i < seq; i++) {
        const k = 2 * (o + i);
        if (i < n) {
          ids32[k] = e.ids[i]!;
          mask32[k] = 1;
          if (types32 !== undefined && e.typeIds !== undefined) types32[k] = e.typeIds[i] ?? 0;
        } else {
          ids32[k] = padId;
        }
      }
    }
  } else {
    ids.fill(BigInt(padId));
    for (let b = 0; b < B; b++) {
      const e = batch[b]!;
      const o = b * seq;
      for (let i = 0; i < e.ids.length; i++) {
        ids[o + i] = BigInt(e.ids[i]!);
        mask[o + i] = 1n;
        if (types !== undefined && e.typeIds !== undefined) types[o + i] = BigInt(e.typeIds[i] ?? 0);
      }
    }
  }
  const feeds: Record<string, Ort.Tensor> = {
    input_ids: new ort.Tensor('int64', ids, [B, seq]),
    attention_mask: new ort.Tensor('int64', mask, [B, seq]),
  };
  if (types !== undefined) feeds.token_type_ids = new ort.Tensor('int64', types, [B, seq]);
  return { feeds, seq, mask };
}

/** Mean over the attention mask, or token 0, of text `b` in a [batch, seq, dim] output. */
function poolTokens(data: Float32Array, b: number, seq: number, dim: number, mask: BigInt64Array, pooling: Pooling): Float32Array {
  const v = new Float32Array(dim);
  const base = b * seq * dim;
  if (pooling === 'cls') {
    v.set(data.subarray(base, base + dim));
    return v;
  }
  const acc = new Float64Array(dim);
  let count = 0;
  for (let t = 0; t < seq; t++) {
    if (mask[b * seq + t] === 0n) continue;
    count++;
    const o = base + t * dim;
    for (let k = 0; k < dim; k++) acc[k]! += data[o + k]!;
  }
  if (count > 0) for (let k = 0; k < dim; k++) v[k] = acc[k]! / count;
  return v;
}

/** Scales to unit L2 length; a zero vector stays zero. */
function normalizeInPlace(v: Float32Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (s === 0) return;
  const f = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i]! *= f;
}

/** `sentence_embedding` when present, else `last_hidden_state` / `token_embeddings` / the first output. */
function pickOutput(session: Ort.InferenceSession, file: string, source: string): { name: string; pooled: boolean } {
  const names = session.outputNames;
  if (names.includes('sentence_embedding')) return { name: 'sentence_embedding', pooled: true };
  for (const n of ['last_hidden_state', 'token_embeddings']) if (names.includes(n)) return { name: n, pooled: false };
  const first = names[0];
  if (first === undefined) throw new ModelLoadError(file, source, 'the model has no outputs');
  return { name: first, pooled: false };
}

/** The output's last dimension: from the graph when static, else config.json hidden_size, else one probe run. */
async function findDim(
  session: Ort.InferenceSession,
  output: { name: string; pooled: boolean },
  modelConfig: Record<string, unknown>,
  ort: OrtModule,
  encoding: TextEncoding,
  feedTypeIds: boolean,
  file: string,
  source: string,
): Promise<number> {
  const meta = session.outputMetadata.find((m) => m.name === output.name);
  const rank = output.pooled ? 2 : 3;
  if (meta !== undefined && meta.isTensor) {
    if (meta.type !== 'float32') throw new ModelLoadError(file, source, `output ${output.name} is ${meta.type}, expected float32`);
    if (meta.shape.length !== rank) throw new ModelLoadError(file, source, `output ${output.name} has rank ${meta.shape.length}, expected ${rank}`);
    const last = meta.shape[rank - 1];
    if (typeof last === 'number' && last > 0) return last;
  }
  const hidden = modelConfig.hidden_size;
  if (typeof hidden === 'number' && Number.isInteger(hidden) && hidden > 0) return hidden;
  const probe = makeFeeds(ort, [encoding.encode('a')], encoding.padId, feedTypeIds);
  const r = await session.run(probe.feeds);
  const last = r[output.name]?.dims[rank - 1];
  if (typeof last !== 'number' || last <= 0) throw new ModelLoadError(file, source, `cannot tell the dimension of output ${output.name}`);
  return last;
}

function chooseMaxLength(requested: number | undefined, tokenizerConfig: Record<string, unknown>, modelConfig: Record<string, unknown>): number {
  const limits: number[] = [];
  const a = tokenizerConfig.model_max_length;
  if (typeof a === 'number' && a > 0 && a < NO_LIMIT) limits.push(Math.floor(a));
  const b = modelConfig.max_position_embeddings;
  if (typeof b === 'number' && b > 0 && b < NO_LIMIT) limits.push(Math.floor(b));
  const modelMax = limits.length > 0 ? Math.min(...limits, MAX_SEQUENCE) : 512;
  return requested !== undefined ? Math.min(requested, modelMax) : modelMax;
}

function parseJson(bytes: Uint8Array, file: string, source: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new ModelLoadError(file, source, `not valid JSON (${bytes.length} bytes; truncated?): ${String(cause)}`, { cause });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ModelLoadError(file, source, 'expected a JSON object');
  return v as Record<string, unknown>;
}

/** Where the model is: the candidates to load from, its display name, and the options that find it again. */
async function resolveCandidates(options: OnnxEmbedderOptions): Promise<{ candidates: ModelCandidate[]; model: string; config: OnnxEmbedderConfig }> {
  if (options.modelPath !== undefined) {
    if (typeof options.modelPath !== 'string' || options.modelPath.length === 0) throw new InvalidArgumentError('modelPath must be a non-empty string');
    if (!isNode()) throw new InvalidArgumentError('modelPath is for Node.js; in browsers pass modelUrl');
    return { candidates: [{ location: { kind: 'path', dir: options.modelPath }, probe: false }], model: options.modelPath, config: { modelPath: options.modelPath } };
  }
  if (options.modelUrl !== undefined) {
    const href = String(options.modelUrl);
    if (href.length === 0) throw new InvalidArgumentError('modelUrl must be a non-empty URL');
    return { candidates: [{ location: locationOf(options.modelUrl), probe: false }], model: href, config: { modelUrl: href } };
  }
  const model = options.model ?? DEFAULT_TEXT_MODEL;
  if (typeof model !== 'string') throw new InvalidArgumentError(`model must be a string, got ${typeof model}`);
  if (model === DEFAULT_TEXT_MODEL) {
    // Packaged files: the page's HTTP cache (or the disk) already holds them; no second copy in the model cache.
    return { candidates: [{ location: await defaultModelLocation(), probe: false, cacheable: false }], model, config: { model } };
  }
  const revision = options.revision ?? 'main';
  return {
    candidates: candidatesForModelId(model, {
      localModelPath: options.localModelPath,
      remoteHost: options.remoteHost,
      revision,
      allowRemote: options.allowRemote,
    }),
    model,
    config: { model, revision },
  };
}

/** The cache for downloads: the option's, or the platform default (Cache API / Node folder), or none. */
async function openCache(options: OnnxEmbedderOptions): Promise<ModelCache | undefined> {
  const c = options.cache ?? true;
  if (c === false) return undefined;
  if (c !== true) {
    if (typeof c !== 'object' || typeof c.get !== 'function' || typeof c.put !== 'function' || typeof c.delete !== 'function') {
      throw new InvalidArgumentError('cache must be true, false or an object with get(), put() and delete()');
    }
    return c;
  }
  if (isNode()) {
    const { FolderModelCache, defaultCacheDir } = await import('./cache-fs.js');
    return new FolderModelCache(options.cacheDir ?? defaultCacheDir());
  }
  if (hasCacheApi()) return new CacheApiModelCache(options.cacheName ?? 'minivectordb-models');
  return undefined;
}
