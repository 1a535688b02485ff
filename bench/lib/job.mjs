// One benchmark job: build one system on one dataset, sweep efSearch
// (single-query loop, and one batch call when the system has searchBatch),
// then save and load a snapshot. Environment-neutral: runs in the Node
// worker and in the Chromium page; `hooks` supplies the clock, memory
// probes and the snapshot folder.
import { median } from './median.mjs';

export function prepareRows(set, format) {
  const rows = new Array(set.n);
  for (let i = 0; i < set.n; i++) {
    const v = set.data.subarray(i * set.dim, (i + 1) * set.dim);
    rows[i] = format === 'array' ? Array.from(v) : v;
  }
  return rows;
}

export function flatIds(lists, k) {
  const out = new Array(lists.length * k).fill(-1);
  lists.forEach((ids, q) => {
    for (let j = 0; j < Math.min(k, ids.length); j++) out[q * k + j] = Number(ids[j]);
  });
  return out;
}

/** Runs the queries in order and returns the id lists and the time taken (optionally cut short). */
async function onePass(system, queries, k, now, stop = () => false) {
  const lists = [];
  const t0 = now();
  for (let i = 0; i < queries.length; i++) {
    lists.push(system.asyncSearch ? await system.search(queries[i], k) : system.search(queries[i], k));
    if (stop(lists.length, now() - t0)) break;
  }
  return { lists, ms: now() - t0 };
}

/**
 * Times whole passes over the query set: windows of at least minMs/5 each
 * (one pass when a pass is longer), at least 3 windows and minMs in total →
 * the median of the windows' queries per second, robust to another process
 * taking the core for a moment. `pass(first)` runs one pass; the first
 * pass's answers are kept for recall.
 */
async function timedPasses(pass, nq, minMs, now) {
  const rates = [];
  let done = 0;
  let total = 0;
  let lists;
  while (total < minMs || rates.length < 3) {
    let q = 0;
    let ms;
    const t0 = now();
    do {
      const out = await pass(lists === undefined);
      lists ??= out;
      q += nq;
      ms = now() - t0;
    } while (ms < minMs / 5);
    rates.push((q / ms) * 1000);
    done += q;
    total += ms;
  }
  return { qps: median(rates), queries: done, ms: total, windows: rates.length, lists };
}

const warmCount = (nq) => Math.min(nq, Math.max(10, Math.ceil(nq / 10)));

export async function sweepSingle(system, queries, k, minMs, warmMs, now) {
  if (system.exact) {
    // Exact search is slow: warm up on a few queries, then time one pass cut
    // short once minMs have passed and 20 queries are done; recall is over those.
    await onePass(system, queries.slice(0, 3), k, now);
    const need = Math.min(queries.length, 20);
    const { lists, ms } = await onePass(system, queries, k, now, (n, t) => n >= need && t >= minMs);
    return { qps: (lists.length / ms) * 1000, queries: lists.length, ms, windows: 1, lists };
  }
  // Warm-up (JIT, caches): at least warmCount queries and warmMs, not timed.
  const w = warmCount(queries.length);
  for (let t0 = now(), done = 0; done < w || now() - t0 < warmMs; done++) {
    const q = queries[done % queries.length];
    if (system.asyncSearch) await system.search(q, k);
    else system.search(q, k);
  }
  const pass = system.asyncSearch
    ? async (keep) => {
        const lists = keep ? [] : undefined;
        for (let i = 0; i < queries.length; i++) {
          const ids = await system.search(queries[i], k);
          lists?.push(ids);
        }
        return lists;
      }
    : (keep) => {
        const lists = keep ? [] : undefined;
        for (let i = 0; i < queries.length; i++) {
          const ids = system.search(queries[i], k);
          lists?.push(ids);
        }
        return lists;
      };
  return timedPasses(pass, queries.length, minMs, now);
}

async function sweepBatch(system, flat, nq, k, minMs, warmMs, now) {
  const dim = flat.length / nq;
  const w = warmCount(nq);
  for (let t0 = now(), i = 0; i < 1 || now() - t0 < warmMs; i++) await system.searchBatch(flat.subarray(0, w * dim), w, k); // warm-up
  return timedPasses(() => system.searchBatch(flat, nq, k), nq, minMs, now);
}

/**
 * @param system   an adapter (see bench/systems/README.md)
 * @param data     { base: {n, dim, data}, query: {n, dim, data} } float32
 * @param opts     { k, M, efConstruction, seed, efs, minMs, batch, saveLoad, verifyQueries }
 * @param hooks    { now, memory?: { start(), peak() }, snapshotDir?, log? }
 */
export async function runJob(system, data, opts, hooks) {
  const { now, log = () => {} } = hooks;
  const { k, efs, minMs } = opts;
  const base = { ...data.base, rows: prepareRows(data.base, 'f32') };
  if (system.queryFormat === 'array') base.arrays = prepareRows(data.base, 'array');
  const queries = prepareRows(data.query, system.queryFormat);
  const nq = data.query.n;
  const result = { system: system.name, version: system.version, sweep: [] };

  hooks.memory?.start();
  let t0 = now();
  await system.build(base, { M: opts.M, efConstruction: opts.efConstruction, seed: opts.seed });
  const buildMs = now() - t0;
  result.build = system.exact ? null : { ms: buildMs, vectorsPerSecond: (base.n / buildMs) * 1000 };
  log(`${system.name}: built in ${(buildMs / 1000).toFixed(2)} s`);
  const memBuild = hooks.memory?.peak();

  let last;
  let first = true;
  for (const ef of system.exact ? [null] : efs) {
    if (ef !== null) await system.setEf(ef);
    // The first step warms up for as long as it is timed; later ones briefly.
    const warmMs = first ? minMs : minMs / 10;
    first = false;
    const single = await sweepSingle(system, queries, k, minMs, warmMs, now);
    result.sweep.push({ ef, mode: 'single', qps: single.qps, queries: single.queries, ms: single.ms, windows: single.windows, ids: flatIds(single.lists, k) });
    last = single.lists;
    if (opts.batch !== false && system.searchBatch) {
      const batch = await sweepBatch(system, data.query.data, nq, k, minMs, warmMs, now);
      result.sweep.push({ ef, mode: 'batch', qps: batch.qps, queries: batch.queries, ms: batch.ms, windows: batch.windows, ids: flatIds(batch.lists, k) });
    }
  }
  result.memory = { library: system.memory?.() ?? null };
  if (hooks.memory) {
    const memAll = hooks.memory.peak();
    result.memory.peakRssDeltaBuild = memBuild;
    result.memory.peakRssDelta = memAll;
  }

  if (opts.saveLoad !== false && system.save && system.load) {
    t0 = now();
    const saved = await system.save(hooks.snapshotDir);
    const saveMs = now() - t0;
    t0 = now();
    await system.load(hooks.snapshotDir);
    const loadMs = now() - t0;
    // The reopened index must give the same answers (last efSearch of the sweep).
    const m = Math.min(nq, opts.verifyQueries ?? 50);
    const again = await onePass(system, queries.slice(0, m), k, now);
    const identical = again.lists.every((ids, q) => JSON.stringify(Array.from(ids)) === JSON.stringify(Array.from(last[q])));
    const bytes = saved?.bytes ?? (await saved?.size?.()) ?? null;
    result.snapshot = { saveMs, loadMs, bytes, identical, checkedQueries: m };
    log(`${system.name}: save ${saveMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms${identical ? '' : ', ANSWERS DIFFER after load'}`);
  } else {
    result.snapshot = null;
  }
  await system.close();
  return result;
}
