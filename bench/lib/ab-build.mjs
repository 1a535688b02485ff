// Side-by-side BUILD speed of two builds of this package in ONE process, for
// a loaded shared machine (the build counterpart of ab-interleaved.mjs):
//   node bench/lib/ab-build.mjs OLD_DIST NEW_DIST DATASET_DIR [int8] [--n N] [--pairs P]
// Each pair builds the same index (l2, M 16, efConstruction 200, seed 1, one
// thread; `int8`: quantization 'int8'; the first N base vectors, default
// 20,000) once with each dist, back to back, in ABBA order, and times the
// insertMany in CPU milliseconds of this process (user + system). One ratio
// per pair: new ÷ old in vectors per CPU second (> 1: new is faster); the
// median ratio and its quartiles are printed. Two builds seconds apart see
// nearly the same machine, so the ratio cancels most of the load.
// Every pair also checks that both indexes give the same answers (ids and
// distances of searchBatch at efSearch 64 for 100 queries): a speed change
// must leave the graph bit-identical, so any difference is reported and the
// tool exits with status 1 — unless `--graphs-differ` says the change is a
// construction change (then the differences are only counted).
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDataset } from '../../scripts/lib/datasets.mjs';
import { cpuMs, quantile } from './cpu-time.mjs';

const args = process.argv.slice(2);
const graphsDiffer = args.includes('--graphs-differ');
if (graphsDiffer) args.splice(args.indexOf('--graphs-differ'), 1);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
};
const limit = option('--n', 20000);
const pairs = option('--pairs', 9);
const [oldDist, newDist, dataDir, quantization] = args;
if (!oldDist || !newDist || !dataDir || (quantization !== undefined && quantization !== 'int8') || !(pairs >= 1)) {
  throw new Error('usage: node bench/lib/ab-build.mjs OLD_DIST NEW_DIST DATASET_DIR [int8] [--n N] [--pairs P] [--graphs-differ]');
}
const { base, query } = loadDataset(dataDir);
const n = Math.min(base.n, limit);
const row = (m, i) => m.data.subarray(i * m.dim, (i + 1) * m.dim);
const items = Array.from({ length: n }, (_, i) => ({ id: String(i), vector: row(base, i) }));
const nq = Math.min(query.n, 100);
const queries = query.data.subarray(0, nq * query.dim);

const classes = {
  old: (await import(pathToFileURL(join(resolve(oldDist), 'index.js')).href)).MiniVectorDB,
  new: (await import(pathToFileURL(join(resolve(newDist), 'index.js')).href)).MiniVectorDB,
};

/** Builds the index with `which`; returns CPU ms of insertMany and the search answers as one string. */
async function build(which) {
  const db = await classes[which].create({ dim: base.dim, metric: 'l2', M: 16, efConstruction: 200, seed: 1, threads: 1, ...(quantization ? { quantization } : {}) });
  const c0 = cpuMs();
  await db.insertMany(items);
  const ms = cpuMs() - c0;
  const hits = await db.searchBatch(queries, { k: 10, efSearch: 64 });
  await db.close();
  return { ms, answers: JSON.stringify(hits.map((list) => list.map((h) => [h.id, h.distance]))) };
}

await build('old'); // warm both (JIT, first heap growth)
await build('new');
const ratios = [];
const rate = { old: [], new: [] };
let differ = 0;
for (let p = 0; p < pairs; p++) {
  const order = p % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
  const got = {};
  for (const which of order) got[which] = await build(which);
  if (got.old.answers !== got.new.answers) differ++;
  ratios.push(got.old.ms / got.new.ms);
  rate.old.push((n * 1000) / got.old.ms);
  rate.new.push((n * 1000) / got.new.ms);
  process.stderr.write(`pair ${p + 1}/${pairs}: old ${got.old.ms.toFixed(0)} ms, new ${got.new.ms.toFixed(0)} ms, new ÷ old ${(got.old.ms / got.new.ms).toFixed(3)}${got.old.answers === got.new.answers ? '' : ' ANSWERS DIFFER'}\n`);
}
for (const list of [ratios, rate.old, rate.new]) list.sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      old: oldDist,
      new: newDist,
      data: dataDir,
      n,
      quantization: quantization ?? 'none',
      pairs,
      ratio: Number(quantile(ratios, 0.5).toFixed(3)),
      ratioQuartiles: `${quantile(ratios, 0.25).toFixed(3)}–${quantile(ratios, 0.75).toFixed(3)}`,
      oldVectorsPerCpuSecond: Math.round(quantile(rate.old, 0.5)),
      newVectorsPerCpuSecond: Math.round(quantile(rate.new, 0.5)),
      pairsWithDifferentAnswers: differ,
    },
    null,
    1,
  ),
);
if (differ > 0 && !graphsDiffer) process.exitCode = 1;
