#!/usr/bin/env node
// The ANN job (npm run ann): an ANN run on real data through the public API.
// Builds an HNSW index, reports build time, recall@k and QPS per efSearch,
// saves a snapshot, reopens it and checks the answers are identical.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MiniVectorDB } from 'minivectordb';
import { bruteForceL2, loadDataset, recallAtK } from './lib/datasets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HELP = `Usage: npm run ann -- [options]     (or: node scripts/ann.mjs [options])

Runs the ANN job: loads base/query vectors (fvecs or u8bin) and groundtruth.ivecs
from a folder, builds an HNSW index with MiniVectorDB, prints build time and
vectors/s, recall@k and QPS for each efSearch, saves a snapshot, reopens it,
checks that every answer is identical, and prints the snapshot size.

Options:
  --data DIR            dataset folder (default: ../shared/datasets/sift10k)
  --M N                 HNSW links per node (default 16)
  --ef-construction N   candidate list size while building (default 200)
  --ef LIST             comma-separated efSearch values (default 16,32,64,128)
  --k N                 neighbours per query (default 10)
  --rounds N            timed rounds per efSearch, median reported (default 5)
  --snapshot PATH       where to save the snapshot (default: a temp file, removed after)
  -h, --help            show this help
Ground truth is computed by brute force when the folder has no groundtruth.ivecs.`;

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(root, '..', 'shared', 'datasets', 'sift10k') },
    M: { type: 'string', default: '16' },
    'ef-construction': { type: 'string', default: '200' },
    ef: { type: 'string', default: '16,32,64,128' },
    k: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    snapshot: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const intArg = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${v}\n\n${HELP}`);
    process.exit(2);
  }
  return n;
};
const M = intArg('M', values.M);
const efConstruction = intArg('ef-construction', values['ef-construction']);
const k = intArg('k', values.k);
const rounds = intArg('rounds', values.rounds);
const efs = values.ef.split(',').map((s) => intArg('ef', s));
const dataDir = resolve(values.data);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (!existsSync(dataDir)) {
  console.error(`dataset folder ${dataDir} not found: pass --data DIR (a folder with base.fvecs and query.fvecs)`);
  process.exit(2);
}
console.log(`dataset     ${dataDir}`);
const { base, query, groundtruth: gtFile } = loadDataset(dataDir);
console.log(`            ${base.n} base × ${base.dim}, ${query.n} queries`);
let groundtruth = gtFile;
if (groundtruth === null || groundtruth.dim < k) {
  console.log(`            computing exact ground truth (brute force, k=${k})…`);
  groundtruth = bruteForceL2(base, query, k);
}

const db = await MiniVectorDB.create({ dim: base.dim, metric: 'l2', M, efConstruction, seed: 1 });
const items = Array.from({ length: base.n }, (_, i) => ({ id: String(i), vector: base.data.subarray(i * base.dim, (i + 1) * base.dim) }));
let t0 = performance.now();
await db.insertMany(items);
const buildSeconds = (performance.now() - t0) / 1000;
console.log(`build       ${buildSeconds.toFixed(2)} s, ${Math.round(base.n / buildSeconds).toLocaleString('en-US')} vectors/s (M=${M}, efConstruction=${efConstruction}, one thread)`);

async function runQueries(target, ef) {
  const hits = await target.searchBatch(query.data, { k, efSearch: ef });
  return hits.map((h) => h.map((x) => [x.id, x.distance]));
}

console.log(`\n  efSearch   recall@${k}        QPS   (median of ${rounds} rounds, batch of ${query.n} queries)`);
const answers = new Map();
let best = 0;
for (const ef of efs) {
  const times = [];
  let result = await runQueries(db, ef); // warm-up, not timed
  for (let r = 0; r < rounds; r++) {
    t0 = performance.now();
    result = await runQueries(db, ef);
    times.push(performance.now() - t0);
  }
  answers.set(ef, result);
  const recall = recallAtK(result.map((h) => h.map(([id]) => Number(id))), groundtruth, k);
  best = Math.max(best, recall);
  const qps = query.n / (median(times) / 1000);
  console.log(`  ${String(ef).padStart(8)}   ${recall.toFixed(4).padStart(9)}   ${Math.round(qps).toLocaleString('en-US').padStart(8)}`);
}

const tmp = values.snapshot === undefined ? mkdtempSync(join(tmpdir(), 'minivectordb-ann-')) : undefined;
const snapshotPath = values.snapshot === undefined ? join(tmp, 'index.mvdb') : resolve(values.snapshot);
const url = pathToFileURL(snapshotPath).href;
t0 = performance.now();
await db.save(url);
const saveMs = performance.now() - t0;
t0 = performance.now();
const reopened = await MiniVectorDB.open(url);
const openMs = performance.now() - t0;
let identical = reopened.size === db.size;
for (const ef of efs) {
  const again = await runQueries(reopened, ef);
  identical &&= JSON.stringify(again) === JSON.stringify(answers.get(ef));
}
const size = statSync(snapshotPath).size;
console.log(`\nsnapshot    ${(size / 1e6).toFixed(2)} MB (${size.toLocaleString('en-US')} bytes), save ${saveMs.toFixed(0)} ms, open ${openMs.toFixed(0)} ms`);
console.log(`reopened    ${identical ? 'identical results for every query and efSearch' : 'RESULTS DIFFER after reopening'}`);
await reopened.close();
await db.close();
if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
console.log(`best recall@${k} ${best.toFixed(4)}`);
if (!identical) process.exit(1);
