import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/js/summary-reporter.js';

// End-to-end tests: Chromium (tests/browser) and the packed package installed
// into fresh projects (tests/package). Build first: node scripts/build.mjs
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', new SummaryReporter()],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
