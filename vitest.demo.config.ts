import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/js/summary-reporter.js';

// The web demo (tests/demo): its corpus extraction, then the page in Chromium
// over the full corpus of this machine's apt lists. Build first: node scripts/build.mjs
export default defineConfig({
  test: {
    include: ['tests/demo/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', new SummaryReporter()],
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
