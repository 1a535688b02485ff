/**
 * The installed package in a plain Vite app (the consumer's own Vite, no
 * plugin, no copy step), built, served on 127.0.0.1 and run in Chromium
 * offline: the bundler must find the core .wasm, onnxruntime's files and the
 * default model through the package's new URL(…, import.meta.url).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { hasChromium, launch, serve, SKIP_REASON, type Browser } from '../browser/harness.js';
import { consumerProject, npm, removeDir } from './pack.js';

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

  test('vite build emits the assets; the page searches vectors and text', async () => {
    const assets = await readdir(join(dir, 'dist', 'assets'));
    for (const re of [/^minivectordb_core-.*\.wasm$/, /^ort-wasm-simd-threaded-.*\.wasm$/, /^model-.*\.onnx$/, /^tokenizer-.*\.json$/]) {
      expect(assets.some((f) => re.test(f)), String(re)).toBe(true);
    }
    const { page } = browser;
    await page.goto(`${server.origin}/`);
    await page.waitForFunction('window.result !== undefined', undefined, { timeout: 30_000 });
    const result = (await page.evaluate('window.result')) as { nearest?: string; hits?: string[]; dim?: number; error?: string };
    expect(result.error).toBeUndefined();
    expect(result.nearest).toBe('y');
    expect(result.dim).toBe(256);
    expect(result.hits?.[0]).toBe('bike');
    expect(await page.textContent('#status')).toBe('done');
    expect(browser.errors).toEqual([]);
    expect(browser.offsite).toEqual([]);
  });
});
