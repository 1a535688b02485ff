/**
 * The storage app (tests/browser/storage-app/) for one suite: built with
 * Vite against dist/, served on 127.0.0.1 and open in Chromium. Shared by
 * the storage and readers suites (call {@link startStorageApp} in beforeAll
 * and `stop()` in afterAll).
 */
import { join } from 'node:path';
import { launch, removeBuild, root, serve, viteBuild, type Browser } from './harness.js';
import type { Page } from './storage-ops.js';

export interface StorageApp {
  browser: Browser;
  /** Loads the app in `tab` and waits until its operations are ready; returns `tab`. */
  load(tab: Page): Promise<Page>;
  /** Another tab of the same profile (same origin: same OPFS, IndexedDB and Web Locks), loaded. */
  newTab(): Promise<Page>;
  /** Closes the browser and the server and removes the build. */
  stop(): Promise<void>;
}

export async function startStorageApp(): Promise<StorageApp> {
  const site = await viteBuild(join(root, 'tests', 'browser', 'storage-app'), {
    'minivectordb-storage': join(root, 'dist', 'storage', 'index.js'),
    minivectordb: join(root, 'dist', 'index.js'),
  });
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await server?.close();
    await removeBuild(site);
  };
  try {
    server = await serve(site);
    browser = await launch(server.origin);
  } catch (e) {
    await stop();
    throw e;
  }
  const origin = server.origin;
  const load = async (tab: Page) => {
    await tab.goto(`${origin}/`);
    await tab.waitForFunction('window.specsReady === true');
    return tab;
  };
  const b = browser;
  return { browser: b, load, newTab: async () => load(await b.page.context().newPage()), stop };
}
