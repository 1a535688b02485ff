#!/usr/bin/env node
// Builds the demo page (web-demo/, with its vite.config.mjs) into
// build/demo-site/ (or --out DIR), with the corpus extracted beforehand
// (build/demo/packages.json; scripts/demo/extract-packages.mjs).
// Needs the library built (dist/; node scripts/build.mjs).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Builds the demo site.
 * @param {{ outDir?: string, corpusDir?: string }} [options] - defaults build/demo-site and build/demo.
 * @returns {Promise<string>} the site folder.
 */
export async function buildDemoSite({ outDir = join(root, 'build', 'demo-site'), corpusDir = join(root, 'build', 'demo') } = {}) {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('build-site: dist/index.js is missing: run node scripts/build.mjs first');
  if (!existsSync(join(corpusDir, 'packages.json'))) {
    throw new Error(`build-site: ${join(corpusDir, 'packages.json')} is missing: run node scripts/demo/extract-packages.mjs first`);
  }
  const { build } = await import('vite');
  await build({
    configFile: join(root, 'web-demo', 'vite.config.mjs'),
    publicDir: corpusDir,
    build: { outDir: resolve(outDir), emptyOutDir: true },
  });
  return resolve(outDir);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const site = await buildDemoSite(values.out === undefined ? {} : { outDir: values.out });
  console.log(`build-site: demo built in ${site}`);
}
