/**
 * TextEmbedding: the embedder of a database, created eagerly by `create()`
 * (its dimension fixes the index's) or lazily after `open()` (from the
 * caller's options completed by the identity saved in the snapshot, and
 * checked against it), and what is persisted about it (its identity only:
 * `embed/identity.ts`).
 * @internal
 */
import { createEmbedder, ImagesUnsupportedError, isEmbedder, type Embedder, type EmbedderConfig, type EmbedOptions, type EmbedProgress, type ImageInput } from './embed/index.js';
import { embedderOptionsFor, identityDifferences, identityOf, readIdentity, type EmbedderIdentity } from './embed/identity.js';
import { DimensionMismatchError, EmbedderMismatchError, InvalidArgumentError, SnapshotError } from './errors.js';
import type { Logger } from './logger.js';
import { describe } from './check.js';

/** What the snapshot keeps about text handling (in the USER section's `settings`). */
export interface TextSettings {
  /** Identity of the embedder whose vectors the index holds (never its location: `embed/identity.ts`). */
  embedder?: EmbedderIdentity;
  /** Whether inserted texts are kept in the records. */
  storeText: boolean;
  /** The BM25 text index's settings (`lexical/text-index.ts`), `false` when off; absent in snapshots written before it. */
  textIndex?: unknown;
  /** The BM25 index's documents (`lexical/stored-index.ts`). */
  textPostings?: unknown;
}

/** What a mismatch between the recorded and the supplied embedder does: throw (default) or log a warning. */
export type EmbedderMismatchPolicy = 'error' | 'warn';

export class TextEmbedding {
  #embedder: Embedder | undefined;
  #pending: Promise<Embedder> | undefined;
  /** True when this database created the embedder (and so disposes it). */
  #owned: boolean;
  #info: EmbedderIdentity;

  private constructor(
    info: EmbedderIdentity,
    private readonly dim: number,
    private readonly logger: Logger,
    embedder: Embedder | undefined,
    private readonly override: EmbedderConfig | undefined,
    private readonly onMismatch: EmbedderMismatchPolicy = 'error',
  ) {
    this.#info = info;
    this.#embedder = embedder;
    this.#owned = embedder !== undefined && !isEmbedder(override);
  }

  /** Identity of the embedder whose vectors the index holds (what save() records). */
  get info(): EmbedderIdentity {
    return this.#info;
  }

  /** Creates the embedder now (create()): its `dim` decides the index dimension. */
  static async create(config: EmbedderConfig | true, logger: Logger): Promise<TextEmbedding> {
    const embedder = await createEmbedder(config === true ? {} : checkConfig(config));
    logger.debug(`embedder ${embedder.info.model} ready, dim ${embedder.dim}`);
    return new TextEmbedding(identityOf(embedder.info, embedder.dim), embedder.dim, logger, embedder, config === true ? undefined : config);
  }

  /**
   * From a snapshot's recorded identity (open()). The model loads at the
   * first text call, from the caller's `override` options (locations, cache,
   * onnxruntime files) completed by the identity's model id, pooling… (see
   * `embedderOptionsFor`), and is then checked against the identity. An
   * `Embedder` object is checked at once.
   * @throws DimensionMismatchError when the recorded or given dimension is not the index's.
   * @throws EmbedderMismatchError when an `Embedder` object is not the recorded one (unless `onMismatch` is `'warn'`).
   */
  static restore(info: EmbedderIdentity, dim: number, logger: Logger, override?: EmbedderConfig, onMismatch: EmbedderMismatchPolicy = 'error'): TextEmbedding {
    if (info.dim !== dim) throw new DimensionMismatchError(dim, info.dim, 'saved embedder');
    const config = override === undefined ? undefined : checkConfig(override);
    const text = new TextEmbedding(info, dim, logger, undefined, config, onMismatch);
    if (isEmbedder(config)) {
      text.#check(config); // cheap for an object: fail in open() rather than at the first search
      text.#embedder = config;
    }
    return text;
  }
  /** Embeds `texts` (each a string) into `dim`-long vectors, reporting `(done, total)` per batch; `signal` stops it between batches. */
  async embed(texts: readonly string[], onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<Float32Array[]> {
    const embedder = await this.#get();
    signal?.throwIfAborted(); // the model may have taken long to load
    const vectors = await embedder.embed(texts, embedOptions(onProgress, signal));
    for (const v of vectors) if (v.length !== this.dim) throw new DimensionMismatchError(this.dim, v.length, 'embedded text');
    return vectors;
  }

  /**
   * Embeds `images` with the embedder's image tower (`embedImages`), reporting `(done, total)` per batch; `signal` stops it between batches.
   * @throws ImagesUnsupportedError when the embedder embeds texts only.
   */
  async embedImages(images: readonly ImageInput[], onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<Float32Array[]> {
    const embedder = await this.#get();
    if (typeof embedder.embedImages !== 'function') throw new ImagesUnsupportedError(embedder.info?.model ?? this.#info.model);
    signal?.throwIfAborted();
    const vectors = await embedder.embedImages(images, embedOptions(onProgress, signal));
    for (const v of vectors) if (v.length !== this.dim) throw new DimensionMismatchError(this.dim, v.length, 'embedded image');
    return vectors;
  }

  /** Frees the embedder if this database created it. */
  async dispose(): Promise<void> {
    const embedder = this.#embedder ?? (await this.#pending?.catch(() => undefined));
    this.#embedder = undefined;
    if (embedder !== undefined && this.#owned) await embedder.dispose();
  }

  #get(): Promise<Embedder> {
    if (this.#embedder !== undefined) return Promise.resolve(this.#embedder);
    this.#pending ??= this.#load().catch((e: unknown) => {
      this.#pending = undefined; // a later call may retry (e.g. after the model was built)
      throw e;
    });
    return this.#pending;
  }

  async #load(): Promise<Embedder> {
    const override = this.override;
    const config = isEmbedder(override) ? override : (embedderOptionsFor(this.#info, override as Record<string, unknown> | undefined) as EmbedderConfig | undefined);
    if (config === undefined) {
      const folder = this.#info.kind === 'onnx' || this.#info.kind === 'clip';
      const kind = this.#info.kind === 'clip' ? "kind: 'clip', " : '';
      const how = folder ? `{ embedder: { ${kind}modelPath } } or { embedder: { ${kind}modelUrl } }` : '{ embedder }';
      throw new InvalidArgumentError(
        `this database was built with the ${folder ? 'model from the folder or URL' : 'custom embedder'} ${JSON.stringify(this.#info.model)}; ` +
          `a snapshot never says where to load code or files from, so pass it again: MiniVectorDB.open(url, ${how})`,
      );
    }
    const embedder = await createEmbedder(config);
    const owned = !isEmbedder(config);
    try {
      this.#check(embedder);
    } catch (e) {
      if (owned) await embedder.dispose().catch(() => undefined);
      throw e;
    }
    this.#embedder = embedder;
    this.#owned = owned;
    return embedder;
  }

  /**
   * Checks `embedder` against the recorded identity: a different dimension
   * throws; other differences throw EmbedderMismatchError or, with the
   * `'warn'` policy, are logged. When they agree, the embedder's identity
   * (with its digest, which older snapshots lack) becomes the one saved.
   */
  #check(embedder: Embedder): void {
    const supplied = identityOf(embedder.info, embedder.dim);
    if (embedder.dim !== this.dim) throw new DimensionMismatchError(this.dim, embedder.dim, `embedder ${supplied.model}`);
    const differences = identityDifferences(this.#info, supplied);
    if (differences.length === 0) {
      this.#info = supplied;
      return;
    }
    const error = new EmbedderMismatchError({ ...this.#info }, { ...supplied }, differences);
    if (this.onMismatch !== 'warn') throw error;
    this.logger.warn(`${error.message.split('. Pass')[0]}; using it anyway (embedderMismatch: 'warn')`);
  }
}

function checkConfig(config: unknown): EmbedderConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidArgumentError(`embedder must be true, an Embedder or embedder options, got ${describe(config)}`);
  }
  return config as EmbedderConfig;
}

/**
 * Reads the `settings` of a snapshot's USER section (tolerating older
 * snapshots without them, and dropping the locations older ones saved).
 * @throws SnapshotError when the embedder record is malformed.
 */
export function readTextSettings(settings: unknown): TextSettings {
  if (settings !== undefined && settings !== null && (typeof settings !== 'object' || Array.isArray(settings))) {
    throw new SnapshotError(`the record table's settings are not an object: ${describe(settings)}`);
  }
  const s = (settings ?? {}) as {
    embedder?: unknown;
    storeText?: unknown;
    textIndex?: TextSettings['textIndex'] | null;
    textPostings?: TextSettings['textPostings'] | null;
  };
  if (s.storeText !== undefined && typeof s.storeText !== 'boolean') throw new SnapshotError(`settings.storeText is not a boolean: ${describe(s.storeText)}`);
  return {
    embedder: readIdentity(s.embedder),
    storeText: s.storeText === true,
    textIndex: s.textIndex ?? undefined,
    textPostings: s.textPostings ?? undefined,
  };
}

/** The options of one embedder call: progress as `(done, total)`, and the caller's signal. */
function embedOptions(onProgress: ((done: number, total: number) => void) | undefined, signal: AbortSignal | undefined): EmbedOptions | undefined {
  if (onProgress === undefined && signal === undefined) return undefined;
  return { ...(onProgress === undefined ? {} : { onProgress: (e: EmbedProgress) => onProgress(e.done, e.total) }), ...(signal === undefined ? {} : { signal }) };
}
