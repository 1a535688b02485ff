// Build speed of two builds in ONE process, for a loaded shared machine:
//   node bench/lib/ab-build.mjs OLD_DIST NEW_DIST DATASET_DIR [--n 20000,100000] [--pairs P]
// For each N, P pairs (default 2) of builds of the first N base vectors (l2,
// M 16, efConstruction 200, seed 1, one insertMany, one thread), old and new
// back to back in ABBA order; each build is timed in CPU seconds of this
// process (the core runs on the calling thread), and each pair gives new ÷
// old. Prints per N the ratios, their median, and each build's median CPU
// seconds and vectors per CPU second.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDataset } from '../../scripts/lib/datasets.mjs';
import { median } from './median.mjs';

const args = process.argv.slice(2);
const option = (name, fallback, parse = Number) => {
  const at = args.indexOf(name);
  return at >= 0 ? parse(args.splice(at, 2)[1]) : fallback;
};
const sizes = option('--n', [20000, 100000], (s) => s.split(',').map(Number));
const pairs = option('--pairs', 2);
const [oldDist, newDist, dataDir] = args;
if (!oldDist || !newDist || !dataDir || !(pairs >= 1)) {
  throw new Error('usage: node bench/lib/ab-build.mjs OLD_DIST NEW_DIST DATASET_DIR [--n N1,N2] [--pairs P]');
}
const { base } = loadDataset(dataDir);
const row = (i) => base.data.subarray(i * base.dim, (i + 1) * base.dim);
const libs = {};
for (const [which, dist] of [['old', oldDist], ['new', newDist]]) {
  libs[which] = (await import(pathToFileURL(join(resolve(dist), 'index.js')).href)).MiniVectorDB;
}
const cpuS = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function buildCpuSeconds(MiniVectorDB, n) {
  const db = await MiniVectorDB.create({ dim: base.dim, metric: 'l2', M: 16, efConstruction: 200, seed: 1 });
  const items = Array.from({ length: n }, (_, i) => ({ id: String(i), vector: row(i) }));
  const c0 = cpuS();
  await db.insertMany(items);
  const seconds = cpuS() - c0;
  await db.close();
  return seconds;
}

const table = {};
for (const n of sizes.map((s) => Math.min(s, base.n))) {
  const ratios = [];
  const seconds = { old: [], new: [] };
  for (let p = 0; p < pairs; p++) {
    const order = p % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
    const got = {};
    for (const which of order) got[which] = await buildCpuSeconds(libs[which], n);
    ratios.push(got.new / got.old);
    seconds.old.push(got.old);
    seconds.new.push(got.new);
    process.stderr.write(`n ${n} pair ${p + 1}: old ${got.old.toFixed(2)} s, new ${got.new.toFixed(2)} s, new ÷ old ${(got.new / got.old).toFixed(3)}\n`);
  }
  table[n] = {
    cpuSecondsRatio: Number(median(ratios).toFixed(3)),
    ratios: ratios.map((r) => Number(r.toFixed(3))),
    oldVectorsPerCpuS: Math.round(n / median(seconds.old)),
    newVectorsPerCpuS: Math.round(n / median(seconds.new)),
  };
}
console.log(JSON.stringify({ old: oldDist, new: newDist, data: dataDir, pairs, table }, null, 1));
