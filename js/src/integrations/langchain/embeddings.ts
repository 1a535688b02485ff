/**
 * A MiniVectorDB {@link Embedder} as LangChain `Embeddings`.
 * @internal
 */
import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import type { Embedder } from '../../embed/embedder.js';
import { isEmbedder } from '../../embed/index.js';
import { InvalidArgumentError } from '../../errors.js';

/**
 * LangChain `Embeddings` over an {@link Embedder} (the built-in
 * `wordnet-256`, any ONNX model folder through `createEmbedder()`, or an
 * adapted AI SDK / transformers.js model): on-device embeddings for any
 * LangChain component. Vectors come back as `number[]` (float32 values
 * widened), in input order.
 *
 * @example
 * ```ts
 * const embeddings = new MiniVectorDBEmbeddings(await createEmbedder());
 * const v = await embeddings.embedQuery('how do I fix my bicycle'); // number[256], unit length
 * ```
 */
export class MiniVectorDBEmbeddings extends Embeddings {
  /** The wrapped embedder (not disposed by this object). */
  readonly embedder: Embedder;

  /**
   * @param embedder - the embedder to run.
   * @param params - LangChain's `AsyncCaller` settings (`maxConcurrency`, `maxRetries`, `onFailedAttempt`).
   * @throws InvalidArgumentError when `embedder` is not an {@link Embedder}.
   */
  constructor(embedder: Embedder, params: EmbeddingsParams = {}) {
    if (!isEmbedder(embedder)) throw new InvalidArgumentError('MiniVectorDBEmbeddings needs an Embedder (with dim, embed and dispose)');
    super(params);
    this.embedder = embedder;
  }

  /** Embeds documents: `texts.length` vectors of `embedder.dim` numbers. */
  async embedDocuments(texts: string[]): Promise<number[][]> {
    const vectors = await this.caller.call(() => this.embedder.embed(texts));
    return vectors.map((v) => Array.from(v));
  }

  /** Embeds one query: `embedder.dim` numbers. */
  async embedQuery(text: string): Promise<number[]> {
    const [v] = await this.caller.call(() => this.embedder.embed([text]));
    return Array.from(v!);
  }
}
