/**
 * Crash trials of the write-ahead log: a child process runs a mixed insert /
 * upsert / update / delete / deleteByFilter / compact / save workload with
 * durability 'strict' and is SIGKILLed at seeded random moments; reopened,
 * the database holds every acknowledged write and nothing else (compared
 * record by record and by exact search with an independent reference, see
 * tests/shared/wal-crash-trial.mjs). `npm run bench:durability` runs hundreds.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mulberry32 } from '../shared/prng.mjs';
import { crashTrial } from '../shared/wal-crash-trial.mjs';
import { tempDir } from './helpers.js';

const TRIALS = 15;

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp?.cleanup();
});

test(`${TRIALS} SIGKILLs during a strict workload: every acknowledged write survives, nothing else changes`, { timeout: 60_000 }, async () => {
  const rng = mulberry32(2026);
  let acked = 0;
  for (let t = 0; t < TRIALS; t++) {
    const result = await crashTrial(tmp.dir, 1000 + t, Math.floor(rng() * 400));
    expect(result.signal).toBe('SIGKILL');
    expect(result.problems, `trial ${t} (killed after ${result.killedAfterMs} ms, ${result.acked} acknowledged)`).toEqual([]);
    acked += result.acked;
  }
  expect(acked).toBeGreaterThan(TRIALS); // the kills landed after writes were acknowledged, not only before the first
});
