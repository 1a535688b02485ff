#!/usr/bin/env node
// Storage backends in headless Chromium: checkpoint write and read of one
// snapshot, and durable appends to the write-ahead log, for opfs:// in a
// worker (FileSystemSyncAccessHandle), opfs:// on the page (createWritable)
// and idb:// on the page and in a worker. Runs the built package (node
// scripts/build.mjs first) through tests/browser/storage-app.
//   node bench/storage/browser.mjs [--n 63000] [--dim 256] [--rounds 3] [--appends 200] [--record 1100]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/lib/chromium.mjs';
import { serveStatic } from '../../scripts/lib/static-server.mjs';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '63000' }, dim: { type: 'string', default: '256' }, rounds: { type: 'string', default: '3' }, appends: { type: 'string', default: '200' }, record: { type: 'string', default: '1100' } },
});
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const { build } = await import('vite');
const out = await mkdtemp(join(tmpdir(), 'mvdb-bench-storage-'));
await build({
  root: join(root, 'tests', 'browser', 'storage-app'),
  configFile: false,
  logLevel: 'error',
  cacheDir: join(out, '.vite-cache'),
  resolve: { alias: { 'minivectordb-storage': join(root, 'dist', 'storage', 'index.js'), minivectordb: join(root, 'dist', 'index.js') } },
  build: { outDir: join(out, 'site'), target: 'es2022', reportCompressedSize: false },
});
const server = await serveStatic(join(out, 'site'));
const { chromium } = await import('playwright-core');
const profile = await mkdtemp(join(tmpdir(), 'mvdb-bench-profile-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_FLAGS] });
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.origin}/`);
  await page.waitForFunction('window.specsReady === true');
  const run = async (where, op, ...args) => {
    const r = await page.evaluate(`window.${where}(${JSON.stringify(op)}, ...${JSON.stringify(args)})`);
    if (!r.ok) throw new Error(`${where} ${op}: ${r.name} ${r.message}`);
    return r.value;
  };
  const t0 = performance.now();
  const size = await run('page', 'benchSource', Number(values.n), Number(values.dim));
  console.log(`snapshot: ${values.n} × ${values.dim}-d, ${(size / 1e6).toFixed(1)} MB (built in ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  console.log('| backend | checkpoint write | checkpoint read | durable log append (median / p90) |');
  console.log('|---|---|---|---|');
  for (const [label, where, url] of [
    ['opfs:// worker (sync access handle)', 'worker', 'opfs://bench'],
    ['opfs:// page (createWritable)', 'page', 'opfs://bench'],
    ['idb:// page', 'page', 'idb://bench'],
    ['idb:// worker', 'worker', 'idb://bench'],
  ]) {
    const r = await run(where, 'bench', url, Number(values.rounds), Number(values.appends), Number(values.record));
    const append = r.appendMs === undefined ? '— (log: see the WAL bench)' : `${r.appendMs.toFixed(2)} / ${r.appendP90Ms.toFixed(2)} ms`;
    console.log(`| ${label} | ${r.writeMs.toFixed(0)} ms | ${r.readMs.toFixed(0)} ms | ${append} |`);
  }
} finally {
  await context.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
}
