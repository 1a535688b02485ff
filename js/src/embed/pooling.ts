/**
 * Pooling and normalisation: how a model's output becomes one vector per
 * text. Pure functions over typed arrays (no model, no runtime), so they are
 * tested against hand-computed cases.
 *
 * - `mean`: the average of the token vectors whose attention mask is 1, the
 *   sentence-transformers `Pooling` layer's `pooling_mode_mean_tokens`
 *   (Reimers & Gurevych 2019, "Sentence-BERT", §3). Summed in float64 so a
 *   long text does not lose the small states of its late tokens.
 * - `cls`: the first token's vector (BERT's `[CLS]`; Devlin et al. 2019).
 * - L2 normalisation: `v / ‖v‖₂`, so the dot product of two outputs is their
 *   cosine; a zero vector stays zero (it has no direction to keep).
 * @internal
 */
import type { Pooling } from './embedder.js';

/**
 * One vector per text from per-token states.
 * @param states - float32 `[batch, seq, dim]`, row-major.
 * @param mask - the attention mask, int64 `[batch, seq]` (1 = token, 0 = padding).
 * @returns `batch` new vectors of length `dim`; a text whose mask is all 0 gets zeros under `mean`.
 */
export function poolTokens(states: Float32Array, mask: BigInt64Array, batch: number, seq: number, dim: number, pooling: Pooling): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) out.push(pooling === 'cls' ? clsOf(states, b, seq, dim) : meanOf(states, mask, b, seq, dim));
  return out;
}

/**
 * The rows of a `[batch, dim]` output (a model that pools itself, e.g. a
 * `sentence_embedding` output), each copied out of the runtime's buffer.
 */
export function splitRows(rows: Float32Array, batch: number, dim: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) out.push(rows.slice(b * dim, (b + 1) * dim));
  return out;
}

/** Scales `v` to unit L2 length in place; a zero vector stays zero. */
export function normalizeL2(v: Float32Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (s === 0) return;
  const f = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i]! *= f;
}

function clsOf(states: Float32Array, b: number, seq: number, dim: number): Float32Array {
  const base = b * seq * dim;
  return states.slice(base, base + dim);
}

function meanOf(states: Float32Array, mask: BigInt64Array, b: number, seq: number, dim: number): Float32Array {
  const v = new Float32Array(dim);
  const base = b * seq * dim;
  const acc = new Float64Array(dim);
  let count = 0;
  for (let t = 0; t < seq; t++) {
    if (mask[b * seq + t] === 0n) continue;
    count++;
    const o = base + t * dim;
    for (let k = 0; k < dim; k++) acc[k]! += states[o + k]!;
  }
  if (count > 0) for (let k = 0; k < dim; k++) v[k] = acc[k]! / count;
  return v;
}
