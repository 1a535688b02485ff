/**
 * The embedder's `device: 'webgpu'` in Chromium, on the tiny BERT fixture
 * against its numpy reference: where the browser offers a GPU adapter the
 * model runs on onnxruntime-web's WebGPU provider; where it does not
 * (headless Chromium on a machine without a GPU) the embedder falls back to
 * WebAssembly with a warning — checked here — and the WebGPU half is skipped
 * with a message. Uses the embedding bench's cross-origin-isolated page
 * (bench/embed/page.mjs, served by bench/embed/browser.mjs).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openChromium } from '../../bench/embed/browser.mjs';
import { maxDiff, tinyReference } from '../js/embed/helpers.js';
import { hasChromium, root, SKIP_REASON } from './harness.js';

interface Result {
  device: string;
  vectors: number[][];
  warnings: string[];
  hasAdapter: boolean;
}

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: WebGPU option' : `Chromium: WebGPU option (${SKIP_REASON})`, () => {
  const ref = tinyReference();
  let runner: Awaited<ReturnType<typeof openChromium>>;
  let r: Result;
  beforeAll(async () => {
    runner = await openChromium(root, join(root, 'tests', 'fixtures', 'embed'));
    r = (await runner.run!({ call: 'embedOnce', folder: 'tiny-bert', device: 'webgpu', texts: ref.cases.map((c) => c.text) })) as Result;
  });
  afterAll(async () => {
    await runner?.close?.();
  });

  test('the vectors match the reference on whichever device ran', () => {
    ref.cases.forEach((c, i) => expect(maxDiff(r.vectors[i]!, c.mean), c.text).toBeLessThan(1e-3));
  });

  test('no GPU adapter: falls back to wasm and says so', (ctx) => {
    if (r.hasAdapter) ctx.skip('this Chromium offers a GPU adapter; the fallback is not exercised');
    expect(r.device).toBe('wasm');
    expect(r.warnings.some((w) => w.includes("device 'webgpu' unavailable"))).toBe(true);
  });

  test('GPU adapter present: the model runs on WebGPU', (ctx) => {
    if (!r.hasAdapter) ctx.skip('skipped: no WebGPU adapter in this headless Chromium (no GPU on this machine)');
    expect(r.device).toBe('webgpu');
    expect(r.warnings).toEqual([]);
  });
});
