// Side-by-side search speed of two builds in ONE process, for a loaded
// shared machine: `node bench/lib/ab-interleaved.mjs OLD_DIST NEW_DIST DATASET_DIR [int8] [--n N] [--pairs P]`
// builds the same index (l2, M 16, efConstruction 200, seed 1; `int8`:
// quantization 'int8'; `--n`: the first N base vectors only) with each
// build, then for searchBatch and single search() calls at efSearch 16 and
// 64 (`--ef`: others) runs P pairs (default 41) of short windows (60 ms of CPU time each),
// old and new back to back, in ABBA order. Each pair gives one ratio new ÷
// old of queries per CPU second; the median ratio and its quartiles are
// printed. Two windows 60 ms apart see nearly the same machine, so the
// ratio cancels most of the load that makes separate runs spread by 10–50 %
// here (ab-rounds.mjs). Both graphs are identical (the native golden test),
// so both builds do the same work per query. The cost: both builds share
// one V8 isolate (JIT, GC), which ab-rounds.mjs avoids.
// `--reorder-new`: the new side calls `reorder()` after its build. With the
// same dist on both sides the index is built once and both sides are
// opened from its snapshot (MiniVectorDB.deserialize), so they differ only
// in the relabelling; the reorder's time is printed. `--cache FILE`: that
// snapshot is read instead of building when it exists, else written.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDataset } from '../../scripts/lib/datasets.mjs';
import { cpuWindow, quantile } from './cpu-time.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
};
const reorderAt = args.indexOf('--reorder-new');
const reorderNew = reorderAt >= 0 && args.splice(reorderAt, 1).length === 1;
const cacheAt = args.indexOf('--cache');
const cache = cacheAt >= 0 ? args.splice(cacheAt, 2)[1] : undefined;
const limit = option('--n', Infinity);
const pairs = option('--pairs', 41);
const efAt = args.indexOf('--ef');
const efs = efAt >= 0 ? args.splice(efAt, 2)[1].split(',').map(Number) : [16, 64];
const [oldDist, newDist, dataDir, quantization] = args;
if (!oldDist || !newDist || !dataDir || (quantization !== undefined && quantization !== 'int8') || !(pairs >= 1)) {
  throw new Error('usage: node bench/lib/ab-interleaved.mjs OLD_DIST NEW_DIST DATASET_DIR [int8] [--n N] [--pairs P] [--ef E,E] [--reorder-new] [--cache FILE]');
}
const { base, query } = loadDataset(dataDir);
const n = Math.min(base.n, limit);
const row = (m, i) => m.data.subarray(i * m.dim, (i + 1) * m.dim);

async function open(dist) {
  const { MiniVectorDB } = await import(pathToFileURL(join(resolve(dist), 'index.js')).href);
  const db = await MiniVectorDB.create({ dim: base.dim, metric: 'l2', M: 16, efConstruction: 200, seed: 1, ...(quantization ? { quantization } : {}) });
  await db.insertMany(Array.from({ length: n }, (_, i) => ({ id: String(i), vector: row(base, i) })));
  return db;
}
async function reorder(db) {
  const t0 = performance.now();
  await db.reorder();
  process.stderr.write(`reorder(): ${(performance.now() - t0).toFixed(1)} ms\n`);
  return db;
}
let dbs;
if (reorderNew && resolve(oldDist) === resolve(newDist)) {
  let bytes;
  if (cache !== undefined && existsSync(cache)) {
    bytes = new Uint8Array(readFileSync(cache));
  } else {
    const built = await open(oldDist);
    bytes = await built.serialize();
    await built.close();
    if (cache !== undefined) writeFileSync(cache, bytes);
  }
  const { MiniVectorDB } = await import(pathToFileURL(join(resolve(oldDist), 'index.js')).href);
  dbs = { old: await MiniVectorDB.deserialize(bytes), new: await reorder(await MiniVectorDB.deserialize(bytes)) };
} else {
  dbs = { old: await open(oldDist), new: await open(newDist) };
  if (reorderNew) await reorder(dbs.new);
}

const window = (pass) => cpuWindow(pass, query.n);

const table = {};
for (const efSearch of efs) {
  const measures = {
    [`searchBatch ef ${efSearch}`]: (db) => () => db.searchBatch(query.data, { k: 10, efSearch }),
    [`search ef ${efSearch}`]: (db) => async () => {
      for (let i = 0; i < query.n; i++) await db.search(row(query, i), { k: 10, efSearch });
    },
  };
  for (const [name, make] of Object.entries(measures)) {
    const pass = { old: make(dbs.old), new: make(dbs.new) };
    await window(pass.old); // warm both
    await window(pass.new);
    const ratios = [];
    const qps = { old: [], new: [] };
    for (let p = 0; p < pairs; p++) {
      const order = p % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
      const got = {};
      for (const which of order) got[which] = await window(pass[which]);
      ratios.push(got.new / got.old);
      qps.old.push(got.old);
      qps.new.push(got.new);
    }
    ratios.sort((a, b) => a - b);
    qps.old.sort((a, b) => a - b);
    qps.new.sort((a, b) => a - b);
    table[name] = {
      ratio: Number(quantile(ratios, 0.5).toFixed(3)),
      ratioQuartiles: `${quantile(ratios, 0.25).toFixed(3)}–${quantile(ratios, 0.75).toFixed(3)}`,
      oldQpsCpu: Math.round(quantile(qps.old, 0.5)),
      newQpsCpu: Math.round(quantile(qps.new, 0.5)),
    };
    process.stderr.write(`${name}: ${JSON.stringify(table[name])}\n`);
  }
}
console.log(JSON.stringify({ old: oldDist, new: newDist, reorderNew, data: dataDir, n, quantization: quantization ?? 'none', pairs, table }, null, 1));
await dbs.old.close();
await dbs.new.close();
