// Filtered search benchmark: every base vector gets a `bucket` = its rank in
// a seeded random permutation, so the filter `bucket < s·n` matches exactly
// s·n items (s = 1%, 10%, 50%). Ours filters with { bucket: { $lt: s·n } }
// (a range filter: the planner's sorted-value index, then a label bitset
// applied inside the graph walk); hnswlib-node and hnswlib-wasm get a JS
// callback (label) => rank[label] < s·n, called per visited node. Ground
// truth is a brute force over the matching items only (cached in
// bench/.cache/). Reported at one efSearch: recall@k and QPS per selectivity,
// and QPS(filtered) ÷ QPS(unfiltered) of the same system at that efSearch.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bruteForceL2, readVecs } from '../../scripts/lib/datasets.mjs';
import { mulberry32 } from '../../tests/shared/prng.mjs';
import { cacheDir, writeIvecs } from './data.mjs';
import { prepareRows, flatIds, sweepSingle } from './job.mjs';
import { runNodeJob } from './node-job.mjs';
import { median, recallOfFlat } from './stats.mjs';

export const SELECTIVITIES = [0.01, 0.1, 0.5];
/** Systems with a filtered search: ours (metadata filter) and the hnswlib peers (callback). */
export const FILTER_SYSTEMS = ['minivectordb', 'hnswlib-node', 'hnswlib-wasm'];
const RANK_SEED = 20240601;

/** rank[i] of base item i: a seeded random permutation of 0 … n−1. */
export function bucketRanks(n) {
  const rng = mulberry32(RANK_SEED);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const rank = new Int32Array(n);
  order.forEach((item, r) => {
    rank[item] = r;
  });
  return rank;
}

/** Matching items (rank < limit) of s·n for each selectivity. */
export const limitOf = (n, s) => Math.round(s * n);

function firstQueries(query, nq) {
  return { n: nq, dim: query.dim, data: query.data.subarray(0, nq * query.dim) };
}

/** Exact top-k over the items with rank < limit (ids of the full base), cached. */
function filteredGroundTruth(key, base, query, ranks, limit, k, log) {
  const path = join(cacheDir, `filtered-${key}-${limit}-q${query.n}-k${k}.ivecs`);
  if (existsSync(path)) return readVecs(path, 'ivecs');
  log(`filtered ground truth: brute force over ${limit} matching items × ${query.n} queries…`);
  const ids = [];
  for (let i = 0; i < base.n; i++) if (ranks[i] < limit) ids.push(i);
  const sub = new Float32Array(ids.length * base.dim);
  ids.forEach((id, j) => sub.set(base.data.subarray(id * base.dim, (id + 1) * base.dim), j * base.dim));
  const gt = bruteForceL2({ n: ids.length, dim: base.dim, data: sub }, query, k);
  const out = { n: gt.n, dim: gt.dim, data: Int32Array.from(gt.data, (j) => ids[j]) };
  writeIvecs(path, out);
  return out;
}

/**
 * One filtered job (in the worker): build with the bucket ranks, then at
 * efSearch `ef` an unfiltered pass and one per selectivity (single-query
 * loop, timed like the main sweep).
 */
export async function runFilteredJob(system, data, opts, hooks) {
  const { now, log = () => {} } = hooks;
  const { k, ef, minMs, nq } = opts;
  const ranks = bucketRanks(data.base.n);
  const base = { ...data.base, rows: prepareRows(data.base, 'f32'), ranks };
  if (system.queryFormat === 'array') base.arrays = prepareRows(data.base, 'array');
  const queries = prepareRows(firstQueries(data.query, nq), system.queryFormat);
  await system.build(base, { M: opts.M, efConstruction: opts.efConstruction, seed: opts.seed });
  await system.setEf(ef);
  const sweep = [];
  let first = true;
  for (const s of [null, ...SELECTIVITIES]) {
    system.setFilter(s === null ? null : { ranks, limit: limitOf(data.base.n, s) });
    const r = await sweepSingle(system, queries, k, minMs, first ? minMs : minMs / 10, now);
    first = false;
    sweep.push({ selectivity: s, qps: r.qps, ids: flatIds(r.lists, k) });
    log(`${system.name}: ${s === null ? 'unfiltered' : `${s * 100}% match`}: ${Math.round(r.qps)} QPS`);
  }
  await system.close();
  return { system: system.name, version: system.version, ef, sweep };
}

/**
 * The filtered benchmark of one dataset: `rounds` fresh-process jobs per
 * system (rotated order), recall against the filtered ground truth, medians.
 * @returns {{ ef, nq, rounds, rows: [{ system, selectivity, matching, recall, qps, ratio }], failures }}
 */
export async function benchFiltered({ dir, base, query, opts, systems, ourVersion, log }) {
  const nq = Math.min(query.n, opts.filterQueries);
  const ranks = bucketRanks(base.n);
  const key = createHash('sha256')
    .update(JSON.stringify([dir, statSync(dir).mtimeMs, base.n, query.n, RANK_SEED]))
    .digest('hex')
    .slice(0, 16);
  const q = firstQueries(query, nq);
  const truth = new Map(SELECTIVITIES.map((s) => [s, filteredGroundTruth(key, base, q, ranks, limitOf(base.n, s), opts.k, log)]));
  const jobOpts = { kind: 'filtered', k: opts.k, M: opts.M, efConstruction: opts.efConstruction, seed: opts.seed, ef: opts.filterEf, minMs: opts.minMs, nq };
  const chosen = FILTER_SYSTEMS.filter((s) => systems.includes(s));
  const results = new Map(chosen.map((s) => [s, []]));
  const failures = [];
  for (let r = 0; r < opts.filterRounds; r++) {
    for (const system of chosen.map((_, i) => chosen[(i + r) % chosen.length])) {
      log(`filtered round ${r + 1}/${opts.filterRounds}: ${system}`);
      const out = await runNodeJob({ system, dataDir: dir, ourVersion, opts: jobOpts }, { log });
      if (out.error) failures.push({ name: system, round: r + 1, reason: out.error.split('\n')[0] });
      else results.get(system).push(out.result);
    }
  }
  const rows = [];
  for (const [system, runs] of results) {
    if (runs.length === 0) continue;
    const qpsOf = (s) => median(runs.map((run) => run.sweep.find((p) => p.selectivity === s).qps));
    const unfiltered = qpsOf(null);
    for (const s of [null, ...SELECTIVITIES]) {
      const ids = runs[0].sweep.find((p) => p.selectivity === s).ids;
      const gt = s === null ? null : truth.get(s);
      rows.push({
        system,
        version: runs[0].version,
        selectivity: s,
        matching: s === null ? base.n : limitOf(base.n, s),
        recall: gt === null ? null : recallOfFlat(ids, opts.k, gt),
        qps: qpsOf(s),
        ratio: s === null ? 1 : qpsOf(s) / unfiltered,
      });
    }
  }
  return { ef: opts.filterEf, nq, rounds: opts.filterRounds, rows, failures };
}
