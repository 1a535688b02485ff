// onnxruntime-web backends in Node (its own file: onnxruntime fixes the
// thread count once per process, and vitest runs each file in its own fork):
// threads, and the WebGPU option's fallback where there is no GPU adapter.
// Before ort-node-paths.ts, numThreads > 1 in Node failed at session creation
// ("no available backend found … fetch failed"): the bundled build starts its
// worker threads from a URL Node cannot fetch.
import { expect, test } from 'vitest';
import { OnnxEmbedder } from '../../../js/src/embed/index.js';
import { maxDiff, TINY_BERT, tinyReference } from './helpers.js';

test('wasm.numThreads 2 in Node: the model loads and gives the reference vectors', async () => {
  const ref = tinyReference();
  const messages: string[] = [];
  const e = await OnnxEmbedder.create({
    modelPath: TINY_BERT,
    backend: 'wasm', // onnxruntime-web's threads (auto would pick onnxruntime-node, installed here)
    wasm: { numThreads: 2 },
    logLevel: 'debug',
    logger: { debug: (m: string) => messages.push(m), info: () => {}, warn: () => {}, error: () => {} },
  });
  const out = await e.embed(ref.cases.map((c) => c.text));
  ref.cases.forEach((c, i) => expect(maxDiff(out[i]!, c.mean), c.text).toBeLessThan(1e-4));
  await e.dispose();
  expect(messages.some((m) => /2 thread\(s\)/.test(m))).toBe(true);
});

test("device 'webgpu' where the runtime has no GPU adapter: falls back to 'wasm', says so, same vectors", async () => {
  const ref = tinyReference();
  const warnings: string[] = [];
  const e = await OnnxEmbedder.create({
    modelPath: TINY_BERT,
    device: 'webgpu',
    backend: 'wasm',
    logger: { debug: () => {}, info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} },
  });
  expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined(); // Node: no WebGPU
  expect(e.device).toBe('wasm');
  expect(warnings.some((w) => w.includes("device 'webgpu' unavailable") && w.includes('navigator.gpu'))).toBe(true);
  const out = await e.embed(ref.cases.map((c) => c.text));
  ref.cases.forEach((c, i) => expect(maxDiff(out[i]!, c.mean), c.text).toBeLessThan(1e-4));
  await e.dispose();
  await expect(OnnxEmbedder.create({ modelPath: TINY_BERT, device: 'gpu' as never })).rejects.toThrow(/device must be 'wasm' or 'webgpu'/);
});
