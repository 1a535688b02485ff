/** idb:// persistence in Chromium's real IndexedDB: save, reload the page, open, same answers; listSaved/removeSaved. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTestApp, gotoApp, hasChromium, launch, removeBuild, serve, SKIP_REASON, spec, type Browser } from './harness.js';

type Results = { id: string; distance: number }[][];

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: IndexedDB' : `Chromium: IndexedDB (${SKIP_REASON})`, () => {
  let site: string;
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  beforeAll(async () => {
    site = await buildTestApp();
    server = await serve(site);
    browser = await launch(server.origin);
    await gotoApp(browser.page, `${server.origin}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (site !== undefined) await removeBuild(site);
  });

  test('save, reload the page, open: identical results; then removeSaved', async () => {
    const { page } = browser;
    const saved = await spec<{ results: Results; saved: string[] }>(page, 'idbSave', 'e2e-main');
    expect(saved.saved).toContain('idb://e2e-main');
    expect(saved.results).toHaveLength(50);
    expect(saved.results.flat().some((h) => h.id === 'v3')).toBe(false);

    await spec(page, 'idbSave', 'e2e-other');
    await page.evaluate('window.beforeReload = true');
    await page.reload();
    await page.waitForFunction('window.specsReady === true');
    expect(await page.evaluate('typeof window.beforeReload')).toBe('undefined'); // a fresh page: only IndexedDB remains

    const opened = await spec<{ results: Results; size: number; hasDeleted: boolean; saved: string[] }>(page, 'idbOpen', 'e2e-main');
    expect(opened.size).toBe(1999);
    expect(opened.hasDeleted).toBe(false);
    expect(opened.results).toEqual(saved.results);
    expect([...opened.saved].sort()).toEqual(['idb://e2e-main', 'idb://e2e-other']);

    const removed = await spec<{ removed: boolean; again: boolean; openError: string; saved: string[] }>(page, 'idbRemove', 'e2e-main');
    expect(removed.removed).toBe(true);
    expect(removed.again).toBe(false);
    expect(removed.openError).toMatch(/STORAGE/);
    expect(removed.saved).toEqual(['idb://e2e-other']);
    expect(browser.errors).toEqual([]);
    expect(browser.offsite).toEqual([]);
  });
});
