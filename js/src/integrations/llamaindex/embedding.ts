/**
 * A MiniVectorDB {@link Embedder} as a LlamaIndex.TS embedding model.
 * @internal
 */
import { BaseEmbedding } from '@llamaindex/core/embeddings';
import type { Embedder } from '../../embed/embedder.js';
import { isEmbedder } from '../../embed/index.js';
import { InvalidArgumentError } from '../../errors.js';

/**
 * LlamaIndex `BaseEmbedding` over an {@link Embedder}: set it as
 * `Settings.embedModel` or pass it to {@link MiniVectorDBVectorStore} so
 * LlamaIndex embeds nodes and queries on device, with the same model as
 * the database. Batches of `embedBatchSize` (LlamaIndex's, 10) texts go to
 * one `embed()` call.
 */
export class MiniVectorDBEmbedding extends BaseEmbedding {
  /** The wrapped embedder (not disposed by this object). */
  readonly embedder: Embedder;

  /** @throws InvalidArgumentError when `embedder` is not an {@link Embedder}. */
  constructor(embedder: Embedder) {
    if (!isEmbedder(embedder)) throw new InvalidArgumentError('MiniVectorDBEmbedding needs an Embedder (with dim, embed and dispose)');
    super();
    this.embedder = embedder;
    this.getTextEmbeddings = async (texts: string[]) => (await embedder.embed(texts)).map((v) => Array.from(v));
  }

  /** `embedder.dim` numbers for one text. */
  async getTextEmbedding(text: string): Promise<number[]> {
    const [v] = await this.embedder.embed([text]);
    return Array.from(v!);
  }
}
