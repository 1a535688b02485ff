// backend 'auto' / 'native' where onnxruntime-node cannot be imported (its
// own file: the module mock and ort-native.ts's one import per process).
// onnxruntime-node is installed here (under transformers.js), so its absence
// is simulated: importing it fails (vitest reports a throwing mock factory as
// its own error, so the reason reads "does not load: …" rather than "is not
// installed"; both are ort-native.ts's { why } path).
import { expect, test, vi } from 'vitest';
import { OnnxEmbedder } from '../../../js/src/embed/index.js';
import { InvalidArgumentError } from '../../../js/src/errors.js';
import { maxDiff, TINY_BERT, tinyReference } from './helpers.js';

vi.mock('onnxruntime-node', () => {
  throw Object.assign(new Error("Cannot find package 'onnxruntime-node'"), { code: 'ERR_MODULE_NOT_FOUND' });
});

test("without onnxruntime-node, backend 'auto' runs onnxruntime-web, says why, and gives the reference vectors", async () => {
  const ref = tinyReference();
  const info: string[] = [];
  const e = await OnnxEmbedder.create({
    modelPath: TINY_BERT,
    logLevel: 'info',
    logger: { debug: () => {}, info: (m: string) => info.push(m), warn: () => {}, error: () => {} },
  });
  expect(e.backend).toBe('wasm');
  expect(info.some((m) => /backend 'auto': onnxruntime-node (is not installed|does not load)/.test(m) && m.includes('onnxruntime-web'))).toBe(true);
  const out = await e.embed(ref.cases.map((c) => c.text));
  ref.cases.forEach((c, i) => expect(maxDiff(out[i]!, c.mean), c.text).toBeLessThan(1e-4));
  await e.dispose();
});

test("without onnxruntime-node, backend 'native' is refused with the reason", async () => {
  const p = OnnxEmbedder.create({ modelPath: TINY_BERT, backend: 'native' });
  await expect(p).rejects.toThrow(InvalidArgumentError);
  await expect(OnnxEmbedder.create({ modelPath: TINY_BERT, backend: 'native' })).rejects.toThrow(/backend 'native' needs onnxruntime-node in Node\.js: onnxruntime-node (is not installed|does not load)/);
});
