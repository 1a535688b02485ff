/**
 * open() streams a file:// snapshot into the WebAssembly heap (8 MiB reads)
 * instead of reading the whole file into JS first: in a fresh process, the
 * peak RSS grows by about the index's size, not twice the file. Measured in a
 * child process (bench/open-memory.mjs --child) so that the peak is this
 * open's alone; with the whole-file read the growth was 2.2× the file.
 */
import { spawnSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MiniVectorDB } from 'minivectordb';
import { randomVectors, tempDir } from './helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

test('opening a 48 MB file:// snapshot peaks well below twice its size (streamed, not read whole)', { timeout: 120_000 }, async () => {
  const url = tmp.url('big.mvdb');
  const dim = 1024;
  const db = await MiniVectorDB.create({ dim, M: 4, efConstruction: 8, storage: url, durability: 'manual' });
  for (let b = 0; b < 12; b++) await db.insertMany(randomVectors(1000, dim, b).map((vector, i) => ({ id: `v${b}-${i}`, vector })));
  await db.save();
  await db.close();
  const fileBytes = (await stat(fileURLToPath(url))).size;
  expect(fileBytes).toBeGreaterThan(48e6);
  const script = fileURLToPath(new URL('../../bench/open-memory.mjs', import.meta.url));
  const out = spawnSync(process.execPath, [script, '--child', fileURLToPath(url)], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  const m = JSON.parse(out.stdout.trim().split('\n').pop()!) as { before: number; peak: number; size: number; memoryBytes: number };
  expect(m.size).toBe(12_000);
  const growth = m.peak - m.before;
  // The heap holds the index (≈ the file); the rest is bounded reads and the small sections.
  expect(growth).toBeGreaterThan(0.9 * fileBytes);
  expect(growth / fileBytes).toBeLessThan(1.7);
});
