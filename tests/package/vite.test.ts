/**
 * The installed package in a plain Vite app (the consumer's own Vite, no
 * plugin, no copy step), built, served on 127.0.0.1 and run in Chromium
 * offline: the bundler must find the core .wasm, onnxruntime's files and the
 * default model through the package's new URL(…, import.meta.url), on the
 * page and inside the module Worker that createInWorker starts.
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

  test('vite build emits the assets and the worker; the page and the worker search vectors and text', async () => {
    const assets = await readdir(join(dir, 'dist', 'assets'));
    for (const re of [/^minivectordb_core-.*\.wasm$/, /^ort-wasm-simd-threaded-.*\.wasm$/, /^model-.*\.onnx$/, /^tokenizer-.*\.json$/, /^worker-entry-.*\.js$/]) {
      expect(assets.some((f) => re.test(f)), String(re)).toBe(true);
    }
    const { page } = browser;
    await page.goto(`${server.origin}/`);
    await page.waitForFunction('window.result !== undefined', undefined, { timeout: 30_000 });
    const result = (await page.evaluate('window.result')) as {
      nearest?: string;
      hits?: string[];
      scores?: number[];
      dim?: number;
      worker?: { hits: string[]; scores: number[]; phases: string[]; dim: number; nearest: string };
      error?: string;
    };
    expect(result.error).toBeUndefined();
    expect(result.nearest).toBe('y');
    expect(result.dim).toBe(256);
    expect(result.hits?.[0]).toBe('bike');
    // The worker loaded the .wasm and wordnet-256 itself and answers as the page does.
    expect(result.worker?.nearest).toBe('y');
    expect(result.worker?.dim).toBe(256);
    expect(result.worker?.phases).toEqual(['embed', 'insert']);
    expect(result.worker?.hits).toEqual(result.hits);
    result.worker?.scores.forEach((s, i) => expect(s).toBeCloseTo(result.scores![i]!, 5));
    expect(await page.textContent('#status')).toBe('done');
    expect(browser.errors).toEqual([]);
    expect(browser.offsite).toEqual([]);
  });
});
