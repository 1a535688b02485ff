/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009, "Reciprocal Rank
 * Fusion outperforms Condorcet and individual Rank Learning Methods", SIGIR)
 * of a vector list and a text list, with a weight between them:
 *
 *   rrf(d) = (1 − w) / (k + rank_vector(d)) + w / (k + rank_text(d))
 *
 * (a term is 0 when d is not in that list; ranks are 1-based; k = 60 as in
 * the paper). w = 0.5 is the paper's unweighted fusion, halved.
 * @internal
 */

/** The paper's k. */
export const RRF_K = 60;

/** One fused result: label, RRF score and its 1-based rank in each list it appears in. */
export interface FusedHit {
  label: number;
  score: number;
  vectorRank?: number;
  textRank?: number;
}

/**
 * Fuses two ranked label lists (best first, no repeats within a list).
 * @param textWeight - w above, in [0, 1].
 * @returns the best `n` by RRF score, ties by better vector rank, then better text rank, then label.
 */
export function reciprocalRankFusion(vector: readonly number[], text: readonly number[], textWeight: number, n: number): FusedHit[] {
  const byLabel = new Map<number, FusedHit>();
  vector.forEach((label, i) => byLabel.set(label, { label, score: (1 - textWeight) / (RRF_K + i + 1), vectorRank: i + 1 }));
  text.forEach((label, i) => {
    const add = textWeight / (RRF_K + i + 1);
    const hit = byLabel.get(label);
    if (hit === undefined) byLabel.set(label, { label, score: add, textRank: i + 1 });
    else {
      hit.score += add;
      hit.textRank = i + 1;
    }
  });
  const rank = (r: number | undefined): number => r ?? Infinity;
  return [...byLabel.values()]
    .sort((a, b) => b.score - a.score || rank(a.vectorRank) - rank(b.vectorRank) || rank(a.textRank) - rank(b.textRank) || a.label - b.label)
    .slice(0, n);
}
