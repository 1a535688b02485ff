/**
 * Streamed open of `idb://` and `opfs://` in Chromium (issue #17): the
 * checkpoint is read chunk by chunk (IndexedDB records, slices of the OPFS
 * file) into the WebAssembly heap, never whole into JS. A multi-chunk
 * database opens with the values written and exact search equal to brute
 * force (tests/browser/storage-app/stream-ops.js), on its own thread and on
 * the other; a database in the IndexedDB layout of schema 1 (written by hand,
 * without the library) opens; a checkpoint interrupted half-way (chunk
 * records of the next generation, a partial `checkpoint.tmp`) leaves the
 * previous checkpoint and the log after it; a save that replaces an
 * `idb://` checkpoint while it is streamed makes the read fail, never mix.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasChromium, launch, removeBuild, root, serve, SKIP_REASON, viteBuild, type Browser } from './harness.js';
import { ok, run, vec, type Page, type Where } from './storage-ops.js';
import { openWhenFree } from '../shared/tab-crash-trial.mjs';

const MiB = 2 ** 20;
const items = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => ({ id: `r${from + j}`, vector: vec(from + j), metadata: { i: from + j } }));
const whereOf = (scheme: 'idb' | 'opfs'): Where => (scheme === 'opfs' ? 'worker' : 'page');
const other = (where: Where): Where => (where === 'page' ? 'worker' : 'page');

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: streamed open of idb:// and opfs://' : `Chromium: streamed open (${SKIP_REASON})`, () => {
  let site: string | undefined;
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser | undefined;

  async function newTab(): Promise<Page> {
    const tab = await browser!.page.context().newPage();
    await tab.goto(`${server!.origin}/`);
    await tab.waitForFunction('window.specsReady === true');
    return tab;
  }

  beforeAll(async () => {
    site = await viteBuild(join(root, 'tests', 'browser', 'storage-app'), {
      'minivectordb-storage': join(root, 'dist', 'storage', 'index.js'),
      minivectordb: join(root, 'dist', 'index.js'),
    });
    server = await serve(site);
    browser = await launch(server.origin);
    await browser.page.goto(`${server.origin}/`);
    await browser.page.waitForFunction('window.specsReady === true');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (site !== undefined) await removeBuild(site);
  });

  test('an IndexedDB database of schema 1 (before the log store), written by hand in the chunked layout, opens and takes writes', async () => {
    // First, in a tab of its own: schema 1 means deleting the IndexedDB database, which open connections would block.
    const tab = await newTab();
    try {
      const planted = await ok<{ chunks: number; size: number }>(tab, 'page', 'plantIdb', 'schema-one', 3000, 384, 5);
      expect(planted.chunks).toBeGreaterThanOrEqual(2);
      expect(await ok(tab, 'page', 'plantedCheck', 'idb://schema-one', 3000, 384, 5)).toEqual([]);
      expect(await ok(tab, 'worker', 'plantedCheck', 'idb://schema-one', 3000, 384, 5)).toEqual([]);
      const h = await ok<number>(tab, 'page', 'db', 'open', 'idb://schema-one', { durability: 'strict' });
      await ok(tab, 'page', 'call', h, 'insert', { id: 'new', vector: Array.from({ length: 384 }, () => 0.25) });
      await ok(tab, 'page', 'call', h, 'close');
      const again = await ok<number>(tab, 'worker', 'db', 'open', 'idb://schema-one');
      expect(await ok(tab, 'worker', 'size', again)).toBe(planted.size + 1);
      await ok(tab, 'worker', 'call', again, 'close');
      expect(await ok(tab, 'page', 'remove', 'idb://schema-one')).toBe(true);
    } finally {
      await tab.close();
    }
  });

  for (const scheme of ['idb', 'opfs'] as const) {
    test(`${scheme}://: a multi-chunk database opens streamed with the values written, exact search = brute force, the same graph answers (both threads)`, async () => {
      const page = browser!.page;
      const url = `${scheme}://big`;
      const where = whereOf(scheme);
      const saved = await ok<{ hits: string[][]; bytes: number; size: number }>(page, where, 'bigSave', url, 8000, 384, 3);
      expect(saved.bytes).toBeGreaterThan(3 * 4 * MiB); // 8 MiB reads of its rows; idb: four 4 MiB chunk records
      // The adapter's streamed source gives the checkpoint's bytes, in the loader's pieces and in pieces across chunk boundaries.
      expect(await ok(page, where, 'streamMatches', url, 8 * MiB)).toBe(-1);
      expect(await ok(page, where, 'streamMatches', url, 3 * MiB + 7)).toBe(-1);
      for (const reader of [where, other(where)]) {
        const r = await ok<{ problems: string[]; size: number }>(page, reader, 'bigCheck', url, 8000, 384, 3, saved.hits);
        expect(r.problems, `opened in the ${reader}`).toEqual([]);
        expect(r.size).toBe(saved.size);
      }
      if (scheme === 'idb') {
        // A save that replaces the checkpoint while it is streamed: the reader's later reads fail, never give the new bytes.
        const r = await ok<{ mixed: number; pieces: number; error: { name: string; message: string } | null }>(page, where, 'replacedWhileRead', url, 3000, 2);
        expect(r.mixed).toBe(0);
        expect(r.error).toMatchObject({ name: 'StorageError' });
        expect(r.error!.message).toMatch(/replaced by a save/);
        expect(await ok(page, where, 'read', url)).toEqual(await ok(page, where, 'expected', 3000, 2));
      }
      expect(await ok(page, where, 'remove', url)).toBe(true);
    });
  }

  for (const scheme of ['idb', 'opfs'] as const) {
    test(`${scheme}://: a checkpoint interrupted half-way (tab closed) leaves the previous checkpoint and the log; the next save clears it`, async () => {
      const url = `${scheme}://torn`;
      const name = 'torn';
      const where = whereOf(scheme);
      const writer = await newTab();
      const h = await ok<number>(writer, where, 'db', 'create', { dim: 4, storage: url, durability: 'strict' });
      await ok(writer, where, 'call', h, 'insertMany', items(0, 20)); // the first checkpoint
      await ok(writer, where, 'call', h, 'insertMany', items(20, 40)); // logged
      await ok(writer, where, 'call', h, 'delete', 'r3'); // logged
      const generation = await ok<number>(writer, 'page', 'plantTorn', url, 500);
      if (scheme === 'idb') expect(await ok(writer, 'page', 'idbGenerations', name)).toEqual([generation, generation + 1]);
      else expect(await ok(writer, 'page', 'opfsFiles', name)).toContain('checkpoint.tmp');
      await writer.close({ runBeforeUnload: false }); // no close(): the crash

      const tab = await newTab();
      try {
        const d = (await openWhenFree(run, tab, where, url)) as number;
        expect(await ok(tab, where, 'size', d)).toBe(39);
        const ids = await ok<string[]>(tab, where, 'call', d, 'ids');
        expect([...ids].sort()).toEqual(items(0, 40).map((it) => it.id).filter((id) => id !== 'r3').sort());
        expect(await ok(tab, where, 'call', d, 'get', 'r39')).toEqual({ ...items(39, 40)[0], vector: vec(39).map((x) => Math.fround(x) + 0) });
        await ok(tab, where, 'call', d, 'save');
        if (scheme === 'idb') {
          const after = await ok<number[]>(tab, 'page', 'idbGenerations', name);
          expect(after).toHaveLength(1);
          expect(after[0]).toBeGreaterThan(generation);
        } else {
          expect(await ok(tab, 'page', 'opfsFiles', name)).not.toContain('checkpoint.tmp');
        }
        await ok(tab, where, 'call', d, 'close');
        const again = await ok<number>(tab, other(where), 'db', 'open', url);
        expect(await ok(tab, other(where), 'size', again)).toBe(39);
        await ok(tab, other(where), 'call', again, 'close');
        await ok(tab, where, 'remove', url);
      } finally {
        await tab.close();
      }
    });
  }

  test('no page errors, nothing fetched from elsewhere', () => {
    expect(browser!.errors).toEqual([]);
    expect(browser!.offsite).toEqual([]);
  });
});
