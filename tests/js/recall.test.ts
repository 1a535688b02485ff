/**
 * HNSW quality against the independent brute-force reference, per metric, on
 * the page at a larger scale than the per-target runs (tests/js/suites):
 * recall@10, distances and scores in the documented units, ordering, exact
 * search equal to brute force, and a round trip through memory://.
 */
import { afterAll, beforeAll } from 'vitest';
import { recallSuite } from './suites/recall.js';
import { makeTarget } from './suites/targets.js';

const target = makeTarget('page', 'memory');
beforeAll(() => target.setup());
afterAll(() => target.cleanup());
recallSuite(target, { n: 4000, dim: 48, queries: 100, M: 16, efConstruction: 200, efSearch: 96 });
