/**
 * Readers see the writer's changes, across tabs (issue #17): tab A writes
 * `idb://` (on the page) or `opfs://` (in a worker, access handles); tab B
 * opened it with `lock: 'readonly'` and follows the writer's BroadcastChannel
 * announcements, so it sees every write without a reload or a refresh()
 * call. And a tab closed mid-write (durability 'strict'): reopening in a
 * new tab shows every write whose promise resolved before the close, and a
 * valid database.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { hasChromium, SKIP_REASON } from './harness.js';
import { startStorageApp, type StorageApp } from './storage-app.js';
import { ok, run, vec, type Page, type Reply, type Where } from './storage-ops.js';
import { mulberry32 } from '../shared/prng.mjs';

/** The vector as stored (float32) and as it comes back through JSON (no -0). */
const stored = (i: number): number[] => vec(i).map((x) => Math.fround(x) + 0);
const item = (i: number) => ({ id: `r${i}`, vector: vec(i), metadata: { i } });
const items = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => item(from + j));
const whereOf = (scheme: 'idb' | 'opfs'): Where => (scheme === 'opfs' ? 'worker' : 'page');

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: readers follow the writer; tabs closed mid-write' : `Chromium: readers (${SKIP_REASON})`, () => {
  let app: StorageApp | undefined;
  const newTab = (): Promise<Page> => app!.newTab();

  /** Opens `url` for writing in `tab`, waiting for the lock of a tab just closed (the browser frees it soon after). */
  async function openWhenFree(tab: Page, where: Where, url: string): Promise<number> {
    let r: Reply = await run(tab, where, 'db', 'open', url);
    for (let tries = 0; !r.ok && r.name === 'LockedError' && tries < 50; tries++) {
      await new Promise((res) => setTimeout(res, 200));
      r = await run(tab, where, 'db', 'open', url);
    }
    if (!r.ok) throw new Error(`open failed: ${r.name} ${r.message}`);
    return r.value as number;
  }

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
    test(`${scheme}://: a tab closed at a random moment of 'strict' inserts loses no acknowledged write (4 trials)`, async () => {
      const where = whereOf(scheme);
      const rand = mulberry32(scheme === 'idb' ? 17 : 71);
      for (let trial = 0; trial < 4; trial++) {
        const url = `${scheme}://closed-${trial}`;
        const writer = await newTab();
        const h = await ok<number>(writer, where, 'db', 'create', { dim: 4, storage: url, durability: 'strict' });
        await ok(writer, where, 'call', h, 'insert', item(0)); // the first checkpoint
        const acked: number[] = [0];
        let attempted = 0;
        let closed = false;
        const inserting = (async () => {
          for (let i = 1; !closed; i++) {
            attempted = i;
            const r = await run(writer, where, 'call', h, 'insert', item(i)).catch(() => undefined);
            if (r?.ok === true) acked.push(i);
            else break;
          }
        })();
        await new Promise((res) => setTimeout(res, 150 + rand() * 600));
        closed = true;
        await writer.close({ runBeforeUnload: false });
        await inserting;
        expect(acked.length).toBeGreaterThan(1); // the close happened mid-workload

        const tab = await newTab();
        try {
          const d = await openWhenFree(tab, where, url);
          const ids = await ok<string[]>(tab, where, 'call', d, 'ids');
          const present = new Set(ids);
          for (const i of acked) expect(present.has(`r${i}`), `acknowledged r${i} of trial ${trial}`).toBe(true);
          // Nothing else: only ids that were attempted, each with the record that was inserted.
          const index = ids.map((id) => Number(id.slice(1))).sort((x, y) => x - y);
          expect(index[index.length - 1]!).toBeLessThanOrEqual(attempted);
          expect(await ok(tab, where, 'call', d, 'count')).toBe(ids.length);
          const got = await ok<{ id: string; vector: number[]; metadata: unknown }[]>(tab, where, 'call', d, 'getMany', ids);
          for (const r of got) expect(r).toEqual({ ...item(Number(r.id.slice(1))), vector: stored(Number(r.id.slice(1))) });
          const hits = await ok<{ id: string }[]>(tab, where, 'call', d, 'search', vec(acked[acked.length - 1]!), { k: 1, exact: true });
          expect(hits[0]!.id).toBe(`r${acked[acked.length - 1]}`);
          // Still writable and consistent after reopening.
          await ok(tab, where, 'call', d, 'insert', item(100_000));
          await ok(tab, where, 'call', d, 'close');
        } finally {
          await tab.close();
        }
      }
    });
  }

  test('no page errors', () => {
    expect(app!.browser.errors).toEqual([]);
  });
});
