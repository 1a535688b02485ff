/**
 * Chromium end-to-end harness: builds a page with Vite (a real bundler, as
 * users do), serves it from 127.0.0.1 with node:http, and drives Debian's
 * Chromium through playwright-core. Every request that leaves the local
 * server is aborted and recorded, so the tests prove the page works offline.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/lib/chromium.mjs';
import { serveStatic } from '../../scripts/lib/static-server.mjs';

export const CHROMIUM = CHROMIUM_PATH;
export const hasChromium = existsSync(CHROMIUM);
export const SKIP_REASON = `skipped: ${CHROMIUM} not found (install it: bash scripts/setup.sh, or apt-get install chromium)`;
if (!hasChromium) console.warn(`browser tests ${SKIP_REASON}`);

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Builds the Vite app in `appDir` into a new temp folder; `alias` maps bare names to files. */
export async function viteBuild(appDir: string, alias: Record<string, string> = {}): Promise<string> {
  const { build } = await import('vite');
  const outDir = await mkdtemp(join(tmpdir(), 'mvdb-vite-'));
  await build({
    root: appDir,
    configFile: false,
    logLevel: 'error',
    cacheDir: join(outDir, '.vite-cache'),
    resolve: { alias },
    build: { outDir: join(outDir, 'site'), emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
  return join(outDir, 'site');
}

/** Serves `dir` on 127.0.0.1 (random port). */
export function serve(dir: string): Promise<{ origin: string; close: () => Promise<void> }> {
  return serveStatic(dir);
}

export interface Browser {
  page: import('playwright-core').Page;
  /** URLs the page tried to fetch from anywhere but the local server (all aborted). */
  offsite: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
  close: () => Promise<void>;
}

/** Chromium with a fresh profile; only `origin` (and the origins in `options.allow`) are reachable. */
export async function launch(origin: string, options: { allow?: string[]; viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const reachable = [origin, ...(options.allow ?? [])].map((o) => `${o}/`);
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'mvdb-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: options.viewport ?? { width: 900, height: 600 },
    args: [...CHROMIUM_FLAGS],
  });
  const offsite: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (reachable.some((o) => url.startsWith(o)) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    offsite.push(url);
    return route.abort('internetdisconnected');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return {
    page,
    offsite,
    errors,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Loads `url` and waits until the app's module has run. */
export async function gotoApp(page: Browser['page'], url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction('window.specsReady === true', undefined, { timeout: 30_000 });
}

/** Calls window.specs[name](...args) in the page (no function serialisation: args go as JSON). */
export function spec<T>(page: Browser['page'], name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(`window.specs[${JSON.stringify(name)}](...${JSON.stringify(args)})`) as Promise<T>;
}

/** The test page of tests/browser/app, built against the package's built ESM (dist/index.js, dist/worker/index.js, dist/worker/worker-entry.js). */
export async function buildTestApp(): Promise<string> {
  const entry = join(root, 'dist', 'index.js');
  if (!existsSync(entry)) throw new Error('dist/index.js is missing: run node scripts/build.mjs first');
  // The subpath first: an alias also matches 'minivectordb/…'.
  return viteBuild(join(root, 'tests', 'browser', 'app'), {
    'minivectordb/worker-host': join(root, 'dist', 'worker', 'worker-entry.js'),
    'minivectordb/worker': join(root, 'dist', 'worker', 'index.js'),
    minivectordb: entry,
  });
}

/** Removes a folder made by viteBuild (its parent temp folder). */
export async function removeBuild(site: string): Promise<void> {
  await rm(resolve(site, '..'), { recursive: true, force: true });
}

/**
 * Registers beforeAll/afterAll hooks that build the test app, serve it,
 * launch Chromium on it and clean up. The returned object's `browser` and
 * `origin` are set once the hooks have run.
 */
export function useTestApp(): { readonly browser: Browser; readonly origin: string } {
  let site: string | undefined;
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser | undefined;
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
  return {
    get browser() {
      if (browser === undefined) throw new Error('the test app is not running (beforeAll failed?)');
      return browser;
    },
    get origin() {
      if (server === undefined) throw new Error('the test app is not served (beforeAll failed?)');
      return server.origin;
    },
  };
}

