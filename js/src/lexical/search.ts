/**
 * Text queries in `'text'` and `'hybrid'` modes: the mode a search runs in,
 * the BM25 list, and its reciprocal rank fusion with the vector list. The
 * database supplies vector search, embedding and hit building through
 * {@link TextSearchContext}, so this file knows nothing of WebAssembly.
 * @internal
 */
import { InvalidArgumentError } from '../errors.js';
import type { SearchHit, SearchMode, SearchOptions } from '../types.js';
import { describe } from '../check.js';
import { reciprocalRankFusion } from './fusion.js';
import type { TextIndex } from './text-index.js';

/**
 * Mode of text queries when none is given, chosen by `npm run bench --
 * --quality-only` (README, "Hybrid search"): on the demo corpus hybrid
 * fusion does not lose to vector-only search on everyday intents (same
 * success@5, higher MRR@10) and finds exact terms twice as often; unlike
 * BM25 alone it still answers queries that share no word with the texts.
 */
export const DEFAULT_TEXT_MODE: SearchMode = 'hybrid';
/** Weight of the BM25 list in the fusion when none is given (0.5: unweighted RRF). */
export const DEFAULT_TEXT_WEIGHT = 0.5;
/** Each list contributes its best max(k, FUSION_DEPTH) records to the fusion. */
export const FUSION_DEPTH = 100;

const MODES: readonly SearchMode[] = ['vector', 'text', 'hybrid'];

/**
 * The mode of a search, checked: `mode` if given, else for text queries on a
 * database with a text index {@link DEFAULT_TEXT_MODE} (`'text'` when it has
 * no embedder to embed them), else vector.
 * @throws InvalidArgumentError on an unknown mode, a text or hybrid mode with vector queries or without a text index.
 */
export function textSearchMode(options: SearchOptions, textQueries: boolean, hasTextIndex: boolean, hasEmbedder = true): SearchMode {
  const mode = options.mode;
  if (mode === undefined) return textQueries && hasTextIndex ? (hasEmbedder ? DEFAULT_TEXT_MODE : 'text') : 'vector';
  if (!MODES.includes(mode)) throw new InvalidArgumentError(`mode must be 'vector', 'text' or 'hybrid', got ${describe(mode)}`);
  if (mode === 'vector') return mode;
  if (!textQueries) throw new InvalidArgumentError(`mode '${mode}' needs text queries, got vectors`);
  if (!hasTextIndex) {
    throw new InvalidArgumentError(`mode '${mode}' needs a text index: create the database with { storeText: true } (textIndex is on by default then)`);
  }
  return mode;
}

/** What a text or hybrid search needs from the database. */
export interface TextSearchContext {
  index: TextIndex;
  /** k (≥ 1), the allowed-labels bitset words (undefined: all) and their count. */
  k: number;
  allowed: Uint32Array | undefined;
  matching: number;
  /** Embeds the queries (checked), one row of `dim` per text. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Nearest `n` labels (and distances) of each query vector, honouring the filter and `exact`. */
  nearest(queries: readonly Float32Array[], n: number): { labels: Uint32Array; distances: Float32Array }[];
  /** Exact distances from `query` to `labels`. */
  distancesTo(query: Float32Array, labels: readonly number[]): Map<number, number>;
  /** A hit for `label`. */
  hit(label: number, distance: number, score: number, ranks: SearchHit['ranks']): SearchHit;
}

/** Checks `textWeight` (default {@link DEFAULT_TEXT_WEIGHT}). */
export function checkTextWeight(value: unknown): number {
  if (value === undefined) return DEFAULT_TEXT_WEIGHT;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(`textWeight must be a number in [0, 1], got ${describe(value)}`);
  }
  return value;
}

/** Runs `texts` in `mode` ('text' or 'hybrid'); one hit list per text, best first. */
export async function searchTexts(ctx: TextSearchContext, texts: readonly string[], mode: 'text' | 'hybrid', textWeight: number): Promise<SearchHit[][]> {
  const { index, k, allowed } = ctx;
  if (mode === 'text') {
    return texts.map((text) => {
      const { labels, scores } = index.search(text, k, allowed);
      return labels.map((label, i) => ctx.hit(label, NaN, scores[i]!, { text: i + 1 }));
    });
  }
  const vectors = await ctx.embed(texts);
  if (ctx.matching === 0) return texts.map(() => []);
  const depth = Math.min(Math.max(k, FUSION_DEPTH), ctx.matching);
  const nearest = ctx.nearest(vectors, depth);
  return texts.map((text, q) => {
    const textList = index.search(text, depth, allowed).labels;
    const { labels, distances } = completeVectorList(nearest[q]!, textList, (missing) => ctx.distancesTo(vectors[q]!, missing));
    const fused = reciprocalRankFusion(labels, textList, textWeight, k);
    return fused.map((h) =>
      ctx.hit(h.label, distances.get(h.label)!, h.score, {
        ...(h.vectorRank === undefined ? {} : { vector: h.vectorRank }),
        ...(h.textRank === undefined ? {} : { text: h.textRank }),
      }),
    );
  });
}

/**
 * The vector side of the fusion: the (approximate) nearest list, completed
 * with the BM25 candidates it missed, measured exactly and ranked among them
 * by distance (ties: the nearest list first, then BM25 order). So a record
 * that HNSW did not reach (an isolated note, say) still gets the vector rank
 * its distance earns, and every hit has a true distance.
 */
function completeVectorList(
  nearest: { labels: Uint32Array; distances: Float32Array },
  textList: readonly number[],
  measure: (labels: number[]) => Map<number, number>,
): { labels: number[]; distances: Map<number, number> } {
  const distances = new Map<number, number>();
  nearest.labels.forEach((label, i) => distances.set(label, nearest.distances[i]!));
  const missing = textList.filter((label) => !distances.has(label));
  if (missing.length === 0) return { labels: Array.from(nearest.labels), distances };
  const measured = measure(missing);
  const entries = [
    ...Array.from(nearest.labels, (label, i) => ({ label, d: nearest.distances[i]!, order: i })),
    ...missing.map((label, i) => ({ label, d: measured.get(label)!, order: nearest.labels.length + i })),
  ];
  for (const e of entries) distances.set(e.label, e.d);
  entries.sort((a, b) => a.d - b.d || a.order - b.order);
  return { labels: entries.map((e) => e.label), distances };
}
