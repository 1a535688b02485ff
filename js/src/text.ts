/**
 * TextEmbedding: the embedder of a database, created eagerly by `create()`
 * (its dimension fixes the index's) or lazily after `open()` (from the
 * description saved in the snapshot), and what is persisted about it.
 * @internal
 */
import { createEmbedder, isEmbedder, type Embedder, type EmbedderConfig, type EmbedderInfo } from './embed/index.js';
import { DimensionMismatchError, InvalidArgumentError, MiniVectorDBError, SnapshotError } from './errors.js';
import type { Logger } from './logger.js';
import { checkMetadata, describe } from './validate.js';

/** What the snapshot keeps about text handling (in the USER section's `settings`). */
export interface TextSettings {
  /** Description of the embedder whose vectors the index holds. */
  embedder?: EmbedderInfo;
  /** Whether inserted texts are kept in the records. */
  storeText: boolean;
}

export class TextEmbedding {
  #embedder: Embedder | undefined;
  #pending: Promise<Embedder> | undefined;
  /** True when this database created the embedder (and so disposes it). */
  #owned: boolean;

  private constructor(
    readonly info: EmbedderInfo,
    private readonly dim: number,
    private readonly logger: Logger,
    embedder: Embedder | undefined,
    private readonly override: EmbedderConfig | undefined,
  ) {
    this.#embedder = embedder;
    this.#owned = embedder !== undefined && !isEmbedder(override);
  }

  /** Creates the embedder now (create()): its `dim` decides the index dimension. */
  static async create(config: EmbedderConfig | true, logger: Logger): Promise<TextEmbedding> {
    const embedder = await createEmbedder(config === true ? {} : checkConfig(config));
    logger.debug(`embedder ${embedder.info.model} ready, dim ${embedder.dim}`);
    return new TextEmbedding(embedder.info, embedder.dim, logger, embedder, config === true ? undefined : config);
  }

  /** From a snapshot's description; the model loads at the first text call. `override` replaces the saved config. */
  static restore(info: EmbedderInfo, dim: number, logger: Logger, override?: EmbedderConfig): TextEmbedding {
    if (info.dim !== dim) throw new DimensionMismatchError(dim, info.dim, 'saved embedder');
    return new TextEmbedding(info, dim, logger, undefined, override === undefined ? undefined : checkConfig(override));
  }

  /** Embeds `texts` (each a string) into `dim`-long vectors, reporting `(done, total)` per batch. */
  async embed(texts: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
    const embedder = await this.#get();
    const vectors = await embedder.embed(texts, onProgress && { onProgress: (e) => onProgress(e.done, e.total) });
    for (const v of vectors) if (v.length !== this.dim) throw new DimensionMismatchError(this.dim, v.length, 'embedded text');
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
    const config = this.override ?? this.info.config;
    if (config === undefined) {
      throw new MiniVectorDBError(
        'INVALID_ARGUMENT',
        `this database was built with the custom embedder ${JSON.stringify(this.info.model)}; pass it again: MiniVectorDB.open(url, { embedder })`,
      );
    }
    const embedder = await createEmbedder(config);
    if (embedder.dim !== this.dim) throw new DimensionMismatchError(this.dim, embedder.dim, `embedder ${embedder.info.model}`);
    if (!isEmbedder(config) && embedder.info.model !== this.info.model) {
      this.logger.warn(`embedding with ${embedder.info.model}; the index was built with ${this.info.model}`);
    }
    this.#embedder = embedder;
    this.#owned = !isEmbedder(config);
    return embedder;
  }
}

function checkConfig(config: unknown): EmbedderConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidArgumentError(`embedder must be true, an Embedder or embedder options, got ${describe(config)}`);
  }
  return config as EmbedderConfig;
}

/** Reads the `settings` of a snapshot's USER section (tolerating older snapshots without them). */
export function readTextSettings(settings: unknown): TextSettings {
  if (settings !== undefined && settings !== null && (typeof settings !== 'object' || Array.isArray(settings))) {
    throw new SnapshotError(`the record table's settings are not an object: ${describe(settings)}`);
  }
  const s = (settings ?? {}) as Partial<Record<keyof TextSettings, unknown>>;
  const embedder = s.embedder ?? undefined; // MessagePack turns an absent (undefined) embedder into null
  if (embedder !== undefined) {
    const e = embedder as Partial<Record<keyof EmbedderInfo, unknown>>;
    if (typeof embedder !== 'object' || Array.isArray(embedder) || typeof e.model !== 'string' || typeof e.kind !== 'string' || !Number.isInteger(e.dim)) {
      throw new SnapshotError(`the saved embedder description is malformed: ${describe(embedder)}`);
    }
    try {
      // It is saved again as read: the limits of metadata keep it writable.
      checkMetadata(embedder, 'the saved embedder description');
    } catch (cause) {
      throw new SnapshotError((cause as Error).message, 'SNAPSHOT_CORRUPT', { cause });
    }
  }
  if (s.storeText !== undefined && typeof s.storeText !== 'boolean') throw new SnapshotError(`settings.storeText is not a boolean: ${describe(s.storeText)}`);
  return { embedder: embedder as EmbedderInfo | undefined, storeText: s.storeText === true };
}
