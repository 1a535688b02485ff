/**
 * An AI SDK embedding model as a database's embedder.
 * @internal
 */
import { embedMany, type EmbeddingModel } from 'ai';
import { checkObject, describe } from '../../check.js';
import type { Embedder } from '../../embed/embedder.js';
import { InvalidArgumentError } from '../../errors.js';
import { createExternalEmbedder, type ExternalEmbedderOptions } from '../external-embedder.js';

/** Options of {@link fromAiSdk}: those of every adapted embedder, plus the AI SDK's call settings. */
export interface AiSdkEmbedderOptions extends ExternalEmbedderOptions {
  /** Retries of a failed call, by `embedMany` (exponential backoff). @defaultValue 2 (the AI SDK's) */
  maxRetries?: number;
  /** Provider-specific options passed to every call (e.g. `{ openai: { dimensions: 512 } }`). */
  providerOptions?: Parameters<typeof embedMany>[0]['providerOptions'];
}

/**
 * Wraps an AI SDK embedding model (`ai` 6: an `EmbeddingModelV3` such as
 * `openai.embedding('text-embedding-3-small')`, a v2 model, or a gateway
 * model id string) as an {@link Embedder}: pass the result as
 * `MiniVectorDB.create({ embedder })`. Texts go through the AI SDK's
 * `embedMany`, which splits them by the model's `maxEmbeddingsPerCall`,
 * runs calls in parallel when the model allows it, and retries failures.
 *
 * The embedder's `info` is `{ kind: 'ai-sdk', model: '<provider>/<modelId>' }`
 * (saved in snapshots): reopening a snapshot with another model is refused.
 *
 * @param model - the AI SDK embedding model.
 * @param options - `dim` (learned with one probe call when absent), `batchSize` (32 texts per `embedMany`), `normalize` (false), `maxRetries`, `providerOptions`, `logger`.
 * @returns an embedder whose `embed(texts, { signal })` passes the signal on as `abortSignal`.
 * @throws InvalidArgumentError on a bad option, or when the model returns the wrong number of vectors.
 * @throws DimensionMismatchError when the model returns a vector of another length than `dim`.
 */
export async function fromAiSdk(model: EmbeddingModel, options: AiSdkEmbedderOptions = {}): Promise<Embedder> {
  if (typeof model !== 'string' && (typeof model !== 'object' || model === null || typeof (model as { doEmbed?: unknown }).doEmbed !== 'function')) {
    throw new InvalidArgumentError(`model must be an AI SDK embedding model (with doEmbed) or a model id, got ${describe(model)}`);
  }
  checkObject(options, 'embedder options');
  const { maxRetries, providerOptions } = options;
  const name = typeof model === 'string' ? model : `${model.provider}/${model.modelId}`;
  return createExternalEmbedder(
    async (values, abortSignal) => {
      const { embeddings } = await embedMany({ model, values, maxRetries, abortSignal, providerOptions });
      return embeddings;
    },
    { kind: 'ai-sdk', model: name, pooling: 'sentence_embedding', maxLength: 0 },
    options,
    ['maxRetries', 'providerOptions'],
  );
}
