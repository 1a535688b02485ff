// One dataset of the benchmark: ground truth, then the rounds (every system
// once per round, in rotated order; Node workers, then Chromium pages), then
// the per-series summary used by the report and the chart.
import { basename } from 'node:path';
import { checkDatasetDir, datasetDir, groundTruth, loadVectors } from './data.mjs';
import { roundsFor } from './args.mjs';
import { runNodeJob } from './node-job.mjs';
import { isOurs, oursOverhead, recallOfFlat, summarize } from './stats.mjs';
import { benchFiltered } from './filtered.mjs';
import { GLOVE_EFS, isGlove, prepareGlove } from './glove.mjs';
import { BROWSER_SYSTEMS, SYSTEMS } from '../systems/index.mjs';
import { packageVersion } from '../systems/pkg.mjs';

/** Pure-JS peers too slow to build on large sets by default (see --slow-max). */
const SLOW_SYSTEMS = ['mememo'];

const rotate = (xs, r) => xs.map((_, i) => xs[(i + r) % xs.length]);

function byOrder(series) {
  const names = Object.keys(SYSTEMS);
  const rank = (s) => [s.env === 'node' ? 0 : 1, names.indexOf(s.system), s.mode === 'single' ? 0 : 1];
  return series.sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
}

function withRecall(result, k, gt) {
  for (const s of result.sweep) {
    s.recall = recallOfFlat(s.ids, k, gt);
    delete s.ids;
  }
  return result;
}

/**
 * @param name     dataset name or folder
 * @param di       its index (names its data on the browser server)
 * @param opts     options from readOptions()
 * @param browser  the Chromium runner, { failed } or null
 * @param version  minivectordb's version
 */
export async function benchDataset({ name, di, opts, browser, version: ourVersion, log }) {
  let dir = datasetDir(name, opts.datasetsDir);
  try {
    if (isGlove(name)) dir = prepareGlove(name, log);
    checkDatasetDir(dir);
  } catch (e) {
    log(`dataset ${name}: ${e.message} — skipped`);
    return { name, dir, error: e.message, series: [], failures: [], overhead: [] };
  }
  const dsName = basename(dir);
  const { base, query } = loadVectors(dir);
  const { groundtruth, source } = groundTruth(dir, base, query, opts.k, log);
  const rounds = roundsFor(opts, base.n);
  const skipped = [];
  const systems = opts.systems.filter((s) => {
    if (SLOW_SYSTEMS.includes(s) && !opts.systemsExplicit && base.n > opts.slowMax) {
      skipped.push({ name: s, reason: `slow (pure JS build; ${base.n.toLocaleString('en-US')} vectors > --slow-max ${opts.slowMax}); name it in --systems to include it` });
      return false;
    }
    return true;
  });
  log(`${dsName}: ${base.n} × ${base.dim}, ${query.n} queries, ground truth ${source}; ${rounds} round(s); systems: ${systems.join(', ')}`);

  const dataId = `d${di}`;
  const browserSystems = browser && !browser.failed ? BROWSER_SYSTEMS.filter((s) => systems.includes(s)) : [];
  if (browserSystems.length) browser.addData(dataId, { base, query });
  const jobs = [];
  const dead = new Map(); // system@env → reason, after a failure that will not go away (not installed)
  const efs = isGlove(name) && !opts.efsExplicit ? GLOVE_EFS : opts.efs;
  const jobOpts = { k: opts.k, M: opts.M, efConstruction: opts.efConstruction, seed: opts.seed, efs, minMs: opts.minMs };
  const record = (system, env, r, out) => {
    if (out.error) {
      if (/Cannot find (package|module)|MODULE_NOT_FOUND|Could not locate the bindings|native driver unavailable/.test(out.error)) {
        out.error = `not installed or not built (${out.error.split('\n')[0]}); run npm ci (peers are devDependencies; hnswlib-node needs python3, make and g++)`;
        dead.set(`${system}@${env}`, out.error);
      }
      log(`${system} (${env}) round ${r + 1} failed: ${out.error.split('\n')[0]}`);
    } else withRecall(out.result, opts.k, groundtruth);
    jobs.push({ system, env, round: r, ...out });
  };
  for (let r = 0; r < (opts.mainBench ? rounds : 0); r++) {
    if (opts.nodeBench) {
      for (const system of rotate(systems, r)) {
        if (dead.has(`${system}@node`)) continue;
        log(`${dsName} round ${r + 1}/${rounds}: ${system} (node)`);
        record(system, 'node', r, await runNodeJob({ system, dataDir: dir, ourVersion, opts: jobOpts }, { log }));
      }
    }
    for (const system of rotate(browserSystems, r)) {
      if (dead.has(`${system}@chromium`)) continue;
      log(`${dsName} round ${r + 1}/${rounds}: ${system} (chromium)`);
      const version = isOurs(system) ? ourVersion : packageVersion(system);
      const spec = { system, dataId, n: base.n, nq: query.n, dim: base.dim, version, opts: { ...jobOpts, batch: true } };
      let out;
      try {
        out = { result: await browser.run(spec) };
      } catch (e) {
        out = { error: String(e?.message ?? e) };
      }
      record(system, 'chromium', r, out);
    }
  }

  const filtered = opts.filtered ? await benchFiltered({ dir, base, query, opts, systems, ourVersion, log }) : null;
  const series = byOrder(summarize(jobs));
  const ran = new Set(series.map((s) => `${s.system}@${s.env}`));
  const failures = [];
  for (const j of jobs) {
    const key = `${j.system}@${j.env}`;
    if (j.error && !ran.has(key) && !failures.some((f) => f.key === key)) failures.push({ key, name: j.system, env: j.env, reason: j.error.split('\n')[0] });
  }
  const partial = jobs.filter((j) => j.error && ran.has(`${j.system}@${j.env}`)).map((j) => ({ name: j.system, env: j.env, round: j.round + 1, reason: j.error.split('\n')[0] }));
  const chart = `${dsName}.svg`;
  return {
    name: dsName,
    dir,
    n: base.n,
    dim: base.dim,
    nq: query.n,
    k: opts.k,
    efs,
    rounds,
    groundtruth: source,
    chart,
    series,
    overhead: [oursOverhead(series, 'node'), oursOverhead(series, 'chromium')].filter(Boolean),
    filtered,
    failures,
    partialFailures: partial,
    skipped,
    jobs: jobs.map((j) => ({ system: j.system, env: j.env, round: j.round + 1, error: j.error ?? null, result: j.result ?? null })),
  };
}
