// Chromium rows of bench:embed: a 127.0.0.1 server that sends COOP/COEP (so
// the page is cross-origin isolated and onnxruntime-web can use threads) and
// serves the page, dist/, node_modules/ and the model folders; one fresh
// headless Chromium (Debian's, through playwright-core) per configuration,
// since onnxruntime fixes its thread count once per page.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/lib/chromium.mjs';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

async function startServer(root, modelsDir, isolated) {
  const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin' };
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = { ...(isolated ? isolation : {}), 'cache-control': 'no-store' };
    let file;
    if (path === '/') file = join(root, 'bench', 'embed', 'page.html');
    else if (path.startsWith('/models/')) file = join(modelsDir, normalize(path.slice('/models/'.length)));
    else {
      const rel = normalize(path.slice(1));
      if (['bench/embed/', 'bench/lib/importmap.js', 'dist/', 'node_modules/'].some((p) => rel.split(sep).join('/').startsWith(p))) file = join(root, rel);
    }
    if (file === undefined || path.includes('..')) return void res.writeHead(404, headers).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404, headers).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Opens the runner; `run(cfg)` opens `cfg.page` (default `/`, our page; e.g.
 * `bench/embed/tjs.html` for transformers.js) in a fresh browser and calls its
 * `cfg.call` (default `runEmbed`). `{ missing }` when Chromium is not installed.
 * `isolated: false` serves without COOP/COEP (a page without threads).
 */
export async function openChromium(root, modelsDir, { isolated = true } = {}) {
  if (!existsSync(CHROMIUM_PATH)) return { missing: `${CHROMIUM_PATH} not found (bash scripts/setup-bench.sh installs it)` };
  const { chromium } = await import('playwright-core');
  const server = await startServer(root, modelsDir, isolated);
  return {
    async run(cfg) {
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: cfg.device === 'webgpu' ? [...CHROMIUM_FLAGS.filter((f) => f !== '--disable-gpu'), '--enable-unsafe-webgpu'] : [...CHROMIUM_FLAGS] });
      try {
        const page = await browser.newPage();
        await page.goto(new URL(cfg.page ?? '', server.url).href);
        await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 });
        return await page.evaluate(([fn, c]) => window[fn](c), [cfg.call ?? 'runEmbed', cfg]);
      } finally {
        await browser.close();
      }
    },
    close: () => server.close(),
  };
}
