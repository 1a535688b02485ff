import { defineConfig } from 'vitest/config';

// End-to-end tests: Chromium (tests/browser) and the packed package installed
// into fresh projects (tests/package). Build first: node scripts/build.mjs
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
