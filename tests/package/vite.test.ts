/**
 * The installed package in a plain Vite app (the consumer's own Vite, no
 * plugin, no copy step), built and served on 127.0.0.1, and served by the
 * Vite dev server, run in Chromium offline: the bundler must find the core
 * .wasm, onnxruntime's files and the default model through the package's
 * new URL(…, import.meta.url), on the page and inside the module Worker that
 * createInWorker starts.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeInChromium, expectAppWorks, installConsumer, launch, runNode, serveStatic, startServer } from './app-harness.js';
import { removeDir } from './pack.js';

describeInChromium('installed package in a Vite app', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await installConsumer('vite-app', ['vite']);
  });
  afterAll(() => removeDir(dir));

  test('vite build emits the assets and the worker; the page and the worker search vectors and text', async () => {
    runNode([join(dir, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], dir, 180_000);
    const assets = await readdir(join(dir, 'dist', 'assets'));
    for (const re of [/^minivectordb_core-.*\.wasm$/, /^ort-wasm-simd-threaded-.*\.wasm$/, /^model-.*\.onnx$/, /^tokenizer-.*\.json$/, /^worker-entry-.*\.js$/]) {
      expect(assets.some((f) => re.test(f)), String(re)).toBe(true);
    }
    const server = await serveStatic(join(dir, 'dist'));
    const browser = await launch(server.origin);
    try {
      await expectAppWorks(browser, `${server.origin}/`);
    } finally {
      await browser.close();
      await server.stop();
    }
  });

  test('the Vite dev server (no config) serves the same app: page and worker work', async () => {
    const dev = await startServer([join(dir, 'node_modules/vite/bin/vite.js'), '--host', '127.0.0.1', '--port', '{port}', '--strictPort', '--logLevel', 'error'], dir);
    const browser = await launch(dev.origin);
    try {
      await expectAppWorks(browser, `${dev.origin}/`, 120_000);
      expect(dev.log()).toBe('');
    } finally {
      await browser.close();
      await dev.stop();
    }
  });
});
