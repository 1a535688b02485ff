#!/usr/bin/env node
// `npm run bench:embed`: embedding speed of random-weight models of real
// architectures (made here by scripts/model/make-bert.mjs; speed does not
// depend on the weights) in Node: ours (OnnxEmbedder on onnxruntime-web) and,
// when installed, transformers.js on the same model files (onnxruntime-web,
// `device: 'wasm'`, and onnxruntime-node, `device: 'cpu'`), with the same
// inputs and pooling. Rows: model × dtype (fp32, q8) × threads (1, all cores)
// × text length (16, 128 tokens) × batch (1, 8, 32), plus tokenization alone
// (batch of 32). Each configuration runs in its own process. Also checks that
// ours and transformers.js give the same vectors (cosine ≥ 0.9999).
//
//   node bench/embed/run.mjs [--models minilm-l6,bge-small] [--dtypes fp32,q8] [--threads 1,2]
//                            [--systems ours,transformers.js,transformers.js-node] [--envs node,chromium] [--min-ms 1500]
// In Chromium (headless, Debian's, COOP/COEP so threads work) only ours runs
// for now; transformers.js there would need its web bundle served.
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
const opt = {
  models: ['minilm-l6'],
  dtypes: ['fp32', 'q8'],
  threads: [...new Set([1, availableParallelism()])],
  systems: ['ours', 'transformers.js', 'transformers.js-node'],
  envs: ['node', 'chromium'],
  minMs: 1500,
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
  if (key === 'help' || !(key in opt) || argv[i + 1] === undefined) {
    console.log('usage: node bench/embed/run.mjs [--models minilm-l6,bge-small] [--dtypes fp32,q8] [--threads 1,2] [--systems ours,transformers.js,transformers.js-node] [--envs node,chromium] [--min-ms 1500]');
    process.exit(key === 'help' ? 0 : 2);
  }
  opt[key] = key === 'minMs' ? Number(argv[i + 1]) : argv[i + 1].split(',').map((s) => (key === 'threads' ? Number(s) : s));
}

const TITLES = { ours: 'ours (Node)', 'transformers.js': 'transformers.js, onnxruntime-web (Node)', 'transformers.js-node': 'transformers.js, onnxruntime-node (Node)' };
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const results = [];
const chromium = opt.envs.includes('chromium') ? await openChromium(ROOT, join(ROOT, 'bench', '.cache', 'models')) : undefined;
console.error(`bench:embed: ${availableParallelism()} cores, load ${load()}`);
for (const model of opt.models) {
  const dir = makeBert(model);
  for (const dtype of opt.dtypes) {
    for (const threads of opt.threads) {
      if (chromium !== undefined) results.push(await runChromium(model, dir, dtype, threads));
      if (!opt.envs.includes('node')) continue;
      for (const system of opt.systems) {
        const cfg = { env: 'node', system, model, dir, dtype, threads, pooling: POOLING[model], minMs: opt.minMs };
        const before = load();
        let r;
        try {
          r = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'bench', 'embed', 'worker.mjs'), JSON.stringify(cfg)], { encoding: 'utf8', maxBuffer: 1 << 28 }).trim().split('\n').pop());
        } catch (e) {
          r = { ...cfg, skipped: `failed: ${String(e.stderr ?? e).split('\n').find((l) => /Error/.test(l)) ?? e}` };
        }
        r.loadBefore = before;
        r.loadAfter = load();
        results.push(r);
        console.error(`  ${model} ${dtype} ${threads}t ${system}: ${r.skipped ?? r.rows.filter((x) => !x.tokenizeOnly).map((x) => `${x.length}/${x.batch} ${x.medianMs.toFixed(1)} ms`).join(', ')} (load ${before} → ${r.loadAfter})`);
      }
    }
  }
}

await chromium?.close?.();

async function runChromium(model, dir, dtype, threads) {
  const cfg = { env: 'chromium', system: 'ours', model, dir, dtype, threads, pooling: POOLING[model], minMs: opt.minMs };
  const before = load();
  let r;
  if (chromium.missing) r = { ...cfg, skipped: chromium.missing };
  else {
    try {
      const vocab = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).vocab_size;
      const pools = Object.fromEntries(Object.entries(LENGTHS).map(([name, tokens]) => [name, { tokens, texts: makeTexts(vocab, tokens, 32 * 31, tokens) }]));
      const out = await chromium.run({ folder: basename(dir), dtype, threads, pooling: cfg.pooling, device: 'wasm', minMs: opt.minMs, pools });
      r = { ...cfg, version: 'minivectordb (Chromium)', ...out };
      if (threads > 1 && !out.crossOriginIsolated) r.note = 'NOT cross-origin isolated: onnxruntime ran on one thread';
    } catch (e) {
      r = { ...cfg, skipped: `failed: ${String(e.message ?? e).split('\n')[0]}` };
    }
  }
  r.loadBefore = before;
  r.loadAfter = load();
  console.error(`  ${model} ${dtype} ${threads}t chromium ours: ${r.skipped ?? r.rows.filter((x) => !x.tokenizeOnly).map((x) => `${x.length}/${x.batch} ${x.medianMs.toFixed(1)} ms`).join(', ')} (load ${before} → ${r.loadAfter})${r.note ? ` — ${r.note}` : ''}`);
  return r;
}

// same vectors: ours against each transformers.js run of the same model, dtype and threads
const checks = [];
for (const r of results.filter((x) => x.system !== 'ours' && x.vectors)) {
  const ours = results.find((x) => x.system === 'ours' && x.env === 'node' && x.model === r.model && x.dtype === r.dtype && x.threads === r.threads && x.vectors);
  if (!ours) continue;
  let min = 1;
  for (const len of Object.keys(r.vectors)) r.vectors[len].forEach((v, i) => (min = Math.min(min, cosine(v, ours.vectors[len][i]))));
  checks.push({ model: r.model, dtype: r.dtype, threads: r.threads, system: r.system, minCosine: min, ok: min >= 0.9999 });
}

const md = report(results, checks);
const out = join(ROOT, 'bench', 'results', `embed-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'results.json'), JSON.stringify({ opt, cores: availableParallelism(), node: process.version, results: results.map(({ vectors, ...x }) => x), checks }, null, 1));
writeFileSync(join(out, 'report.md'), md);
console.log(md);
console.error(`bench:embed: written to ${out}`);

function cosine(a, b) {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) (d += a[i] * b[i]), (na += a[i] * a[i]), (nb += b[i] * b[i]);
  return d / Math.sqrt(na * nb);
}

function report(rs, cs) {
  const lines = [];
  const columns = [
    ...(opt.envs.includes('node') ? opt.systems.map((s) => ({ env: 'node', system: s, title: TITLES[s] })) : []),
    ...(opt.envs.includes('chromium') ? [{ env: 'chromium', system: 'ours', title: 'ours (Chromium)' }] : []),
  ];
  const systems = columns.map((c) => c.title);
  const skipped = rs.filter((r) => r.skipped);
  lines.push(`Node ${process.version}, ${availableParallelism()} cores, load average at the end ${load()}. Median ms per call (texts/s); tokenization: a batch of 32 alone.`, '');
  lines.push(`| model | dtype | threads | tokens | batch | ${systems.join(' | ')} |`);
  lines.push(`|---|---|---|---|---|${systems.map(() => '---').join('|')}|`);
  const keyed = (r) => `${r.model}|${r.dtype}|${r.threads}`;
  const groups = [...new Set(rs.map(keyed))];
  for (const g of groups) {
    const [model, dtype, threads] = g.split('|');
    const inGroup = rs.filter((r) => keyed(r) === g && r.rows);
    const first = inGroup[0];
    if (!first) continue;
    for (const row of first.rows) {
      const cells = columns.map((col) => {
        const r = rs.find((x) => keyed(x) === g && x.system === col.system && x.env === col.env);
        if (!r || r.skipped) return r?.skipped ?? '—';
        const m = r.rows.find((x) => x.length === row.length && x.batch === row.batch && !!x.tokenizeOnly === !!row.tokenizeOnly);
        return m ? `${m.medianMs.toFixed(m.medianMs < 10 ? 2 : 1)} (${m.textsPerS.toFixed(0)}/s)` : '—';
      });
      lines.push(`| ${model} | ${dtype} | ${threads} | ${row.tokens} | ${row.tokenizeOnly ? '32, tokenize only' : row.batch} | ${cells.join(' | ')} |`);
    }
  }
  if (skipped.length > 0) lines.push('', ...[...new Set(skipped.map((r) => `- ${r.system} (${r.env}): ${r.skipped}`))]);
  const notes = rs.filter((r) => r.note);
  if (notes.length > 0) lines.push('', ...notes.map((r) => `- ${r.env} ${r.model} ${r.dtype} ${r.threads}t: ${r.note}`));
  const isolated = rs.find((r) => r.env === 'chromium' && r.crossOriginIsolated !== undefined);
  if (isolated) lines.push('', `- Chromium: ${isolated.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'headless'}, page cross-origin isolated: ${isolated.crossOriginIsolated}`);
  if (cs.length > 0) lines.push('', ...cs.map((c) => `- same vectors, ${c.model} ${c.dtype} ${c.threads}t, ours vs ${c.system}: min cosine ${c.minCosine.toFixed(6)} ${c.ok ? '✓' : '✗ (< 0.9999)'}`));
  return lines.join('\n') + '\n';
}
