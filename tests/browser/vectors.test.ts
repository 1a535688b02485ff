/** Vectors in Chromium: exact search equals an in-page brute force; HNSW recall@10 ≥ 0.95. */
import { describe, expect, test } from 'vitest';
import { hasChromium, SKIP_REASON, spec, useTestApp } from './harness.js';

interface Hit {
  id: string;
  distance: number;
}
interface VectorsResult {
  inserted: { inserted: number; updated: number };
  size: number;
  truth: Hit[][];
  exact: Hit[][];
  hnsw: Hit[][];
}

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: vectors' : `Chromium: vectors (${SKIP_REASON})`, () => {
  const app = useTestApp();

  test('2,000 random 32-d vectors: exact = brute force, HNSW recall ≥ 0.95', async () => {
    const r = await spec<VectorsResult>(app.browser.page, 'vectors');
    expect(r.inserted).toEqual({ inserted: 2000, updated: 0 });
    expect(r.size).toBe(2000);
    expect(r.truth).toHaveLength(50);
    let found = 0;
    for (let q = 0; q < r.truth.length; q++) {
      const truth = r.truth[q]!;
      expect(r.exact[q]!.map((h) => h.id)).toEqual(truth.map((h) => h.id));
      r.exact[q]!.forEach((h, i) => expect(h.distance).toBeCloseTo(truth[i]!.distance, 4));
      const ids = new Set(truth.map((h) => h.id));
      found += r.hnsw[q]!.filter((h) => ids.has(h.id)).length;
      expect(r.hnsw[q]).toHaveLength(10);
    }
    const recall = found / (r.truth.length * 10);
    console.log(`Chromium HNSW recall@10 on 2,000 × 32-d uniform vectors: ${recall.toFixed(3)}`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(app.browser.errors).toEqual([]);
    expect(app.browser.offsite).toEqual([]);
  });
});
