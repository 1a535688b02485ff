#!/usr/bin/env node
// Same-process A/B of embedding speed, for a machine shared with other jobs.
// `run.mjs` gives absolute numbers, one process per configuration, and its
// cells swing 2–3× with the load; here both systems live in ONE process (or
// one Chromium page) on the same model file and the same texts, and every
// timed call of A is paired with one of B (which goes first alternates by
// round), so both see the same load. Trust the ratio A / B (median over
// rounds of each round's median); the milliseconds are for scale only.
//
//   A: our OnnxEmbedder: in Node from --ours (default dist/) with --backend
//      native | wasm; in Chromium from dist/ (onnxruntime-web wasm)
//      (--ort tjs: on transformers.js's own onnxruntime-web copy, its plain build)
//   B: --against transformers.js (Node: its Node build on onnxruntime-node;
//      Chromium: its web build on its own onnxruntime-web), or, in Node, a
//      folder with another build of ours (e.g. a copy of dist/ made before a
//      change; keep it inside this checkout so it finds node_modules)
//
// Rows (ab-measure.mjs): texts of 16 and 128 tokens × batches of 1, 8, 32;
// "tokenize 32": what each system does before the model run for 32 texts
// (ours: tokenize + pad into int64 arrays; transformers.js: its tokenizer
// call with padding and truncation, int64 tensors); with --phases 1 also
// tokenize+pad, session run and mean pooling+L2 of a batch of 32 timed apart.
//
//   node bench/embed/ab.mjs [--env node|chromium] [--ort ours|tjs] [--model minilm-l6] [--dtype q8] [--threads 1]
//                           [--backend native|wasm] [--against transformers.js|DIR] [--ours dist]
//                           [--rounds 7] [--calls 5] [--lengths 16,128] [--batches 1,8,32] [--phases 1]
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeBert } from '../../scripts/model/make-bert.mjs';
import { abTable, compare, oursSystem, tjsSystem } from './ab-measure.mjs';
import { openChromium } from './browser.mjs';
import { makeTexts } from './texts.mjs';
import { tjsNodePipeline } from './tjs-setup.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const POOLING = { 'minilm-l6': 'mean', 'bge-small': 'cls' }; // as the real models are used
const opt = { ort: 'ours', env: 'node', model: 'minilm-l6', dtype: 'q8', threads: 1, backend: 'native', against: 'transformers.js', ours: 'dist', rounds: 7, calls: 5, lengths: [16, 128], batches: [1, 8, 32], phases: 0 };
const USAGE = 'usage: node bench/embed/ab.mjs [--env node|chromium] [--ort ours|tjs] [--model minilm-l6] [--dtype q8] [--threads 1] [--backend native|wasm] [--against transformers.js|DIR] [--ours dist] [--rounds 7] [--calls 5] [--lengths 16,128] [--batches 1,8,32] [--phases 1]';
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in opt) || argv[i + 1] === undefined) {
    console.log(USAGE);
    process.exit(key === 'help' ? 0 : 2);
  }
  const v = argv[i + 1];
  opt[key] = Array.isArray(opt[key]) ? v.split(',').map(Number) : typeof opt[key] === 'number' ? Number(v) : v;
}
if (opt.env === 'chromium' && (opt.against !== 'transformers.js' || opt.ours !== 'dist')) {
  console.log('ab: in Chromium, A is dist/ and B is transformers.js');
  process.exit(2);
}
const dir = makeBert(opt.model);
const pooling = POOLING[opt.model];
const vocab = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).vocab_size;
const pools = Object.fromEntries(opt.lengths.map((n) => [n, makeTexts(vocab, n, 32 * 31, n)]));
const load = () => loadavg()[0];
const loads = [load()];

let result;
let labels;
if (opt.env === 'node') {
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const ours = async (folder, label) => {
    const base = isAbsolute(folder) ? folder : join(ROOT, folder);
    const lib = { ...(await import(pathToFileURL(join(base, 'index.js')).href)), ...(await import(pathToFileURL(join(base, 'embed', 'pooling.js')).href)) };
    return oursSystem(lib, { modelPath: dir, dtype: opt.dtype, pooling, backend: opt.backend, wasm: { numThreads: opt.threads }, cache: false, logger: silent }, label);
  };
  const A = await ours(opt.ours, `ours (${opt.ours})`);
  let B;
  if (opt.against === 'transformers.js') {
    const tjs = await import('@huggingface/transformers');
    const x = await tjsNodePipeline(tjs, dirname(dir), { folder: basename(dir), dtype: opt.dtype, threads: opt.threads });
    B = tjsSystem(tjs, x, pooling, `transformers.js ${tjs.env.version} (onnxruntime-node)`);
  } else {
    B = await ours(opt.against, `ours (${opt.against})`);
  }
  labels = [A.label, B.label];
  console.error(`ab: ${availableParallelism()} cores, load ${load().toFixed(2)}; A = ${A.label}, B = ${B.label}`);
  result = await compare(A, B, pools, opt, (round) => {
    loads.push(load());
    console.error(`  round ${round + 1}/${opt.rounds} (load ${load().toFixed(2)})`);
  });
  await A.dispose();
  await B.dispose();
} else {
  const chromium = await openChromium(ROOT, dirname(dir));
  if (chromium.missing) {
    console.log(`ab: ${chromium.missing}`);
    process.exit(1);
  }
  console.error(`ab: Chromium, ${availableParallelism()} cores, load ${load().toFixed(2)}; ${opt.rounds} rounds (progress is not reported from the page)`);
  try {
    const out = await chromium.run({ page: `bench/embed/ab.html${opt.ort === 'tjs' ? '?ort=tjs' : ''}`, call: 'runAB', cfg: { ...opt, folder: basename(dir), pooling }, pools });
    result = out.result;
    labels = out.labels;
    if (opt.threads > 1 && !out.crossOriginIsolated) console.error('ab: WARNING: the page is NOT cross-origin isolated: onnxruntime ran on one thread');
    if (out.warnings.length > 0) console.error(`ab: warnings: ${out.warnings.join('; ')}`);
  } finally {
    await chromium.close();
  }
  loads.push(load());
}

console.log(`A = ${labels[0]}; B = ${labels[1]}. ${opt.env}, ${opt.model} ${opt.dtype}, ${opt.threads} thread(s), ${opt.rounds} rounds × ${opt.calls} paired calls, 1-min load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}. Same vectors: min cosine ${result.minCosine.toFixed(6)}.`);
console.log('');
console.log(abTable(result));
if (result.minCosine < 0.9999) {
  console.error(`ab: the two systems' vectors differ (min cosine ${result.minCosine})`);
  process.exitCode = 1;
}
