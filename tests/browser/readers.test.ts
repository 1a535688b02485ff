/**
 * Readers see the writer's changes, across tabs (issue #17): tab A writes
 * `idb://` (on the page) or `opfs://` (in a worker, access handles); tab B
 * opened it with `lock: 'readonly'` and follows the writer's BroadcastChannel
 * announcements, so it sees every write without a reload or a refresh()
 * call. And a tab closed mid-write (durability 'strict', the mixed workload
 * of tests/shared/wal-workload.mjs): reopening in a new tab shows every write
 * whose promise resolved before the close and nothing else, and a valid database.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { hasChromium, SKIP_REASON } from './harness.js';
import { startStorageApp, type StorageApp } from './storage-app.js';
import { ok, run, vec, type Page, type Where } from './storage-ops.js';
import { mulberry32 } from '../shared/prng.mjs';
import { tabCrashTrial } from '../shared/tab-crash-trial.mjs';

/** The vector as stored (float32) and as it comes back through JSON (no -0). */
const stored = (i: number): number[] => vec(i).map((x) => Math.fround(x) + 0);
const item = (i: number) => ({ id: `r${i}`, vector: vec(i), metadata: { i } });
const items = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => item(from + j));
const whereOf = (scheme: 'idb' | 'opfs'): Where => (scheme === 'opfs' ? 'worker' : 'page');

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: readers follow the writer; tabs closed mid-write' : `Chromium: readers (${SKIP_REASON})`, () => {
  let app: StorageApp | undefined;
  const newTab = (): Promise<Page> => app!.newTab();

  beforeAll(async () => {
    app = await startStorageApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  for (const scheme of ['idb', 'opfs'] as const) {
    test(`${scheme}://: a read-only tab sees the writer tab's inserts, deletes and checkpoint without reload`, async () => {
      const url = `${scheme}://followed`;
      const where = whereOf(scheme);
      const tabA = await newTab();
      const tabB = await newTab();
      try {
        const a = await ok<number>(tabA, where, 'db', 'create', { dim: 4, storage: url, durability: 'strict' });
        await ok(tabA, where, 'call', a, 'insertMany', items(0, 3));
        const b = await ok<number>(tabB, where, 'db', 'open', url, { lock: 'readonly' });
        expect(await ok(tabB, where, 'size', b)).toBe(3);

        await ok(tabA, where, 'call', a, 'insertMany', items(3, 8)); // logged (strict), announced
        await vi.waitFor(async () => expect(await ok(tabB, where, 'size', b)).toBe(8), { timeout: 10_000, interval: 50 });
        expect(await ok(tabB, where, 'call', b, 'get', 'r7')).toMatchObject({ id: 'r7', vector: stored(7), metadata: { i: 7 } });

        await ok(tabA, where, 'call', a, 'delete', 'r0');
        await ok(tabA, where, 'call', a, 'save'); // checkpoint: the log is truncated
        await vi.waitFor(async () => expect(await ok(tabB, where, 'size', b)).toBe(7), { timeout: 10_000, interval: 50 });
        const idsA = (await ok<string[]>(tabA, where, 'call', a, 'ids')).sort();
        expect((await ok<string[]>(tabB, where, 'call', b, 'ids')).sort()).toEqual(idsA);
        // The reader is still read-only.
        expect(await run(tabB, where, 'call', b, 'insert', item(99))).toMatchObject({ ok: false, name: 'LockedError' });
        await ok(tabB, where, 'call', b, 'close');
        await ok(tabA, where, 'call', a, 'close');
      } finally {
        await tabA.close();
        await tabB.close();
      }
    });
  }

  for (const scheme of ['idb', 'opfs'] as const) {
    test(`${scheme}://: a tab closed at a random moment of a 'strict' mixed workload loses no acknowledged write and changes nothing else (4 trials)`, async () => {
      const rand = mulberry32(scheme === 'idb' ? 17 : 71);
      let acked = 0;
      for (let trial = 0; trial < 4; trial++) {
        // tests/shared/tab-crash-trial.mjs; bench/storage/tab-crash.mjs runs 50 per backend.
        const r = await tabCrashTrial({ newTab, run }, { scheme, seed: (scheme === 'idb' ? 100 : 200) + trial, closeAfterMs: 150 + rand() * 600 });
        expect(r.problems, `trial ${trial}`).toEqual([]);
        expect(r.acked).toBeGreaterThan(1); // the close happened mid-workload
        acked += r.acked;
      }
      expect(acked).toBeGreaterThan(8);
    });
  }

  test('no page errors', () => {
    expect(app!.browser.errors).toEqual([]);
  });
});
