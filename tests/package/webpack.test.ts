/**
 * The installed package in a plain webpack 5 app (the consumer's own webpack,
 * no plugin, no loader, no copy step), bundled, served on 127.0.0.1 and run
 * in Chromium offline: webpack must emit the core .wasm, onnxruntime's files,
 * the default model and the package's module Worker from its
 * new URL(…, import.meta.url) references, and leave its Node-only code out.
 */
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeInChromium, expectAppWorks, installConsumer, launch, runNode, serveStatic, type Browser, type Server } from './app-harness.js';
import { removeDir, root } from './pack.js';

describeInChromium('installed package in a webpack 5 app', () => {
  let dir: string;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let output = '';
  beforeAll(async () => {
    dir = await installConsumer('webpack-app', ['webpack', 'webpack-cli']);
    await copyFile(join(root, 'tests/package/vite-app/main.js'), join(dir, 'main.js'));
    output = runNode([join(dir, 'node_modules/webpack-cli/bin/cli.js'), '--config', 'webpack.config.mjs', '--no-color'], dir, 180_000);
    // The app's own page (not a package asset) beside the bundle.
    await copyFile(join(dir, 'index.html'), join(dir, 'dist', 'index.html'));
    server = await serveStatic(join(dir, 'dist'));
    browser = await launch(server.origin);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await removeDir(dir);
  });

  test('webpack bundles without errors or warnings about the package; the page and the worker search vectors and text', async () => {
    expect(output).not.toMatch(/ERROR|Critical dependency|node:/);
    const files = await readdir(join(dir, 'dist'));
    // Asset names are content hashes: the core and onnxruntime (.wasm), the model (.onnx), the worker chunk.
    expect(files.filter((f) => f.endsWith('.wasm')).length).toBeGreaterThanOrEqual(2);
    expect(files.some((f) => f.endsWith('.onnx'))).toBe(true);
    expect(files.some((f) => /worker-entry/.test(f))).toBe(true);
    await expectAppWorks(browser!, `${server!.origin}/`);
  });
});
