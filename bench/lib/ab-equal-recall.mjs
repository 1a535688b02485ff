// Search speed of two builds whose GRAPHS DIFFER (a construction change), at
// equal recall, in ONE process on a loaded shared machine:
//   node bench/lib/ab-equal-recall.mjs OLD_DIST NEW_DIST DATASET_DIR --ef 8,10,16,24,32
//     [--target 0.95] [--pairs P] [--n N]
// ab-interleaved.mjs compares QPS at equal efSearch, which is only fair when
// both builds make the same graph. Here each build (l2, M 16,
// efConstruction 200, seed 1, as ab-interleaved.mjs) first sweeps `--ef`
// for recall@10 (against the dataset's ground truth, or a brute force when
// `--n` keeps only the first N base vectors); the two efSearch values that
// bracket `--target` are that build's. Then P pairs (default 21) of short
// windows (60 ms of CPU time each, every query once per pass), old and new
// back to back in ABBA order, measure each build at its two values; per pair
// each build's QPS at the target recall is interpolated linearly in time per
// query against recall between them, and the pair gives new ÷ old. The
// median ratio and its quartiles are printed, for searchBatch and for
// single search() calls; plus the recall sweeps and the build CPU seconds
// (one build each: indicative only, ab-build.mjs measures builds).
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bruteForceL2, loadDataset } from '../../scripts/lib/datasets.mjs';
import { cpuMs, cpuWindow, quantile } from './cpu-time.mjs';

const K = 10;
const args = process.argv.slice(2);
const option = (name, fallback, parse = Number) => {
  const at = args.indexOf(name);
  return at >= 0 ? parse(args.splice(at, 2)[1]) : fallback;
};
const limit = option('--n', Infinity);
const pairs = option('--pairs', 21);
const target = option('--target', 0.95);
const efs = option('--ef', [8, 10, 12, 16, 24, 32, 48, 64], (s) => s.split(',').map(Number));
const [oldDist, newDist, dataDir] = args;
if (!oldDist || !newDist || !dataDir || !(pairs >= 1) || !(target > 0 && target < 1)) {
  throw new Error('usage: node bench/lib/ab-equal-recall.mjs OLD_DIST NEW_DIST DATASET_DIR --ef E1,E2,... [--target R] [--pairs P] [--n N]');
}
const { base, query, groundtruth } = loadDataset(dataDir);
const n = Math.min(base.n, limit);
const row = (m, i) => m.data.subarray(i * m.dim, (i + 1) * m.dim);
const truth =
  n === base.n && groundtruth !== null
    ? groundtruth
    : bruteForceL2({ n, dim: base.dim, data: base.data.subarray(0, n * base.dim) }, query, K);


async function open(dist) {
  const { MiniVectorDB } = await import(pathToFileURL(join(resolve(dist), 'index.js')).href);
  const db = await MiniVectorDB.create({ dim: base.dim, metric: 'l2', M: 16, efConstruction: 200, seed: 1 });
  const c0 = cpuMs();
  await db.insertMany(Array.from({ length: n }, (_, i) => ({ id: String(i), vector: row(base, i) })));
  return { db, buildCpuS: (cpuMs() - c0) / 1000 };
}

function recallOf(hits) {
  let hit = 0;
  hits.forEach((list, q) => {
    const want = new Set(Array.from(truth.data.subarray(q * truth.dim, q * truth.dim + K)));
    for (const h of list) if (want.has(Number(h.id))) hit++;
  });
  return hit / (query.n * K);
}

/** Recall@10 per efSearch, and the two values that bracket the target. */
async function sweep(db) {
  const points = [];
  for (const efSearch of efs) points.push({ efSearch, recall: recallOf(await db.searchBatch(query.data, { k: K, efSearch })) });
  const hi = points.findIndex((p) => p.recall >= target);
  if (hi <= 0) throw new Error(`recall ${target} not bracketed by --ef ${efs} (${JSON.stringify(points)})`);
  return { points, lo: points[hi - 1], hi: points[hi] };
}

const window = (pass) => cpuWindow(pass, query.n);

/** QPS at the target recall, linear in time per query between the bracketing points. */
function atTarget(lo, hi, qpsLo, qpsHi) {
  const f = (target - lo.recall) / (hi.recall - lo.recall);
  return 1 / (1 / qpsLo + f * (1 / qpsHi - 1 / qpsLo));
}

const builds = { old: await open(oldDist), new: await open(newDist) };
const sweeps = { old: await sweep(builds.old.db), new: await sweep(builds.new.db) };
for (const which of ['old', 'new']) process.stderr.write(`${which}: ${JSON.stringify(sweeps[which].points)}\n`);

const modes = {
  searchBatch: (db, efSearch) => () => db.searchBatch(query.data, { k: K, efSearch }),
  search: (db, efSearch) => async () => {
    for (let i = 0; i < query.n; i++) await db.search(row(query, i), { k: K, efSearch });
  },
};
const table = {};
for (const [mode, make] of Object.entries(modes)) {
  const passes = {};
  for (const which of ['old', 'new']) {
    const { lo, hi } = sweeps[which];
    passes[which] = { lo: make(builds[which].db, lo.efSearch), hi: make(builds[which].db, hi.efSearch) };
    await window(passes[which].lo); // warm
  }
  const ratios = [];
  const qps = { old: [], new: [] };
  for (let p = 0; p < pairs; p++) {
    const order = p % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
    const got = {};
    for (const which of order) {
      const { lo, hi } = sweeps[which];
      got[which] = atTarget(lo, hi, await window(passes[which].lo), await window(passes[which].hi));
    }
    ratios.push(got.new / got.old);
    qps.old.push(got.old);
    qps.new.push(got.new);
  }
  for (const xs of [ratios, qps.old, qps.new]) xs.sort((a, b) => a - b);
  table[mode] = {
    ratio: Number(quantile(ratios, 0.5).toFixed(3)),
    ratioQuartiles: `${quantile(ratios, 0.25).toFixed(3)}–${quantile(ratios, 0.75).toFixed(3)}`,
    oldQpsCpu: Math.round(quantile(qps.old, 0.5)),
    newQpsCpu: Math.round(quantile(qps.new, 0.5)),
  };
  process.stderr.write(`${mode} at recall ${target}: ${JSON.stringify(table[mode])}\n`);
}
const recall = Object.fromEntries(['old', 'new'].map((w) => [w, sweeps[w].points.map((p) => `${p.efSearch}: ${p.recall.toFixed(4)}`).join(', ')]));
const buildCpuS = { old: Number(builds.old.buildCpuS.toFixed(2)), new: Number(builds.new.buildCpuS.toFixed(2)) };
console.log(JSON.stringify({ old: oldDist, new: newDist, data: dataDir, n, target, pairs, recall, buildCpuS, table }, null, 1));
await builds.old.db.close();
await builds.new.db.close();
