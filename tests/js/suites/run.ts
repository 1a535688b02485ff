/** Registers every suite on one target (its setup before, its cleanup after). */
import { afterAll, beforeAll } from 'vitest';
import { badInputSuite } from './bad-input.js';
import { filterSuite } from './filter.js';
import { persistenceSuite } from './persistence.js';
import { recallSuite } from './recall.js';
import { targetCheck } from './target-check.js';
import { makeTarget, type Backend, type Host } from './targets.js';

export function runSuites(host: Host, backend: Backend): void {
  const target = makeTarget(host, backend);
  beforeAll(() => target.setup());
  afterAll(() => target.cleanup());
  targetCheck(target);
  badInputSuite(target);
  filterSuite(target);
  recallSuite(target);
  persistenceSuite(target);
}
