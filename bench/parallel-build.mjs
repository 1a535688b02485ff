// Parallel build speed-up (`threads` option): build time of insertMany with
// threads 1 and threads T on the same data, each build in a fresh Node
// process, the two configurations interleaved round by round (ABBA order,
// so drifting load on a shared machine hits both alike), and recall@10 of
// each graph at efSearch 64 against exact ground truth.
//
//   node bench/parallel-build.mjs [--datasets sift10k,mnist,glove100k] [--rounds 2]
//                                 [--threads 2] [--n N] [--queries 200]
//
// Datasets: folders with base/query .fvecs|.u8bin under --datasets-dir
// (else /work/shared/datasets, bench/data, or bench/.cache/glove/ where
// bench/lib/glove.mjs prepares glove100k). `--n`: only the
// first N base vectors (exact ground truth then recomputed by brute force
// for the queries used). Prints one JSON line per build and a summary table
// with the load average (1 min) seen at each build's start.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './lib/median.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'sift10k,mnist,glove100k' },
    'datasets-dir': { type: 'string' },
    rounds: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
    n: { type: 'string' },
    queries: { type: 'string', default: '200' },
    child: { type: 'string' },
    dir: { type: 'string' },
  },
});

function datasetDir(name) {
  const dirs = [values['datasets-dir'], '/work/shared/datasets', join(root, 'bench', 'data'), join(root, 'bench', '.cache', 'glove')].filter(Boolean);
  const dir = dirs.map((d) => join(d, name)).find((d) => existsSync(d));
  if (dir === undefined) throw new Error(`dataset ${name} not found under ${dirs.join(', ')}`);
  return dir;
}

async function child() {
  const { loadDataset, bruteForceL2 } = await import(pathToFileURL(join(root, 'scripts/lib/datasets.mjs')).href);
  const { MiniVectorDB } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
  const threads = Number(values.child);
  const { base, query, groundtruth } = loadDataset(values.dir);
  const n = Math.min(base.n, values.n === undefined ? Infinity : Number(values.n));
  const nq = Math.min(query.n, Number(values.queries));
  const row = (m, i) => m.data.subarray(i * m.dim, (i + 1) * m.dim);
  const db = await MiniVectorDB.create({ dim: base.dim, metric: 'l2', M: 16, efConstruction: 200, seed: 1, threads });
  const items = Array.from({ length: n }, (_, i) => ({ id: String(i), vector: row(base, i) }));
  const load = loadavg()[0];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await db.insertMany(items);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // Exact top-10: the dataset's ground truth for the full base, else brute force over the subset.
  let gt;
  let gtK;
  if (n === base.n && groundtruth) {
    gt = groundtruth.data;
    gtK = groundtruth.dim;
  } else {
    const sub = { n, dim: base.dim, data: base.data.subarray(0, n * base.dim) };
    const q = { n: nq, dim: query.dim, data: query.data.subarray(0, nq * query.dim) };
    gt = bruteForceL2(sub, q, 10).data;
    gtK = 10;
  }
  let hit = 0;
  for (let q = 0; q < nq; q++) {
    const truth = new Set(Array.from(gt.subarray(q * gtK, q * gtK + 10), String));
    for (const r of await db.search(row(query, q), { k: 10, efSearch: 64 })) hit += truth.has(r.id) ? 1 : 0;
  }
  await db.close();
  const out = { threads, n, seconds, vps: n / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, recall10ef64: hit / (nq * 10), load1: load };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function main() {
  const T = Number(values.threads);
  const rounds = Number(values.rounds);
  const summary = [];
  for (const name of values.datasets.split(',')) {
    const dir = datasetDir(name);
    const runs = { 1: [], [T]: [] };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [1, T] : [T, 1];
      for (const threads of order) {
        const args = [fileURLToPath(import.meta.url), '--child', String(threads), '--dir', dir, '--queries', values.queries];
        if (values.n !== undefined) args.push('--n', values.n);
        const res = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
        if (res.status !== 0) throw new Error(`${name} threads ${threads}: ${res.stderr}`);
        const line = JSON.parse(res.stdout.trim().split('\n').pop());
        console.log(JSON.stringify({ dataset: name, round: r, ...line }));
        runs[threads].push(line);
      }
    }
    const ratios = runs[1].map((one, i) => one.seconds / runs[T][i].seconds);
    summary.push({
      dataset: name,
      n: runs[1][0].n,
      vps1: median(runs[1].map((x) => x.vps)),
      vpsT: median(runs[T].map((x) => x.vps)),
      speedup: median(ratios),
      ratios,
      cpu1: median(runs[1].map((x) => x.cpuSeconds)),
      cpuT: median(runs[T].map((x) => x.cpuSeconds)),
      recall1: median(runs[1].map((x) => x.recall10ef64)),
      recallT: median(runs[T].map((x) => x.recall10ef64)),
      load: [...runs[1], ...runs[T]].map((x) => x.load1.toFixed(1)),
    });
  }
  console.log(`\n| dataset | n | build v/s, 1 thread | build v/s, ${T} threads | speed-up (median of round ratios) | CPU s, 1 / ${T} | recall@10 ef64, 1 / ${T} | load avg (1 min) at each build |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const s of summary) {
    console.log(
      `| ${s.dataset} | ${s.n} | ${s.vps1.toFixed(0)} | ${s.vpsT.toFixed(0)} | ${s.speedup.toFixed(2)}× (${s.ratios.map((x) => x.toFixed(2)).join(', ')}) | ${s.cpu1.toFixed(1)} / ${s.cpuT.toFixed(1)} | ${s.recall1.toFixed(3)} / ${s.recallT.toFixed(3)} | ${s.load.join(', ')} |`,
    );
  }
}

if (values.child !== undefined) await child();
else main();
