// The storage test app (tests/browser/storage-app) built with Vite against a
// built package, served on 127.0.0.1 and opened in headless Chromium with a
// fresh profile: what the storage benches drive. Each operation of its ops.js
// runs on the page or in its worker.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/lib/chromium.mjs';
import { serveStatic } from '../../scripts/lib/static-server.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Starts the app.
 * @param {{ dist?: string }} [options] - `dist`: the built package to bundle (default `<repo>/dist`).
 * @returns {Promise<{ context, page, newTab: () => Promise<import('playwright-core').Page>, run, call, close: () => Promise<void> }>}
 *   `run(tab, where, op, ...args)` answers `{ ok, value }` or `{ ok: false, name, code, message }`; `call` the same on the first page, throwing on failure.
 */
export async function startStorageApp({ dist = join(root, 'dist') } = {}) {
  const { build } = await import('vite');
  const out = await mkdtemp(join(tmpdir(), 'mvdb-bench-storage-'));
  await build({
    root: join(root, 'tests', 'browser', 'storage-app'),
    configFile: false,
    logLevel: 'error',
    cacheDir: join(out, '.vite-cache'),
    resolve: { alias: { 'minivectordb-storage': join(dist, 'storage', 'index.js'), minivectordb: join(dist, 'index.js') } },
    build: { outDir: join(out, 'site'), target: 'es2022', reportCompressedSize: false },
  });
  const server = await serveStatic(join(out, 'site'));
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'mvdb-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_FLAGS] });
  const newTab = async () => {
    const tab = await context.newPage();
    await tab.goto(`${server.origin}/`);
    await tab.waitForFunction('window.specsReady === true');
    return tab;
  };
  const run = (tab, where, op, ...args) => tab.evaluate(`window.${where}(${JSON.stringify(op)}, ...${JSON.stringify(args)})`);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.origin}/`);
  await page.waitForFunction('window.specsReady === true');
  const call = async (where, op, ...args) => {
    const r = await run(page, where, op, ...args);
    if (!r.ok) throw new Error(`${where} ${op}: ${r.name} ${r.message}`);
    return r.value;
  };
  return {
    context,
    page,
    newTab,
    run,
    call,
    close: async () => {
      await context.close();
      await server.close();
      await rm(profile, { recursive: true, force: true });
      await rm(out, { recursive: true, force: true });
    },
  };
}
