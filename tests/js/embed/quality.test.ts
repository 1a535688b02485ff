// Quality of the default model on a fixed list (tests/fixtures/embed/quality.json):
// query → expected document rankings over 40 short documents, word-pair
// similarities, and "a is closer to b than to c" triples. The full table:
// node scripts/model/eval-quality.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OnnxEmbedder } from '../../../js/src/embed/index.js';
import { buildDefaultModel } from '../../../scripts/model/build-default-model.mjs';
import { cosine, DEFAULT_MODEL_DIR, FIXTURES } from './helpers.js';

interface Quality {
  documents: string[];
  queries: Array<{ query: string; expected: number }>;
  similar: Array<{ a: string; b: string; min: number }>;
  dissimilar: Array<{ a: string; b: string; max: number }>;
  closer: Array<{ a: string; b: string; c: string }>;
}
const Q: Quality = JSON.parse(readFileSync(join(FIXTURES, 'quality.json'), 'utf8'));

let e: OnnxEmbedder;
let docs: Float32Array[];
const vec = async (t: string) => (await e.embed([t]))[0]!;

beforeAll(async () => {
  await buildDefaultModel({ outDir: DEFAULT_MODEL_DIR });
  e = await OnnxEmbedder.create({ modelPath: DEFAULT_MODEL_DIR });
  docs = await e.embed(Q.documents);
}, 300_000);
afterAll(async () => {
  await e?.dispose();
});

/** 1-based rank of the expected document, and its score. */
async function rank(query: string, expected: number): Promise<{ rank: number; score: number }> {
  const q = await vec(query);
  const scores = docs.map((d) => cosine(q, d));
  return { rank: 1 + scores.filter((s) => s > scores[expected]!).length, score: scores[expected]! };
}

describe('wordnet-256 quality', () => {
  test('the issue\'s examples: car ~ automobile ≈ 1, ~ vehicle ≥ 0.42, ~ banana ≈ 0; "how do I fix my bicycle" → "repairing a bike" first, ≥ 0.81', async () => {
    expect(cosine(await vec('car'), await vec('automobile'))).toBeGreaterThan(0.99);
    expect(cosine(await vec('car'), await vec('vehicle'))).toBeGreaterThanOrEqual(0.42);
    expect(Math.abs(cosine(await vec('car'), await vec('banana')))).toBeLessThan(0.05);
    const r = await rank('how do I fix my bicycle', 0);
    expect(r.rank).toBe(1);
    expect(r.score).toBeGreaterThanOrEqual(0.81);
  });

  test(`query → expected document: at least 85% first, 90% in the top 3 (${Q.queries.length} queries)`, async () => {
    const ranks: number[] = [];
    const misses: string[] = [];
    for (const { query, expected } of Q.queries) {
      const r = await rank(query, expected);
      ranks.push(r.rank);
      if (r.rank > 1) misses.push(`${query} → #${r.rank}`);
    }
    const top1 = ranks.filter((r) => r === 1).length / ranks.length;
    const top3 = ranks.filter((r) => r <= 3).length / ranks.length;
    expect(top1, `misses: ${misses.join('; ')}`).toBeGreaterThanOrEqual(0.85);
    expect(top3, `misses: ${misses.join('; ')}`).toBeGreaterThanOrEqual(0.9);
  });

  test('unknown identifiers find the documents that mention them (pdf, jpeg, numpy, http)', async () => {
    for (const { query, expected } of Q.queries.filter((q) => /pdf|jpeg|numpy|http/.test(q.query))) {
      expect((await rank(query, expected)).rank, query).toBe(1);
    }
  });

  test('word pairs: similar and dissimilar bounds', async () => {
    for (const { a, b, min } of Q.similar) expect(cosine(await vec(a), await vec(b)), `${a} ~ ${b}`).toBeGreaterThanOrEqual(min);
    for (const { a, b, max } of Q.dissimilar) expect(cosine(await vec(a), await vec(b)), `${a} ~ ${b}`).toBeLessThanOrEqual(max);
  });

  test('a is closer to b than to c', async () => {
    for (const { a, b, c } of Q.closer) {
      const [va, vb, vc] = await e.embed([a, b, c]);
      expect(cosine(va!, vb!), `${a}: ${b} vs ${c}`).toBeGreaterThan(cosine(va!, vc!));
    }
  });
});
