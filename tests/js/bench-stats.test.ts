/**
 * Benchmark arithmetic the reports quote: QPS at a recall target
 * interpolated between efSearch sweep points (bench/lib/stats.mjs), and the
 * GloVe sets' exact ground truth (bench/lib/glove.mjs), checked against the
 * plain sort-everything brute force of scripts/lib/datasets.mjs.
 */
import { expect, test } from 'vitest';
// @ts-ignore — plain .mjs bench modules
import { interpolatedAt, maxRecall } from '../../bench/lib/stats.mjs';
// @ts-ignore
import { exactTopK } from '../../bench/lib/glove.mjs';
// @ts-ignore
import { bruteForceL2 } from '../../scripts/lib/datasets.mjs';
import { mulberry32 } from '../shared/prng.mjs';

const sweep = [
  { ef: 16, recall: 0.8, qps: 8000 },
  { ef: 32, recall: 0.9, qps: 4000 },
  { ef: 64, recall: 0.96, qps: 2000 },
  { ef: 128, recall: 0.98, qps: 1000 },
  // dominated: lower recall and lower QPS than ef 128, so off the frontier
  { ef: 96, recall: 0.97, qps: 900 },
];

test('QPS at a recall target is log-interpolated between the frontier points around it', () => {
  // 0.95 lies 5/6 of the way from ef 32 (0.90, 4000) to ef 64 (0.96, 2000).
  const at = interpolatedAt(sweep, 0.95);
  expect(at.between).toEqual([32, 64]);
  expect(at.interpolated).toBe(true);
  expect(at.qps).toBeCloseTo(4000 * Math.pow(2000 / 4000, 5 / 6), 6);
  // 0.97: between ef 64 and ef 128; the dominated ef 96 point is skipped.
  expect(interpolatedAt(sweep, 0.97).between).toEqual([64, 128]);
  expect(interpolatedAt(sweep, 0.97).qps).toBeCloseTo(Math.sqrt(2000 * 1000), 6);
  // Exactly on a point: that point's QPS.
  expect(interpolatedAt(sweep, 0.9)).toEqual({ qps: 4000, between: [32, 32], interpolated: false });
  // Not reached, and below the lowest point (no extrapolation).
  expect(interpolatedAt(sweep, 0.99)).toBeNull();
  expect(interpolatedAt(sweep, 0.5)).toEqual({ qps: 8000, between: [16, 16], interpolated: false });
  expect(maxRecall(sweep)).toEqual({ recall: 0.98, ef: 128, qps: 1000 });
});

test('GloVe ground truth: exact top-k for every base prefix in one pass equals a full sort per prefix', () => {
  const rng = mulberry32(7);
  const dim = 8;
  const unit = (n: number) => {
    const data = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += (data[i * dim + j] = rng() - 0.5) ** 2;
      for (let j = 0; j < dim; j++) data[i * dim + j] = data[i * dim + j]! / Math.sqrt(norm);
    }
    return { n, dim, data };
  };
  const base = unit(600);
  // Duplicated rows make ties, which both must break by the lower id.
  base.data.copyWithin(5 * dim, 3 * dim, 4 * dim);
  const query = unit(40);
  query.data.set(base.data.subarray(3 * dim, 4 * dim), 0);
  const k = 15;
  const [small, full] = exactTopK(base, query, k, [250, 600]);
  const prefix = { n: 250, dim, data: base.data.subarray(0, 250 * dim) };
  expect(Array.from(small)).toEqual(Array.from(bruteForceL2(prefix, query, k).data));
  expect(Array.from(full)).toEqual(Array.from(bruteForceL2(base, query, k).data));
  expect(Array.from(full.subarray(0, 2))).toEqual([3, 5]);
});
