#!/usr/bin/env node
// Storage backends in headless Chromium: checkpoint write and read of one
// snapshot, and durable appends to the write-ahead log, for opfs:// in a
// worker (FileSystemSyncAccessHandle), opfs:// on the page (createWritable)
// and idb:// on the page and in a worker. Runs the built package (node
// scripts/build.mjs first) through tests/browser/storage-app.
//   node bench/storage/browser.mjs [--n 63000] [--dim 256] [--rounds 3] [--appends 200] [--record 1100]
import { parseArgs } from 'node:util';
import { startStorageApp } from './app.mjs';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '63000' }, dim: { type: 'string', default: '256' }, rounds: { type: 'string', default: '3' }, appends: { type: 'string', default: '200' }, record: { type: 'string', default: '1100' } },
});
const app = await startStorageApp();
try {
  const run = app.call;
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
  await app.close();
}
