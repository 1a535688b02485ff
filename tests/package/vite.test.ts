/**
 * The installed package in a plain Vite app (the consumer's own Vite, no
 * plugin, no copy step), built (and served by the Vite dev server), served on 127.0.0.1 and run in Chromium
 * offline: the bundler must find the core .wasm, onnxruntime's files and the
 * default model through the package's new URL(…, import.meta.url), on the
 * page and inside the module Worker that createInWorker starts.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { hasChromium, launch, serve, SKIP_REASON, type Browser } from '../browser/harness.js';
import { expectAppWorks } from './app-check.js';
import { cleanEnv, consumerProject, freePort, npm, removeDir, waitForHttp } from './pack.js';

describe.skipIf(!hasChromium)(hasChromium ? 'installed package in a Vite app' : `installed package in a Vite app (${SKIP_REASON})`, () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  beforeAll(async () => {
    dir = await consumerProject(inject('tarball'), 'vite-app', ['vite']);
    npm(['exec', '--offline', '--', 'vite', 'build', '--logLevel', 'error'], dir);
    server = await serve(join(dir, 'dist'));
    browser = await launch(server.origin);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await removeDir(dir);
  });

  test('vite build emits the assets and the worker; the page and the worker search vectors and text', async () => {
    const assets = await readdir(join(dir, 'dist', 'assets'));
    for (const re of [/^minivectordb_core-.*\.wasm$/, /^ort-wasm-simd-threaded-.*\.wasm$/, /^model-.*\.onnx$/, /^tokenizer-.*\.json$/, /^worker-entry-.*\.js$/]) {
      expect(assets.some((f) => re.test(f)), String(re)).toBe(true);
    }
    await expectAppWorks(browser, `${server.origin}/`);
  });

  test('the Vite dev server (no config) serves the same app: page and worker work', async () => {
    const port = await freePort();
    const dev = spawn(process.execPath, [join(dir, 'node_modules/vite/bin/vite.js'), '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--logLevel', 'error'], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    dev.stdout.on('data', (d: Buffer) => (log += String(d)));
    dev.stderr.on('data', (d: Buffer) => (log += String(d)));
    const origin = `http://127.0.0.1:${port}`;
    const devBrowser = await launch(origin);
    try {
      await waitForHttp(origin, dev, () => log);
      await expectAppWorks(devBrowser, `${origin}/`);
      expect(log).toBe('');
    } finally {
      await devBrowser.close();
      dev.kill();
    }
  });
});
