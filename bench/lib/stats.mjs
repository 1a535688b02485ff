// Recall, medians, and the per-series summary the report and chart use.
import { recallAtK } from '../../scripts/lib/datasets.mjs';
import { median } from './median.mjs';

export const THRESHOLDS = [0.9, 0.95, 0.99];

export { median };

/** Recall@k of flat ids (nq·k, -1 padded) against ground truth, over the first rows answered. */
export function recallOfFlat(ids, k, groundtruth) {
  const rows = [];
  for (let q = 0; q * k < ids.length; q++) rows.push(ids.slice(q * k, (q + 1) * k).filter((id) => id >= 0));
  return recallAtK(rows, groundtruth, k);
}

/** Ours and its variants (minivectordb-int8). */
export const isOurs = (system) => system === 'minivectordb' || system.startsWith('minivectordb-');

/** Series label of one sweep entry: ours shows both calls; a peer's batch call is marked. */
export function seriesName(system, mode, env) {
  let name = system;
  if (isOurs(system)) name += mode === 'batch' ? ' searchBatch' : ' search';
  else if (mode === 'batch') name += ' (batch)';
  return env === 'node' ? name : `${name} · ${env}`;
}

/**
 * Folds the rounds of every job of one dataset into series:
 * { name, system, env, mode, points: [{ ef, recall, qps, qpsRounds, recallRounds }], build, memory, snapshot }.
 * Medians are over rounds; recall is deterministic for most systems but is medianed too.
 */
export function summarize(jobs) {
  const bySeries = new Map();
  for (const job of jobs) {
    if (!job.result) continue;
    for (const s of job.result.sweep) {
      const name = seriesName(job.system, s.mode, job.env);
      if (!bySeries.has(name)) bySeries.set(name, { name, system: job.system, env: job.env, mode: s.mode, version: job.result.version, byEf: new Map(), jobs: [] });
      const series = bySeries.get(name);
      if (!series.jobs.includes(job)) series.jobs.push(job);
      const key = s.ef ?? 'exact';
      if (!series.byEf.has(key)) series.byEf.set(key, { ef: s.ef, qps: [], recall: [] });
      series.byEf.get(key).qps.push(s.qps);
      series.byEf.get(key).recall.push(s.recall);
    }
  }
  const out = [];
  for (const s of bySeries.values()) {
    const points = [...s.byEf.values()].map((p) => ({ ef: p.ef, qps: median(p.qps), recall: median(p.recall), qpsRounds: p.qps, recallRounds: p.recall }));
    const r = s.jobs.map((j) => j.result);
    const mb = (f) => median(r.map(f));
    out.push({
      name: s.name,
      system: s.system,
      env: s.env,
      mode: s.mode,
      version: s.version,
      rounds: r.length,
      points,
      atRecall: Object.fromEntries(THRESHOLDS.map((t) => [t, fastestAt(points, t)])),
      atRecallInterpolated: Object.fromEntries(THRESHOLDS.map((t) => [t, interpolatedAt(points, t)])),
      maxRecall: maxRecall(points),
      build: r.some((x) => x.build) ? { vectorsPerSecond: mb((x) => x.build?.vectorsPerSecond), rounds: r.map((x) => x.build?.vectorsPerSecond ?? null) } : null,
      memory: {
        peakRssDeltaBytes: mb((x) => x.memory?.peakRssDelta?.bytes),
        peakRssDeltaBuildBytes: mb((x) => x.memory?.peakRssDeltaBuild?.bytes),
        library: r.at(-1)?.memory?.library ?? null,
        method: r.find((x) => x.memory?.peakRssDelta)?.memory.peakRssDelta.method ?? null,
      },
      snapshot: r.some((x) => x.snapshot)
        ? {
            saveMs: mb((x) => x.snapshot?.saveMs),
            loadMs: mb((x) => x.snapshot?.loadMs),
            bytes: mb((x) => x.snapshot?.bytes),
            identicalAfterLoad: r.every((x) => x.snapshot?.identical !== false),
          }
        : null,
    });
  }
  return out;
}

/** The fastest efSearch whose median recall reaches t (no interpolation), or null. */
export function fastestAt(points, t) {
  let best = null;
  for (const p of points) if (p.recall >= t && (best === null || p.qps > best.qps)) best = { qps: p.qps, ef: p.ef, recall: p.recall };
  return best;
}

/** The highest median recall of a sweep, with its efSearch and QPS (the fastest such point). */
export function maxRecall(points) {
  let best = null;
  for (const p of points) if (best === null || p.recall > best.recall || (p.recall === best.recall && p.qps > best.qps)) best = { recall: p.recall, ef: p.ef, qps: p.qps };
  return best;
}

/**
 * QPS at recall exactly t, interpolated on the sweep's Pareto frontier (the
 * points no other point beats in both recall and QPS): between the frontier
 * point just below t and the one just above, log(QPS) linear in recall.
 * When no point lies below t, the fastest point reaching t (no
 * extrapolation, `interpolated: false`); null when no point reaches t.
 * @returns {{ qps: number, between: [number|null, number|null], interpolated: boolean } | null}
 */
export function interpolatedAt(points, t) {
  const byRecall = points.filter((p) => p.qps > 0 && p.recall !== null).sort((a, b) => b.recall - a.recall || b.qps - a.qps);
  const frontier = []; // recall descending, QPS ascending
  for (const p of byRecall) if (frontier.length === 0 || p.qps > frontier.at(-1).qps) frontier.push(p);
  const hiIndex = frontier.findLastIndex((p) => p.recall >= t);
  if (hiIndex < 0) return null;
  const hi = frontier[hiIndex];
  const lo = frontier[hiIndex + 1];
  if (!lo || hi.recall === t) return { qps: hi.qps, between: [hi.ef, hi.ef], interpolated: false };
  const f = (t - lo.recall) / (hi.recall - lo.recall);
  return { qps: Math.exp(Math.log(lo.qps) + f * (Math.log(hi.qps) - Math.log(lo.qps))), between: [lo.ef, hi.ef], interpolated: true };
}

/** Per-query JS↔wasm overhead of ours: 1/QPS(search) − 1/QPS(searchBatch), µs, per efSearch. */
export function oursOverhead(series, env) {
  const single = series.find((s) => s.system === 'minivectordb' && s.mode === 'single' && s.env === env);
  const batch = series.find((s) => s.system === 'minivectordb' && s.mode === 'batch' && s.env === env);
  if (!single || !batch) return null;
  const perEf = single.points
    .map((p) => {
      const b = batch.points.find((x) => x.ef === p.ef);
      return b ? { ef: p.ef, singleUs: 1e6 / p.qps, batchUs: 1e6 / b.qps, overheadUs: 1e6 / p.qps - 1e6 / b.qps } : null;
    })
    .filter(Boolean);
  return { env, perEf, medianUs: median(perEf.map((x) => x.overheadUs)) };
}
