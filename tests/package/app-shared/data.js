// Inputs of the consumer apps' checks, shared by the apps (run.js, in the
// browser) and the tests (app-harness.ts, which computes the expected
// answers independently: brute force, and the default model run in Node).

/** 300 deterministic 8-dimensional vectors `v0`…`v299` and 3 queries; no ties in their L2 distances. */
export function knnData() {
  const vector = (i, salt) => Array.from({ length: 8 }, (_, j) => Math.sin(i * 12.9898 + j * 78.233 + salt) * 43758.5453 % 1);
  return {
    items: Array.from({ length: 300 }, (_, i) => ({ id: `v${i}`, vector: vector(i, 0) })),
    queries: [0, 1, 2].map((q) => vector(q, 0.5)),
    k: 10,
  };
}

/** The text corpus and query of the default-model check. */
export const docs = [
  { id: 'bike', text: 'repairing a bike' },
  { id: 'bread', text: 'baking bread' },
  { id: 'tax', text: 'filing income taxes' },
];
export const textQuery = 'how do I fix my bicycle';
