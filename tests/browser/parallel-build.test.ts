/**
 * The parallel build in Chromium. A cross-origin-isolated page (COOP/COEP)
 * loads the threaded core from beside dist/ (unbundled ES modules with an
 * import map) and links an add on 2 threads, quietly; a page without those
 * headers has no SharedArrayBuffer, so `threads: 2` warns that it builds on
 * one thread — and still builds a graph in which every probed vector finds
 * itself.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CHROMIUM_FLAGS } from '../../scripts/lib/chromium.mjs';
import { CHROMIUM, hasChromium, root, SKIP_REASON } from './harness.js';

interface Result {
  crossOriginIsolated: boolean;
  kThreads: boolean;
  threads: number;
  linkedBy: number;
  warnings: string[];
  selfFound: number;
  probed: number;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.cjs': 'text/javascript', '.wasm': 'application/wasm' };
const PAGE = '<!doctype html><meta charset="utf-8"><script src="/bench/lib/importmap.js"></script><script type="module" src="/tests/browser/parallel/page.mjs"></script>';

async function runIn(isolated: boolean): Promise<Result> {
  const headers: Record<string, string> = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/') return void res.writeHead(200, { ...headers, 'content-type': TYPES['.html']! }).end(PAGE);
    const rel = normalize(path.slice(1)).split(sep).join('/');
    const allowed = ['dist/', 'node_modules/', 'bench/lib/importmap.js', 'tests/browser/parallel/'].some((p) => rel.startsWith(p));
    if (!allowed || rel.includes('..')) return void res.writeHead(404, headers).end();
    try {
      const body = await readFile(join(root, rel));
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, headers).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true, null, { timeout: 60_000 });
    return (await page.evaluate((cfg) => (window as unknown as { runParallel: (c: object) => Promise<unknown> }).runParallel(cfg), { n: 1500, dim: 24 })) as Result;
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
}

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: parallel build' : `Chromium: parallel build (${SKIP_REASON})`, () => {
  test('cross-origin isolated page: the threaded core links on 2 threads, no warning', async () => {
    const r = await runIn(true);
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.kThreads).toBe(true);
    expect(r.threads).toBe(2);
    expect(r.linkedBy).toBe(2);
    expect(r.selfFound).toBe(r.probed);
  }, 120_000);

  test('page without COOP/COEP: a warning says it builds on one thread; the graph still finds every probed vector', async () => {
    const r = await runIn(false);
    expect(r.crossOriginIsolated).toBe(false);
    expect(r.kThreads).toBe(false);
    expect(r.threads).toBe(1);
    expect(r.linkedBy).toBe(0); // one thread: the serial path, never the parallel one
    expect(r.warnings.length).toBeGreaterThanOrEqual(1);
    expect(r.warnings[0]).toMatch(/threads: 2 requested, but .*cross-origin isolated.*building on one thread/);
    expect(r.selfFound).toBe(r.probed);
  }, 120_000);
});
