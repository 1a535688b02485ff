import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/js/summary-reporter.js';

// The packed package (npm pack) installed offline into fresh projects: Node
// ESM, CommonJS, a Vite app (build and dev server), a webpack 5 app and a
// Next.js app in Chromium, Deno, Bun and workerd, tsc without the DOM lib,
// arethetypeswrong and publint. Build first: node scripts/build.mjs
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
