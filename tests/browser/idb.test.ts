/** idb:// persistence in Chromium's real IndexedDB: save, reload the page, open, same answers; listSaved/removeSaved. */
import { describe, expect, test } from 'vitest';
import { hasChromium, SKIP_REASON, spec, useTestApp } from './harness.js';

type Results = { id: string; distance: number }[][];

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: IndexedDB' : `Chromium: IndexedDB (${SKIP_REASON})`, () => {
  const app = useTestApp();

  test('save, reload the page, open: identical results; then removeSaved', async () => {
    const { page } = app.browser;
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
    expect(app.browser.errors).toEqual([]);
    expect(app.browser.offsite).toEqual([]);
  });

  test('writes acknowledged without save() or close() survive a page reload (write-ahead log, strict and relaxed)', async () => {
    const { page } = app.browser;
    const written: Record<string, { results: Results; size: number }> = {};
    for (const mode of ['strict', 'relaxed']) written[mode] = await spec(page, 'idbLogged', `e2e-log-${mode}`, mode);
    await page.reload(); // the databases were never closed: the reload is the crash
    await page.waitForFunction('window.specsReady === true');
    for (const mode of ['strict', 'relaxed']) {
      const opened = await spec<{ results: Results; size: number; hasDeleted: boolean }>(page, 'idbOpen', `e2e-log-${mode}`);
      expect(opened.size).toBe(written[mode]!.size);
      expect(opened.hasDeleted).toBe(false);
      expect(opened.results).toEqual(written[mode]!.results);
      await spec(page, 'idbRemove', `e2e-log-${mode}`);
    }
    expect(app.browser.errors).toEqual([]);
  });
});
