import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/js/summary-reporter.js';

// The packed package (npm pack) installed offline into fresh projects: Node
// ESM, CommonJS, and a Vite app in Chromium. Build first: node scripts/build.mjs
export default defineConfig({
  test: {
    include: ['tests/package/**/*.test.ts'],
    globalSetup: ['tests/package/global-setup.ts'],
    environment: 'node',
    reporters: ['default', new SummaryReporter()],
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
