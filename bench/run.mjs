#!/usr/bin/env node
// `npm run bench`: the benchmark CLI. See --help (bench/lib/args.mjs) and bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { HELP, readOptions } from './lib/args.mjs';
import { repoRoot } from './lib/data.mjs';
import { benchDataset } from './lib/dataset-run.mjs';
import { benchQuality, qualityMarkdown } from './lib/quality.mjs';
import { benchOod, oodMarkdown } from './lib/ood.mjs';
import { recallQpsSvg } from './chart.mjs';
import { markdownReport, stdoutReport } from './report.mjs';

let opts;
try {
  opts = readOptions();
} catch (e) {
  console.error(`${e.message}\n\n${HELP}`);
  process.exit(2);
}
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}

const log = (line) => console.error(`[bench] ${line}`);
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const startedAt = new Date().toISOString();
const outDir = opts.out ?? join(repoRoot, 'bench', 'results', startedAt.replace(/[:.]/g, '-'));
const git = (args) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout?.trim() ?? '';
const commit = `${git(['rev-parse', '--short', 'HEAD']) || 'unknown'}${git(['status', '--porcelain', '--', 'js', 'wasm']) ? '+local changes' : ''}`;
const t0 = Date.now();

let browser = null;
if (opts.browser) {
  try {
    const { openBrowserRunner } = await import('./browser/run-browser.mjs');
    browser = await openBrowserRunner({ executablePath: opts.chromium, root: repoRoot, log });
    log(`browser: ${browser.version}`);
  } catch (e) {
    log(`browser part skipped: ${e.message}`);
    browser = { failed: String(e.message) };
  }
}

const run = {
  startedAt,
  options: { ...opts, help: undefined },
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    node: process.version,
    minivectordb: pkg.version,
    commit,
    loadavgStart: loadavg(),
    chromium: browser?.version ?? null,
  },
  datasets: [],
};

if (!opts.qualityOnly && !opts.oodOnly) {
  for (const [di, name] of opts.datasets.entries()) {
    run.datasets.push(await benchDataset({ name, di, opts, browser, version: pkg.version, log }));
  }
}
if (opts.quality) {
  try {
    run.quality = await benchQuality({ log });
  } catch (e) {
    log(`search quality skipped: ${e.message}`);
    run.quality = { error: String(e.message) };
  }
}

if (opts.ood) {
  try {
    run.ood = await benchOod({ log });
  } catch (e) {
    log(`out-of-distribution section skipped: ${e.message}`);
    run.ood = { error: String(e.message) };
  }
}

run.machine.loadavgEnd = loadavg();
run.seconds = (Date.now() - t0) / 1000;
if (browser?.close) await browser.close();
if (browser?.failed) for (const ds of run.datasets) ds.failures.push({ name: 'chromium', env: 'chromium', reason: browser.failed });

mkdirSync(outDir, { recursive: true });
for (const ds of run.datasets) {
  if (!ds.series.length) continue;
  writeFileSync(join(outDir, ds.chart), recallQpsSvg(ds.series, { title: `${ds.name}: recall@${ds.k} vs QPS (${ds.n.toLocaleString('en-US')} × ${ds.dim}, one thread, medians of ${ds.rounds} rounds)`, k: ds.k }));
}
writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(run, null, 1)}\n`);
const qualityReport = run.quality && !run.quality.error ? `\n\n## Search quality\n\n${qualityMarkdown(run.quality)}\n` : '';
const oodReport = run.ood && !run.ood.error ? `\n\n## Out-of-distribution queries and fresh items\n\n${oodMarkdown(run.ood)}\n` : '';
writeFileSync(join(outDir, 'report.md'), markdownReport(run) + qualityReport + oodReport);
if (run.datasets.length > 0) console.log(stdoutReport(run));
if (qualityReport) console.log(qualityReport);
if (oodReport) console.log(oodReport);
if (run.datasets.length > 0 ? run.datasets.every((d) => d.error) : (run.quality?.error ?? run.ood?.error) !== undefined) process.exitCode = 1;
console.log(`\nWrote ${relative(process.cwd(), outDir) || '.'}/{results.json,report.md,${run.datasets.filter((d) => d.series.length).map((d) => d.chart).join(',')}} in ${Math.round(run.seconds)} s (total wall time).`);
