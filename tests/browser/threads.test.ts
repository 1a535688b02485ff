/**
 * onnxruntime threads in Chromium, on the tiny BERT fixture against its numpy
 * reference: a cross-origin-isolated page (COOP/COEP) runs `wasm.numThreads: 2`
 * quietly; a page without those headers has no SharedArrayBuffer, so the
 * embedder warns loudly that it runs on one thread — and still gives the
 * right vectors. Uses the embedding bench's page (bench/embed/).
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openChromium } from '../../bench/embed/browser.mjs';
import { maxDiff, tinyReference } from '../js/embed/helpers.js';
import { hasChromium, root, SKIP_REASON } from './harness.js';

interface Result {
  vectors: number[][];
  warnings: string[];
  crossOriginIsolated: boolean;
}

async function embedIn(isolated: boolean): Promise<Result> {
  const runner = await openChromium(root, join(root, 'tests', 'fixtures', 'embed'), { isolated });
  try {
    return (await runner.run!({ call: 'embedOnce', folder: 'tiny-bert', device: 'wasm', threads: 2, texts: tinyReference().cases.map((c) => c.text) })) as Result;
  } finally {
    await runner.close?.();
  }
}

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: onnxruntime threads' : `Chromium: onnxruntime threads (${SKIP_REASON})`, () => {
  const ref = tinyReference();

  test('cross-origin isolated page: 2 threads, no warning, reference vectors', async () => {
    const r = await embedIn(true);
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.warnings).toEqual([]);
    ref.cases.forEach((c, i) => expect(maxDiff(r.vectors[i]!, c.mean), c.text).toBeLessThan(1e-4));
  });

  test('page without COOP/COEP: a warning says it runs on one thread; vectors still right', async () => {
    const r = await embedIn(false);
    expect(r.crossOriginIsolated).toBe(false);
    expect(r.warnings.some((w) => /not cross-origin isolated/.test(w) && /ONE thread/.test(w))).toBe(true);
    ref.cases.forEach((c, i) => expect(maxDiff(r.vectors[i]!, c.mean), c.text).toBeLessThan(1e-4));
  });
});
