#!/usr/bin/env node
// Tabs closed mid-write in headless Chromium (issue #17), at scale: per
// backend, N trials of tests/shared/tab-crash-trial.mjs — a tab runs the
// seeded mixed workload (insert, upsert, update, delete, deleteByFilter,
// compact, save) with durability 'strict' on idb:// (on the page) or opfs://
// (in a worker, access handles) and is closed without close() after a random
// delay; a new tab reopens the database and checks every acknowledged
// operation and nothing else (every record's vector and metadata, the
// count, exact top-10 against brute force). CI runs 4 per backend
// (tests/browser/readers.test.ts).
//
//   node bench/storage/tab-crash.mjs [--trials 50] [--max-close-ms 1500] [--schemes idb,opfs] [--seed 1]
// Uses the built package (node scripts/build.mjs first).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../../tests/shared/prng.mjs';
import { tabCrashTrial } from '../../tests/shared/tab-crash-trial.mjs';
import { startStorageApp } from './app.mjs';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '50' },
    'max-close-ms': { type: 'string', default: '1500' },
    schemes: { type: 'string', default: 'idb,opfs' },
    seed: { type: 'string', default: '1' },
  },
});
const TRIALS = Number(values.trials);
const MAX_CLOSE_MS = Number(values['max-close-ms']);

const app = await startStorageApp();
const rows = [];
let failed = 0;
try {
  for (const scheme of values.schemes.split(',')) {
    if (scheme !== 'idb' && scheme !== 'opfs') throw new Error(`--schemes: idb and/or opfs, got ${scheme}`);
    const rand = mulberry32(Number(values.seed) * 7919 + (scheme === 'idb' ? 1 : 2));
    const t0 = performance.now();
    let intact = 0;
    let acked = 0;
    let inFlight = 0;
    const failures = [];
    for (let t = 0; t < TRIALS; t++) {
      const seed = (scheme === 'idb' ? 10_000 : 20_000) + Number(values.seed) * 1000 + t;
      const closeAfterMs = Math.floor(rand() * MAX_CLOSE_MS);
      const r = await tabCrashTrial({ newTab: app.newTab, run: app.run }, { scheme, seed, closeAfterMs });
      if (r.ok) intact++;
      else failures.push(`trial ${t} (seed ${seed}, closed after ${closeAfterMs} ms): ${r.problems.join('; ')}`);
      acked += r.acked;
      if (r.inFlight) inFlight++;
    }
    const s = (performance.now() - t0) / 1000;
    rows.push(`| ${scheme}:// (${scheme === 'opfs' ? 'worker, access handles' : 'page'}) | ${TRIALS} | ${intact} | ${TRIALS - intact} | ${acked} | ${inFlight} | ${s.toFixed(0)} s |`);
    for (const f of failures) console.log(`  ${scheme}: ${f}`);
    failed += failures.length;
  }
} finally {
  await app.close();
}
console.log(`\ntabs closed mid-write (durability 'strict', closed 0–${MAX_CLOSE_MS} ms after the first acknowledged operation of a mixed workload); load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
console.log('| backend | trials | intact | failures | acknowledged operations checked | closes with an operation in flight | time |\n|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
if (failed > 0) process.exitCode = 1;
