// References for the page's specs; they share no code with the library.
import { mulberry32 } from '../../shared/prng.mjs';

/** n vectors with values uniform in [-1, 1). */
export function randomVectors(n, dim, seed) {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => rng() * 2 - 1));
}

/** Exact top-k by squared L2 in float64: [{ index, distance }], ties by index. */
export function bruteForce(data, q, k) {
  const all = data.map((v, index) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += (v[i] - q[i]) ** 2;
    return { index, distance: s };
  });
  all.sort((a, b) => a.distance - b.distance || a.index - b.index);
  return all.slice(0, k);
}

/** Hits reduced to what tests compare. */
export const hitsOf = (hits) => hits.map((h) => ({ id: h.id, distance: h.distance }));

/** Short texts for the default model; 'how do I fix my bicycle' should rank 'bike' first. */
export const DOCS = [
  { id: 'bike', text: 'repairing a bike' },
  { id: 'bread', text: 'baking bread' },
  { id: 'tax', text: 'filing income taxes' },
  { id: 'garden', text: 'planting tomatoes in the garden' },
  { id: 'music', text: 'learning to play the piano' },
];
