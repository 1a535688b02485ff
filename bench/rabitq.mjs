#!/usr/bin/env node
// RaBitQ codes against float32 and int8 + rerank on one graph (issue #22,
// "Memory traffic"): compiles bench/native/rabitq-bench.cpp (our core,
// natively, SIMD128 kernels through SIMDe) into build/rabitq-bench/, runs it
// on a GloVe set prepared by `npm run bench` (bench/lib/glove.mjs), and
// prints per method the median QPS and recall of each efSearch, QPS at
// recall 0.90 / 0.95 / 0.99 (interpolated as the bench does:
// lib/stats.mjs interpolatedAt), max recall, the float32 rows re-ranked per
// query and the bytes per vector the walk reads. Not part of `npm run bench`.
//
// node bench/rabitq.mjs [--dataset glove100k] [--ef 32,64,...] [--rounds 3] [--bits 1,2,4]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { THRESHOLDS, interpolatedAt, maxRecall, median } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'glove100k' },
    ef: { type: 'string', default: '32,64,96,128,192,256,384,512' },
    rounds: { type: 'string', default: '3' },
    bits: { type: 'string', default: '1,2,4' },
  },
});
const data = join(here, '.cache', 'glove', values.dataset);
if (!existsSync(join(data, 'meta.json'))) throw new Error(`${data} is not prepared: run npm run bench -- --datasets ${values.dataset} once`);
const outDir = join(root, 'build', 'rabitq-bench');
mkdirSync(outDir, { recursive: true });
const bin = join(outDir, 'rabitq-bench');
const cc = spawnSync(
  'g++',
  ['-std=c++17', '-O3', '-msse4.2', '-fno-exceptions', '-DNDEBUG', '-DMVDB_USE_SIMDE=1', '-pthread', '-Iwasm/include',
    'bench/native/rabitq-bench.cpp', ...readdirSync(join(root, 'wasm', 'src')).filter((f) => f.endsWith('.cpp')).map((f) => `wasm/src/${f}`),
    '-o', bin],
  { cwd: root, stdio: 'inherit' },
);
if (cc.status !== 0) process.exit(cc.status ?? 1);
const run = spawnSync(
  bin,
  [join(data, 'base.fvecs'), join(data, 'query.fvecs'), join(data, 'groundtruth.ivecs'), join(outDir, `${values.dataset}.mvdb`),
    values.ef, values.rounds, values.bits],
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 },
);
if (run.status !== 0) process.exit(run.status ?? 1);
const rows = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
const methods = [...new Set(rows.map((r) => r.method))];
const fmt = (x) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
const summary = {};
for (const m of methods) {
  const mine = rows.filter((r) => r.method === m);
  const points = [...new Set(mine.map((r) => r.ef))].map((ef) => {
    const at = mine.filter((r) => r.ef === ef);
    return { ef, qps: median(at.map((r) => r.qps)), recall: median(at.map((r) => r.recall)), reranked: median(at.map((r) => r.reranked)) };
  });
  summary[m] = { points, bytes: mine[0].bytes };
}
console.log(`\n${values.dataset}, ${values.rounds} rounds, medians; ef: QPS / recall@10 / float32 rows re-ranked per query\n`);
console.log(`| method | bytes/vector walked | ${THRESHOLDS.map((t) => `QPS@${t}`).join(' | ')} | max recall@10 | ${summary[methods[0]].points.map((p) => `ef ${p.ef}`).join(' | ')} |`);
console.log(`|---|---|${THRESHOLDS.map(() => '---').join('|')}|---|${summary[methods[0]].points.map(() => '---').join('|')}|`);
for (const m of methods) {
  const { points, bytes } = summary[m];
  const at = THRESHOLDS.map((t) => fmt(interpolatedAt(points, t)?.qps ?? null));
  const best = maxRecall(points);
  console.log(`| ${m} | ${bytes} | ${at.join(' | ')} | ${best.recall.toFixed(4)} | ${points.map((p) => `${fmt(p.qps)} / ${p.recall.toFixed(3)} / ${Math.round(p.reranked)}`).join(' | ')} |`);
}
const base = summary.int8;
if (base) {
  console.log('\nQPS ratio against int8 at the same recall (interpolated):');
  for (const m of methods) {
    const r = THRESHOLDS.map((t) => {
      const a = interpolatedAt(summary[m].points, t)?.qps, b = interpolatedAt(base.points, t)?.qps;
      return a && b ? (a / b).toFixed(2) : '—';
    });
    console.log(`  ${m}: ${r.join(' / ')}  (at ${THRESHOLDS.join(' / ')})`);
  }
}
