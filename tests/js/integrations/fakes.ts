/**
 * Deterministic, offline embedding models for the integration tests: a
 * character-trigram hash embedding (texts sharing trigrams are close), and
 * brute-force references.
 */
import { Embeddings } from '@langchain/core/embeddings';
import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import { cosine } from '../embed/helpers.js';

export const DIM = 32;

/** Bag of character trigrams hashed (FNV-1a) into DIM buckets, L2-normalised; never all zero. */
export function hashEmbed(text: string): number[] {
  const v = new Array<number>(DIM).fill(0);
  const s = `  ${text.toLowerCase()}  `;
  for (let i = 0; i + 3 <= s.length; i++) {
    let h = 2166136261;
    for (const c of s.slice(i, i + 3)) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    v[h % DIM]! += (h >>> 8) % 2 === 0 ? 1 : -1;
  }
  v[0]! += 0.01;
  const n = Math.hypot(...v);
  return v.map((x) => Math.fround(x / n));
}

/** LangChain embeddings over {@link hashEmbed}, counting calls. */
export class HashEmbeddings extends Embeddings {
  calls = 0;
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.calls++;
    return texts.map(hashEmbed);
  }
  async embedQuery(text: string): Promise<number[]> {
    this.calls++;
    return hashEmbed(text);
  }
}

/** An AI SDK v3 embedding model over {@link hashEmbed}; records the batch sizes it was called with. */
export function hashModel(maxEmbeddingsPerCall = 3, dim = DIM): EmbeddingModelV3 & { batches: number[] } {
  const batches: number[] = [];
  return {
    specificationVersion: 'v3',
    provider: 'test',
    modelId: 'trigram-hash',
    maxEmbeddingsPerCall,
    supportsParallelCalls: false,
    batches,
    async doEmbed({ values, abortSignal }) {
      abortSignal?.throwIfAborted();
      batches.push(values.length);
      return { embeddings: values.map((t) => hashEmbed(t).slice(0, dim)), warnings: [] };
    },
  };
}

export { cosine };

/** Ids of `items` ranked by cosine similarity to `q`, best first (ties by id). */
export function bruteForce(q: ArrayLike<number>, items: { id: string; vector: ArrayLike<number> }[], k: number): { id: string; score: number }[] {
  return items
    .map((it) => ({ id: it.id, score: cosine(q, it.vector) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}

/** A small corpus: sentences about a few topics, with metadata. */
export const TOPICS = ['bicycle', 'kitchen', 'garden', 'network', 'music'] as const;
export function corpus(n = 120): { id: string; text: string; metadata: { topic: string; n: number; even: boolean; tags: string[] } }[] {
  const words: Record<string, string[]> = {
    bicycle: ['chain', 'tyre', 'saddle', 'gear', 'brake', 'pedal'],
    kitchen: ['knife', 'oven', 'pan', 'recipe', 'spoon', 'bread'],
    garden: ['seed', 'tomato', 'hose', 'soil', 'rose', 'compost'],
    network: ['router', 'packet', 'socket', 'cable', 'switch', 'latency'],
    music: ['guitar', 'chord', 'tempo', 'piano', 'melody', 'drum'],
  };
  return Array.from({ length: n }, (_, i) => {
    const topic = TOPICS[i % TOPICS.length]!;
    const w = words[topic]!;
    const text = `${topic} note ${i}: the ${w[i % 6]} and the ${w[(i * 7 + 3) % 6]} of my ${topic}`;
    return { id: `doc-${i}`, text, metadata: { topic, n: i, even: i % 2 === 0, tags: [w[i % 6]!, i % 3 === 0 ? 'fizz' : 'plain'] } };
  });
}
