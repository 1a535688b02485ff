/**
 * `minivectordb/transformers`: a transformers.js `feature-extraction`
 * pipeline as a database's embedder. Nothing of transformers.js is imported
 * here: the pipeline you already loaded is used as is, so its model is
 * downloaded (and cached, by transformers.js) once.
 * @packageDocumentation
 */
import { checkObject, describe } from '../../check.js';
import type { Embedder } from '../../embed/embedder.js';
import { InvalidArgumentError } from '../../errors.js';
import { createExternalEmbedder, type ExternalEmbedderOptions } from '../external-embedder.js';

/**
 * What is used of a transformers.js `FeatureExtractionPipeline` (v3 / v4):
 * calling it with texts and `{ pooling, normalize }` gives a tensor of
 * `dims` `[n, dim]` and row-major `data`.
 */
export interface FeatureExtractionPipelineLike {
  (texts: string[], options: { pooling: TransformersPooling; normalize: boolean }): Promise<{ dims: readonly number[]; data: ArrayLike<number> }>;
  /** transformers.js keeps the model's config here; `_name_or_path` names the model. */
  model?: { config?: { _name_or_path?: unknown } };
}

/** Pooling modes of transformers.js's feature-extraction pipeline that give one vector per text. */
export type TransformersPooling = 'mean' | 'cls' | 'first_token' | 'eos' | 'last_token';

/** Options of {@link fromTransformersPipeline}. */
export interface TransformersEmbedderOptions extends ExternalEmbedderOptions {
  /** Pooling asked of the pipeline. @defaultValue `'mean'` (the sentence-transformers models' usual pooling) */
  pooling?: TransformersPooling;
  /** Model name recorded in `info.model` (and snapshots). @defaultValue the pipeline's `model.config._name_or_path` */
  model?: string;
}

const POOLINGS: readonly TransformersPooling[] = ['mean', 'cls', 'first_token', 'eos', 'last_token'];

/**
 * Wraps a transformers.js pipeline, `await pipeline('feature-extraction', id)`,
 * as an {@link Embedder}: pass the result as `MiniVectorDB.create({ embedder })`.
 * The pipeline runs with `{ pooling, normalize: true }`: it L2-normalises
 * the vectors itself (so this adapter's own `normalize` stays false by default).
 *
 * Its `info` is `{ kind: 'transformers.js', model, pooling }` (saved in
 * snapshots; reopening with another model is refused). Disposing the
 * embedder does not dispose the pipeline: it is yours.
 *
 * @param pipe - a transformers.js feature-extraction pipeline.
 * @param options - `pooling` ('mean'), `model`, `dim` (learned with one probe text when absent), `batchSize` (32), `logger`.
 * @throws InvalidArgumentError when `pipe` is not a function or an option is bad.
 * @throws DimensionMismatchError when the pipeline returns vectors of another length than `dim`.
 */
export async function fromTransformersPipeline(pipe: FeatureExtractionPipelineLike, options: TransformersEmbedderOptions = {}): Promise<Embedder> {
  if (typeof pipe !== 'function') throw new InvalidArgumentError(`pipe must be a transformers.js feature-extraction pipeline, got ${describe(pipe)}`);
  checkObject(options, 'embedder options');
  const pooling = options.pooling ?? 'mean';
  if (!POOLINGS.includes(pooling)) throw new InvalidArgumentError(`pooling must be one of ${POOLINGS.join(', ')}, got ${describe(pooling)}`);
  const named = pipe.model?.config?._name_or_path;
  const model = options.model ?? (typeof named === 'string' && named !== '' ? named : '(transformers.js pipeline)');
  if (typeof model !== 'string') throw new InvalidArgumentError(`model must be a string, got ${describe(model)}`);
  return createExternalEmbedder(
    async (texts) => {
      const out = await pipe(texts, { pooling, normalize: true });
      if (out.dims.length !== 2) throw new InvalidArgumentError(`the pipeline returned a tensor of dims [${out.dims.join(', ')}]; expected [n, dim] (is pooling set?)`);
      return { data: out.data, rows: out.dims[0]! };
    },
    { kind: 'transformers.js', model, pooling: pooling === 'mean' || pooling === 'cls' ? pooling : 'sentence_embedding', maxLength: 0 },
    options,
    ['pooling', 'model'],
  );
}
