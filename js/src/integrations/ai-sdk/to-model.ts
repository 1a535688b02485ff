/**
 * A MiniVectorDB embedder as an AI SDK embedding model.
 * @internal
 */
import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import type { Embedder } from '../../embed/embedder.js';
import { InvalidArgumentError } from '../../errors.js';
import { isEmbedder } from '../../embed/index.js';

/**
 * Exposes an {@link Embedder} (e.g. `await createEmbedder()`, the built-in
 * `wordnet-256`, or any ONNX model folder) as an AI SDK `EmbeddingModelV3`,
 * so `embed` / `embedMany` from `ai` and anything taking an AI SDK model can
 * use it, on device. Each `doEmbed` call runs `embedder.embed(values)`; the
 * abort signal is passed on; no usage is reported (no tokens are billed).
 *
 * @param embedder - the embedder; it is not disposed by the model.
 * @returns a model with `provider: 'minivectordb'`, `modelId` = `embedder.info.model`,
 *   `maxEmbeddingsPerCall: 2048` (the AI SDK splits longer lists), `supportsParallelCalls: false`
 *   (an ONNX embedder runs one batch at a time).
 * @throws InvalidArgumentError when `embedder` is not an embedder.
 */
export function toAiSdk(embedder: Embedder): EmbeddingModelV3 {
  if (!isEmbedder(embedder)) throw new InvalidArgumentError('toAiSdk() needs an Embedder (with dim, embed and dispose)');
  return {
    specificationVersion: 'v3',
    provider: 'minivectordb',
    modelId: embedder.info.model,
    maxEmbeddingsPerCall: 2048,
    supportsParallelCalls: false,
    async doEmbed({ values, abortSignal }) {
      const vectors = await embedder.embed(values, abortSignal === undefined ? {} : { signal: abortSignal });
      return { embeddings: vectors.map((v) => Array.from(v)), warnings: [] };
    },
  };
}
