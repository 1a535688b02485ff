// Markdown report: per dataset, one table of medians with the ratios of ours
// to each system measured in the same run and environment, then the full
// efSearch sweep. Ratios > 1 mean MiniVectorDB is faster.
import { THRESHOLDS } from './lib/stats.mjs';

const int = (x) => (x === null || x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
const mb = (b) => (b === null || b === undefined ? '—' : `${(b / 1e6).toFixed(1)} MB`);
const ms = (x) => (x === null || x === undefined ? '—' : x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);

function qpsCell(at) {
  return at ? `${int(at.qps)} (${at.ef === null ? 'exact' : `ef ${at.ef}`})` : 'not reached';
}

// "Ours" in the ratio columns: the plain system, or its reordered variant
// when only that one ran (reorder() after the build, bench/systems).
function oursOf(series, env, mode, system = 'minivectordb') {
  const find = (name) => series.find((s) => s.system === name && s.env === env && s.mode === mode);
  return find(system) ?? find(`${system}-reordered`);
}

function ratioCell(ours, other) {
  if (!ours || ours === other) return '';
  const parts = [0.95, 0.99].map((t) => `${ratio(ours.atRecall[t]?.qps, other.atRecall[t]?.qps)}`);
  return `${parts[0]} / ${parts[1]}`;
}

/** The summary table of one dataset (what is printed and quoted). */
export function summaryTable(ds) {
  const rows = [
    `| system | build vectors/s | QPS @ recall ≥ 0.90 | QPS @ ≥ 0.95 | QPS @ ≥ 0.99 | ours search ÷ system (@0.95 / @0.99) | ours searchBatch ÷ system (@0.95 / @0.99) | ours build ÷ system | peak RSS Δ | save / load | snapshot |`,
    `|---|---|---|---|---|---|---|---|---|---|---|`,
  ];
  for (const s of ds.series) {
    const repeat = s.mode === 'batch' && ds.series.some((x) => x.system === s.system && x.env === s.env && x.mode === 'single');
    const single = oursOf(ds.series, s.env, 'single');
    const batch = oursOf(ds.series, s.env, 'batch');
    const buildRatio = s === single ? '' : ratio(single?.build?.vectorsPerSecond, s.build?.vectorsPerSecond);
    const snap = s.snapshot ? `${ms(s.snapshot.saveMs)} / ${ms(s.snapshot.loadMs)}${s.snapshot.identicalAfterLoad ? '' : ' (answers differ!)'}` : '—';
    const perSystem = repeat ? ['″', '″', '″', '″'] : [buildRatio, mb(s.memory.peakRssDeltaBytes), snap, mb(s.snapshot?.bytes)];
    rows.push(
      `| ${s.name} | ${repeat ? '″' : int(s.build?.vectorsPerSecond)} | ${THRESHOLDS.map((t) => qpsCell(s.atRecall[t])).join(' | ')} | ${ratioCell(single, s)} | ${ratioCell(batch, s)} | ${perSystem.join(' | ')} |`,
    );
  }
  return rows.join('\n');
}

/**
 * QPS at recall exactly 0.90 / 0.95 / 0.99, interpolated between sweep
 * points (lib/stats.mjs interpolatedAt), max recall, and ours ÷ system at
 * 0.95 for our float32 and int8 searchBatch.
 */
export function interpolatedTable(ds) {
  const cell = (at) => (at ? `${int(at.qps)}${at.interpolated ? ` (ef ${at.between[0]}–${at.between[1]})` : ` (ef ${at.between[1] ?? 'exact'}, not interpolated)`}` : 'not reached');
  const max = (m) => (m ? `${m.recall.toFixed(4)} (ef ${m.ef ?? 'exact'}, ${int(m.qps)} QPS)` : '—');
  const ours = (system) => oursOf(ds.series, 'node', 'batch', system) ?? null;
  const r95 = (a, b) => (a && b && a !== b ? ratio(a.atRecallInterpolated[0.95]?.qps, b.atRecallInterpolated[0.95]?.qps) : '');
  const f32 = ours('minivectordb');
  const int8 = ours('minivectordb-int8');
  const rows = [
    `QPS at recall@${ds.k} = 0.90 / 0.95 / 0.99, interpolated between the efSearch points around it (log QPS linear in recall, on the recall–QPS frontier), and the highest recall of the sweep (efSearch ${JSON.stringify(ds.efs)}):`,
    '',
    `| system | QPS @ 0.90 | QPS @ 0.95 | QPS @ 0.99 | max recall@${ds.k} | ours searchBatch ÷ system @0.95 | ours int8 searchBatch ÷ system @0.95 |`,
    `|---|---|---|---|---|---|---|`,
  ];
  for (const s of ds.series) {
    const at = s.atRecallInterpolated ?? {};
    rows.push(`| ${s.name} | ${THRESHOLDS.map((t) => cell(at[t])).join(' | ')} | ${max(s.maxRecall)} | ${s.env === 'node' ? r95(f32, s) : ''} | ${s.env === 'node' ? r95(int8, s) : ''} |`);
  }
  return rows.join('\n');
}

const pct = (s) => (s === null ? 'none (unfiltered)' : `${s * 100}%`);

/** The filtered-search table of one dataset (see lib/filtered.mjs), or '' when it did not run. */
export function filteredTable(ds) {
  const f = ds.filtered;
  if (!f || f.rows.length === 0) return '';
  const rows = [
    `Filtered search at efSearch ${f.ef} (first ${f.nq} queries, medians of ${f.rounds} round(s)); recall@${ds.k} against a brute force over the matching items:`,
    '',
    `| system | matching | recall@${ds.k} | QPS | QPS ÷ unfiltered QPS |`,
    `|---|---|---|---|---|`,
  ];
  for (const r of f.rows) {
    rows.push(`| ${r.system} | ${pct(r.selectivity)} (${int(r.matching)}) | ${r.recall === null ? '—' : r.recall.toFixed(4)} | ${int(r.qps)} | ${r.ratio.toFixed(2)} |`);
  }
  const ours = (s) => f.rows.find((r) => r.system === 'minivectordb' && r.selectivity === s);
  const peers = [...new Set(f.rows.map((r) => r.system))].filter((x) => x !== 'minivectordb');
  for (const p of peers) {
    const cells = [0.01, 0.1, 0.5].map((s) => {
      const other = f.rows.find((r) => r.system === p && r.selectivity === s);
      return `${pct(s)}: ${ratio(ours(s)?.qps, other?.qps)}`;
    });
    rows.push('', `ours ÷ ${p}, filtered QPS: ${cells.join(', ')}`);
  }
  for (const x of f.failures) rows.push('', `- ${x.name} failed in filtered round ${x.round}: ${x.reason}`);
  return rows.join('\n');
}

function overheadLines(ds) {
  return ds.overhead
    .filter(Boolean)
    .map(
      (o) =>
        `JS↔wasm overhead per query (${o.env}): median ${o.medianUs.toFixed(1)} µs = 1/QPS(search) − 1/QPS(searchBatch); per efSearch: ` +
        o.perEf.map((p) => `${p.ef}: ${p.overheadUs.toFixed(1)}`).join(', ') +
        ' µs',
    );
}

function sweepTable(ds) {
  const efs = [...new Set(ds.series.flatMap((s) => s.points.map((p) => p.ef)).filter((e) => e !== null))].sort((a, b) => a - b);
  const head = `| efSearch | ${ds.series.map((s) => `${s.name} recall / QPS`).join(' | ')} |`;
  const sep = `|---|${ds.series.map(() => '---').join('|')}|`;
  const rows = efs.map((ef) => {
    const cells = ds.series.map((s) => {
      const p = s.points.find((x) => x.ef === ef) ?? s.points.find((x) => x.ef === null);
      return p ? `${p.recall.toFixed(4)} / ${int(p.qps)}` : '—';
    });
    return `| ${ef} | ${cells.join(' | ')} |`;
  });
  return [head, sep, ...rows].join('\n');
}

export function datasetHeader(ds) {
  if (ds.error) return `### ${ds.name} — not run`;
  const rounds = ds.series.length ? `; medians of ${ds.rounds} round(s)` : '';
  return `### ${ds.name} — ${ds.n.toLocaleString('en-US')} × ${ds.dim}, ${ds.nq.toLocaleString('en-US')} queries, recall@${ds.k}${rounds}`;
}

function browserVsNode(ds) {
  const lines = [];
  for (const s of ds.series.filter((x) => x.env !== 'node')) {
    const n = ds.series.find((x) => x.env === 'node' && x.system === s.system && x.mode === s.mode);
    if (!n) continue;
    lines.push(
      `${s.name} ÷ Node: QPS @0.95 ${ratio(s.atRecall[0.95]?.qps, n.atRecall[0.95]?.qps)}, @0.99 ${ratio(s.atRecall[0.99]?.qps, n.atRecall[0.99]?.qps)}` +
        (s.mode === 'single' ? `, build ${ratio(s.build?.vectorsPerSecond, n.build?.vectorsPerSecond)}` : ''),
    );
  }
  return lines;
}

/**
 * Our int8 index (float32 kept, re-ranked) against the peers, as the summary
 * table's ratio columns do for the float32 one: int8 searchBatch ÷ system
 * at recall ≥ 0.95 / 0.99.
 */
function int8Lines(ds) {
  const lines = [];
  for (const env of [...new Set(ds.series.map((s) => s.env))]) {
    const int8 = ds.series.find((s) => s.system === 'minivectordb-int8' && s.env === env && s.mode === 'batch');
    if (!int8) continue;
    const peers = ds.series.filter((s) => s.env === env && !s.system.startsWith('minivectordb'));
    if (peers.length === 0) continue;
    lines.push(`ours int8 searchBatch ÷ system (${env}, @0.95 / @0.99): ${peers.map((s) => `${s.name} ${ratioCell(int8, s)}`).join(', ')}`);
  }
  return lines;
}

/** Vector storage per vector of the systems that report it (ours: stats().bytesPerVector). */
function vectorBytesLine(ds) {
  const seen = new Map();
  for (const s of ds.series) {
    const b = s.memory?.library?.bytesPerVector;
    if (b !== undefined && !seen.has(s.system)) seen.set(s.system, b);
  }
  if (seen.size === 0) return [];
  return [`Vector storage per vector (stats().bytesPerVector, graph links excluded): ${[...seen].map(([n, b]) => `${n} ${b} B`).join(', ')}`];
}

export function notesFor(ds) {
  const notes = [...overheadLines(ds), ...int8Lines(ds), ...browserVsNode(ds), ...vectorBytesLine(ds)];
  if (ds.error) notes.push(`dataset not run: ${ds.error}`);
  for (const f of ds.failures) notes.push(`${f.name} (${f.env}) did not run: ${f.reason}`);
  for (const f of ds.partialFailures ?? []) notes.push(`${f.name} (${f.env}) failed in round ${f.round}: ${f.reason}`);
  for (const s of ds.skipped ?? []) notes.push(`${s.name} skipped: ${s.reason}`);
  return notes;
}

/** Text printed to stdout: the summary table of every dataset and its notes. */
export function stdoutReport(run) {
  const parts = [];
  for (const ds of run.datasets) {
    parts.push(datasetHeader(ds), '');
    if (ds.series.length) parts.push(summaryTable(ds), '', interpolatedTable(ds), '');
    for (const n of notesFor(ds)) parts.push(`- ${n}`);
    if (filteredTable(ds)) parts.push('', filteredTable(ds));
    parts.push('');
  }
  parts.push(legend(run));
  return parts.join('\n');
}

function legend(run) {
  return [
    `QPS @ recall ≥ t: the fastest efSearch whose median recall@${run.options.k} reaches t (no interpolation); "not reached" when no efSearch of the dataset's sweep does (${JSON.stringify(run.options.efs)}; GloVe sets: their own list unless --ef is given).`,
    `Ratios: ours ÷ system, both measured in this run in the same environment (Node or Chromium); > 1 means MiniVectorDB is faster. Quote ratios, not absolute numbers (shared, noisy 2-core machine).`,
    `Peak RSS Δ: peak resident memory of the job's own process above its level just before build (VmHWM reset via /proc/self/clear_refs), during build and search. Not measured in Chromium.`,
    `One thread everywhere; M=${run.options.M}, efConstruction=${run.options.efConstruction}; each system runs in a fresh process per round, in rotated order.`,
  ].join('\n');
}

/** The whole markdown file. */
export function markdownReport(run) {
  const parts = [`# MiniVectorDB benchmark — ${run.startedAt}`, '', machineLine(run), ''];
  for (const ds of run.datasets) {
    parts.push(datasetHeader(ds), '');
    if (ds.series.length) parts.push(summaryTable(ds), '', interpolatedTable(ds), '');
    for (const n of notesFor(ds)) parts.push(`- ${n}`);
    if (filteredTable(ds)) parts.push('', filteredTable(ds), '');
    if (ds.series.length) parts.push('', `![recall vs QPS](${ds.chart})`, '', '<details><summary>efSearch sweep (median recall / QPS)</summary>', '', sweepTable(ds), '', '</details>', '');
  }
  parts.push(legend(run), '');
  return parts.join('\n');
}

export function machineLine(run) {
  const m = run.machine;
  return `Machine: ${m.cpu}, ${m.cpus} CPUs, load average ${m.loadavgStart.map((x) => x.toFixed(2)).join(' ')} at start, ${m.loadavgEnd.map((x) => x.toFixed(2)).join(' ')} at end; Node ${m.node}${m.chromium ? `; ${m.chromium}` : ''}; minivectordb ${m.minivectordb} (${m.commit}).`;
}
