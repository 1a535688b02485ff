// Durability bench (issue #17): what it costs to persist one write with the
// write-ahead log, against a full save; open time with a checkpoint plus a
// 10,000-record log; checkpoint time; and crash trials (SIGKILL during a
// strict mixed workload, every acknowledged write checked after reopening).
//
//   npm run bench:durability                      # 63,697 × 256-d, 200 inserts per mode, 100 crash trials
//   node bench/durability.mjs --n 20000 --trials 20 --log-records 2000   # quicker
//
// file:// in Node; with --browser also idb:// in headless Chromium
// (bench/browser/durability-page.mjs; --browser-n items, default 20,000:
// the log's cost does not depend on the index's size, a full save's does).
// Uses the built package (dist/): run `node scripts/build.mjs` first.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MiniVectorDB } from '../dist/index.js';
import { mulberry32 } from '../tests/shared/prng.mjs';
import { crashTrial } from '../tests/shared/wal-crash-trial.mjs';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '63697' },
    dim: { type: 'string', default: '256' },
    inserts: { type: 'string', default: '200' },
    'log-records': { type: 'string', default: '10000' },
    trials: { type: 'string', default: '100' },
    browser: { type: 'boolean', default: false },
    'skip-file': { type: 'boolean', default: false },
    'browser-n': { type: 'string', default: '20000' },
  },
});
const N = Number(args.n);
const DIM = Number(args.dim);
const INSERTS = Number(args.inserts);
const LOG_RECORDS = Number(args['log-records']);
const TRIALS = Number(args.trials);

const rng = mulberry32(17);
const vec = () => Float32Array.from({ length: DIM }, () => rng() * 2 - 1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const mb = (b) => (b / 1e6).toFixed(1);
const size = (p) => stat(p).then((s) => s.size, () => 0);

if (!args['skip-file']) {
  const dir = await mkdtemp(join(tmpdir(), 'mvdb-durability-'));
  const path = join(dir, 'bench.mvdb');
  const url = pathToFileURL(path).href;
  const rows = [];
  try {
    // A 63k × 256-d index, saved once (the checkpoint the log continues).
    let t = performance.now();
    const db = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'relaxed', M: 16, efConstruction: 64 });
    const batch = 4096;
    for (let i = 0; i < N; i += batch) {
      const items = [];
      for (let j = i; j < Math.min(N, i + batch); j++) items.push({ id: `v${j}`, vector: vec(), metadata: { j } });
      await db.insertMany(items);
    }
    const buildMs = performance.now() - t;
    const saves = [];
    for (let r = 0; r < 3; r++) {
      t = performance.now();
      await db.save();
      saves.push(performance.now() - t);
    }
    const snapshotBytes = await size(path);
    rows.push(['full save (checkpoint)', `${median(saves).toFixed(0)} ms`, `${mb(snapshotBytes)} MB`]);

    // One insert persisted: 'relaxed' + flush() (what the group commit does), then 'strict'.
    for (const mode of ['relaxed', 'strict']) {
      await db.close();
      const w = await MiniVectorDB.open(url, { durability: mode });
      const before = await size(`${path}-wal`);
      const times = [];
      for (let i = 0; i < INSERTS; i++) {
        const item = { id: `${mode}${i}`, vector: vec(), metadata: { i } };
        t = performance.now();
        await w.insert(item);
        if (mode === 'relaxed') await w.flush();
        times.push(performance.now() - t);
      }
      const perInsert = ((await size(`${path}-wal`)) - before) / INSERTS;
      rows.push([`one insert, ${mode}${mode === 'relaxed' ? ' + flush()' : ''}`, `${median(times).toFixed(2)} ms (p95 ${p95(times).toFixed(2)})`, `${(perInsert / 1024).toFixed(2)} KB`]);
      if (mode === 'relaxed') await w.close();
      if (mode === 'strict') {
        // Open with the checkpoint plus a log of LOG_RECORDS single-insert records.
        await w.save();
        await w.close();
        const l = await MiniVectorDB.open(url, { durability: 'relaxed' });
        // The same inserts, live: what replaying them should cost about as much as.
        t = performance.now();
        for (let i = 0; i < LOG_RECORDS; i++) await l.insert({ id: `log${i}`, vector: vec(), metadata: { i } });
        await l.flush();
        const liveMs = performance.now() - t;
        const logBytes = await size(`${path}-wal`);
        t = performance.now();
        // Read-only beside the writer `l`, which holds the write lock (as a reader after a crash would see the files).
        const o = await MiniVectorDB.open(url, { durability: 'manual', lock: 'readonly' });
        const openMs = performance.now() - t;
        const count = o.size;
        await o.close();
        t = performance.now();
        await l.save();
        const checkpointMs = performance.now() - t;
        t = performance.now();
        const plain = await MiniVectorDB.open(url, { durability: 'manual', lock: 'readonly' });
        const plainMs = performance.now() - t;
        await plain.close();
        await l.close();
        rows.push([`${LOG_RECORDS} single inserts, live ('relaxed', then flush())`, `${liveMs.toFixed(0)} ms`, '']);
        rows.push([`open: checkpoint + ${LOG_RECORDS} log records`, `${openMs.toFixed(0)} ms (checkpoint alone ${plainMs.toFixed(0)} ms)`, `log ${mb(logBytes)} MB, ${count} records`]);
        rows.push(['checkpoint of that state (save, log truncated)', `${checkpointMs.toFixed(0)} ms`, `${mb(await size(path))} MB`]);
      }
    }
    console.log(`\n${N} × ${DIM}-d (M 16, efConstruction 64; built in ${(buildMs / 1000).toFixed(0)} s), file:// on ${tmpdir()}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
    console.log('| what | time | bytes written |\n|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (args.browser) {
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_FLAGS, CHROMIUM_PATH } = await import('../scripts/lib/chromium.mjs');
  const { startServer } = await import('./browser/server.mjs');
  const server = await startServer(fileURLToPath(new URL('..', import.meta.url)));
  const profile = await mkdtemp(join(tmpdir(), 'mvdb-durability-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_FLAGS] });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => console.error(`chromium page error: ${e.message}`));
    await page.goto(`${server.url}bench/browser/durability.html`);
    await page.waitForFunction(() => window.durabilityReady === true, null, { timeout: 60_000 });
    const r = await page.evaluate((spec) => window.runDurability(spec), { n: Number(args['browser-n']), dim: DIM, inserts: INSERTS });
    console.log(`\nidb:// in Chromium, ${r.n} × ${r.dim}-d: full save ${r.fullSaveMs.toFixed(0)} ms`);
    console.log('| what | time | bytes written |\n|---|---|---|');
    for (const [mode, m] of Object.entries(r.modes)) {
      console.log(`| one insert, ${mode}${mode === 'relaxed' ? ' + flush()' : ''} | ${m.medianMs.toFixed(2)} ms (p95 ${m.p95Ms.toFixed(2)}) | ${(m.bytesPerInsert / 1024).toFixed(2)} KB |`);
    }
  } finally {
    await context.close();
    await server.close();
    await rm(profile, { recursive: true, force: true });
  }
}

// Crash trials.
if (TRIALS > 0) {
  const trialDir = await mkdtemp(join(tmpdir(), 'mvdb-crash-'));
  const r = mulberry32(2027);
  let ok = 0;
  let acked = 0;
  let inFlight = 0;
  const failures = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < TRIALS; i++) {
      const res = await crashTrial(trialDir, 5000 + i, Math.floor(r() * 1500));
      if (res.ok) ok++;
      else failures.push({ trial: i, ...res });
      acked += res.acked;
      if (res.inFlight) inFlight++;
    }
  } finally {
    await rm(trialDir, { recursive: true, force: true });
  }
  console.log(`\ncrash trials (durability 'strict', SIGKILL after 0–1500 ms of a mixed workload): ${ok}/${TRIALS} intact, ${acked} acknowledged operations checked, ${inFlight} kills with an operation in flight, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  for (const f of failures) console.log(`  trial ${f.trial}: ${f.problems.join('; ')}`);
  if (ok !== TRIALS) process.exitCode = 1;
}
