import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/js/summary-reporter.js';

// The JS suite imports the BUILT package by name ('minivectordb' resolves to
// dist/ through the package's own "exports"). Build first: node scripts/build.mjs
export default defineConfig({
  test: {
    include: ['tests/js/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', new SummaryReporter()],
  },
});
