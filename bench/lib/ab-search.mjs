// Side-by-side search speed of two builds of this package, for refactors that
// must not change speed: `node bench/lib/ab-search.mjs DIST_DIR DATASET_DIR [int8]`
// builds the dataset's index (l2, M 16, efConstruction 200, seed 1; with
// `int8`, quantization 'int8' and its defaults) with the
// package in DIST_DIR and prints the median of 7 timed windows (300 ms each)
// of searchBatch and of single search() calls, in QPS, at efSearch 16 and 64:
// per wall second and per CPU second of the process (`… cpu`).
// Run it alternately on the two trees (each a git worktree built with
// `node scripts/build.mjs`), several times, and compare medians: one process
// per tree and run, so neither inherits the other's JIT or heap state.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDataset } from '../../scripts/lib/datasets.mjs';
import { cpuMs } from './cpu-time.mjs';

const [distDir, dataDir, quantization] = process.argv.slice(2);
if (!distDir || !dataDir || (quantization !== undefined && quantization !== 'int8')) {
  throw new Error('usage: node bench/lib/ab-search.mjs DIST_DIR DATASET_DIR [int8]');
}
const { MiniVectorDB } = await import(pathToFileURL(join(resolve(distDir), 'index.js')).href);
const { base, query } = loadDataset(dataDir);
const row = (m, i) => m.data.subarray(i * m.dim, (i + 1) * m.dim);

const db = await MiniVectorDB.create({ dim: base.dim, metric: 'l2', M: 16, efConstruction: 200, seed: 1, ...(quantization ? { quantization } : {}) });
await db.insertMany(Array.from({ length: base.n }, (_, i) => ({ id: String(i), vector: row(base, i) })));


/**
 * Median QPS of 7 windows of at least 300 ms, each running `pass` (all
 * queries) repeatedly, in wall time and per CPU second of this process. On
 * a shared machine the second is the one to compare: time the scheduler
 * gives other processes is not counted (cache and memory-bandwidth
 * contention still is).
 */
async function medianQps(pass) {
  const wall = [];
  const cpu = [];
  for (let r = 0; r < 7; r++) {
    const [t0, c0] = [performance.now(), cpuMs()];
    let passes = 0;
    while (performance.now() - t0 < 300) {
      await pass();
      passes++;
    }
    wall.push((passes * query.n) / ((performance.now() - t0) / 1000));
    cpu.push((passes * query.n) / ((cpuMs() - c0) / 1000));
  }
  const median = (xs) => Math.round(xs.sort((a, b) => a - b)[3]);
  return { wall: median(wall), cpu: median(cpu) };
}

const out = {};
for (const efSearch of [16, 64]) {
  const batch = await medianQps(() => db.searchBatch(query.data, { k: 10, efSearch }));
  const single = await medianQps(async () => {
    for (let i = 0; i < query.n; i++) await db.search(row(query, i), { k: 10, efSearch });
  });
  out[`searchBatch ef ${efSearch}`] = batch.wall;
  out[`search ef ${efSearch}`] = single.wall;
  out[`searchBatch ef ${efSearch} cpu`] = batch.cpu;
  out[`search ef ${efSearch} cpu`] = single.cpu;
}
console.log(JSON.stringify({ dist: distDir, data: dataDir, quantization: quantization ?? 'none', ...out }));
await db.close();
