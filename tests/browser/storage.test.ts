/**
 * Storage in Chromium (issue #17): `opfs://` — the checkpoint written in a
 * worker (FileSystemSyncAccessHandle, then move()) and on the page
 * (createWritable), replaced atomically (a failed write keeps the old one),
 * the segmented write-ahead log shared by both threads, databases saved on
 * one thread and opened on the other — and one writer at a time across tabs
 * (two pages of one browser profile) on `idb://` and `opfs://` through the
 * Web Locks API: the second gets a LockedError or opens read-only, and a
 * closed tab's lock is released by the browser.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasChromium, SKIP_REASON } from './harness.js';
import { startStorageApp, type StorageApp } from './storage-app.js';
import { ok, run, vec, type Page, type Reply, type Where } from './storage-ops.js';

const items = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => ({ id: `r${from + j}`, vector: vec(from + j), metadata: { i: from + j } }));

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: opfs:// and locks' : `Chromium: opfs:// and locks (${SKIP_REASON})`, () => {
  let app: StorageApp | undefined;
  let page: Page;
  /** Another tab of the same profile (same origin: same OPFS, IndexedDB and Web Locks). */
  const newTab = (): Promise<Page> => app!.newTab();

  beforeAll(async () => {
    app = await startStorageApp();
    page = await app.load(app.browser.page);
  });
  afterAll(async () => {
    await app?.stop();
  });

  test('the worker writes through access handles; the page cannot', async () => {
    expect(await ok(page, 'worker', 'hasSyncAccess')).toBe(true);
    expect(await ok(page, 'page', 'hasSyncAccess')).toBe(false);
  });

  for (const where of ['worker', 'page'] as const) {
    test(`${where}: a checkpoint replaces the previous one; a failed write leaves it intact`, async () => {
      const url = `opfs://ckpt-${where}`;
      expect((await run(page, where, 'read', url)) as Reply).toMatchObject({ ok: false, name: 'StorageError' });
      await ok(page, where, 'write', url, 10, 1);
      expect(await ok(page, where, 'read', url)).toEqual(await ok(page, 'page', 'expected', 10, 1));
      expect(await ok<number>(page, where, 'write', url, 6000, 2, 1 << 18)).toBeGreaterThan(1 << 20); // in 256 KB chunks, replacing
      const want = await ok(page, 'page', 'expected', 6000, 2);
      expect(await ok(page, where, 'read', url)).toEqual(want);
      expect(await ok(page, where === 'page' ? 'worker' : 'page', 'read', url)).toEqual(want); // the other thread reads it too

      const thrown = await run(page, where, 'writeFailing', url, 'throw');
      expect(thrown).toMatchObject({ ok: false, name: 'StorageError' });
      expect((thrown as { message: string }).message).toMatch(/failed part-way/);
      expect(await run(page, where, 'writeFailing', url, 'length')).toMatchObject({ ok: false, name: 'StorageError' });
      expect(await ok(page, where, 'read', url)).toEqual(want);
      expect(await ok(page, 'page', 'opfsFiles', `ckpt-${where}`)).toEqual(['checkpoint']); // no leftover .tmp

      expect(await ok(page, where, 'remove', url)).toBe(true);
      expect(await ok(page, where, 'remove', url)).toBe(false);
    });
  }

  test('the log: appends from the worker (one open segment) and the page (a segment per append) read back as one stream; truncate empties it', async () => {
    const url = 'opfs://log';
    expect(await ok(page, 'worker', 'logRead', url)).toEqual([]);
    expect(await ok(page, 'worker', 'logAppend', url, [[1, 2, 3], [4, 5]], true)).toBe(5);
    expect(await ok(page, 'page', 'logAppend', url, [[6], [7, 8]], false)).toBe(8);
    expect(await ok(page, 'worker', 'logAppend', url, [[9]], false)).toBe(9);
    const all = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(await ok(page, 'page', 'logRead', url)).toEqual(all);
    expect(await ok(page, 'worker', 'logRead', url)).toEqual(all);
    expect(await ok(page, 'page', 'opfsFiles', 'log')).toEqual(['wal-0000000001', 'wal-0000000002', 'wal-0000000003', 'wal-0000000004']);
    expect(await ok(page, 'worker', 'logTruncate', url)).toBe(0);
    expect(await ok(page, 'page', 'logRead', url)).toEqual([]);
    expect(await ok(page, 'page', 'opfsFiles', 'log')).toEqual([]);
  });

  for (const [writer, reader] of [['worker', 'page'], ['page', 'worker']] as const) {
    test(`a database saved to opfs:// in the ${writer} opens in the ${reader}: same records and answers`, async () => {
      const url = `opfs://db-from-${writer}`;
      const a = await ok<number>(page, writer, 'db', 'create', { dim: 4, storage: url });
      await ok(page, writer, 'call', a, 'insertMany', items(0, 300));
      await ok(page, writer, 'call', a, 'delete', 'r7');
      await ok(page, writer, 'call', a, 'save');
      const hits = await ok(page, writer, 'call', a, 'search', vec(42), { k: 5 });
      await ok(page, writer, 'call', a, 'close');
      const b = await ok<number>(page, reader, 'db', 'open', url);
      expect(await ok(page, reader, 'size', b)).toBe(299);
      expect(await ok(page, reader, 'call', b, 'search', vec(42), { k: 5 })).toEqual(hits);
      expect(await ok(page, reader, 'call', b, 'get', 'r42')).toEqual({ id: 'r42', vector: vec(42).map(Math.fround), metadata: { i: 42 } });
      expect(await ok(page, reader, 'call', b, 'get', 'r7')).toBeNull();
      await ok(page, reader, 'call', b, 'close');
      expect(await ok(page, 'page', 'list', 'opfs://')).toContain(url);
    });
  }

  for (const scheme of ['idb', 'opfs'] as const) {
    test(`two tabs on one ${scheme}:// name: the second gets LockedError or opens read-only; closing the first (or its tab) frees it`, async () => {
      const url = `${scheme}://two-tabs`;
      const where: Where = scheme === 'opfs' ? 'worker' : 'page';
      const tabA = await newTab();
      const tabB = await newTab();
      try {
        const a = await ok<number>(tabA, where, 'db', 'create', { dim: 4, storage: url });
        await ok(tabA, where, 'call', a, 'insertMany', items(0, 6));
        await ok(tabA, where, 'call', a, 'save');

        expect(await run(tabB, where, 'db', 'open', url)).toMatchObject({ ok: false, name: 'LockedError', code: 'LOCKED' });
        expect(await run(tabB, where, 'db', 'create', { dim: 4, storage: url })).toMatchObject({ ok: false, name: 'LockedError' });
        // Also from a database worker of tab B (createInWorker): the error crosses as a LockedError.
        expect(await run(tabB, 'page', 'db', 'openInWorker', url)).toMatchObject({ ok: false, name: 'LockedError' });

        const b = await ok<number>(tabB, where, 'db', 'open', url, { lock: 'readonly' });
        expect(await ok(tabB, where, 'size', b)).toBe(6);
        expect(await run(tabB, where, 'call', b, 'insert', items(6, 7)[0])).toMatchObject({ ok: false, name: 'LockedError' });
        expect(await run(tabB, where, 'call', b, 'save')).toMatchObject({ ok: false, name: 'LockedError' });
        await ok(tabB, where, 'call', b, 'close');

        await ok(tabA, where, 'call', a, 'insertMany', items(6, 11));
        await ok(tabA, where, 'call', a, 'save');
        await ok(tabA, where, 'call', a, 'close');
        const b2 = await ok<number>(tabB, where, 'db', 'open', url); // free now
        expect(await ok(tabB, where, 'size', b2)).toBe(11); // nothing lost (was: the last writer's 6 of 11)
        await ok(tabB, where, 'call', b2, 'insert', items(11, 12)[0]);
        await ok(tabB, where, 'call', b2, 'save');

        // Tab B is closed without close(): the browser releases its lock (soon after: poll for up to 10 s).
        await tabB.close();
        let reopened: Reply = await run(tabA, where, 'db', 'open', url);
        for (let tries = 0; !reopened.ok && reopened.name === 'LockedError' && tries < 50; tries++) {
          await new Promise((r) => setTimeout(r, 200));
          reopened = await run(tabA, where, 'db', 'open', url);
        }
        expect(reopened).toMatchObject({ ok: true });
        const a2 = (reopened as { value: number }).value;
        expect(await ok(tabA, where, 'size', a2)).toBe(12);
        await ok(tabA, where, 'call', a2, 'close');
      } finally {
        await tabA.close();
        if (!tabB.isClosed()) await tabB.close();
      }
    });
  }

  test('no page errors, nothing fetched from elsewhere', () => {
    expect(app!.browser.errors).toEqual([]);
    expect(app!.browser.offsite).toEqual([]);
  });
});
