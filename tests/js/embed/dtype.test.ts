// The `dtype` option: which ONNX file of a hub-layout folder is loaded, as
// transformers.js v3 names them, over HTTP from a Hugging Face-like server.
// The server's folder is a random-weight tiny BERT from the bench's generator
// (scripts/model/lib/bert-folder.mjs) with its own float32 model.onnx and
// int8 model_quantized.onnx: the request log says which file was read, and
// the vectors differ as int8 rounding makes them.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../../js/src/errors.js';
import { modelFileOfDtype, MODEL_DTYPES } from '../../../js/src/embed/dtype.js';
import { embedderOptionsFor, identityDifferences } from '../../../js/src/embed/identity.js';
import { ModelLoadError, OnnxEmbedder } from '../../../js/src/embed/index.js';
import { writeBertFolder } from '../../../scripts/model/lib/bert-folder.mjs';
import { cosine, maxDiff, startModelServer, tempDir, type ModelServer } from './helpers.js';

let server: ModelServer;
let tmp: { path: string; remove: () => void };
let texts: string[];

beforeAll(async () => {
  tmp = tempDir('dtype');
  const hub = join(tmp.path, 'hub');
  const { words } = writeBertFolder(hub, { layers: 1, hidden: 16, heads: 2, ffn: 32, vocab: 200, positions: 32, types: 2 }, { seed: 3, maxLength: 24 });
  texts = [words.slice(0, 6).join(' '), words.slice(30, 33).join(' ')];
  server = await startModelServer({ 'test/hub': hub });
});
afterAll(async () => {
  await server.close();
  tmp.remove();
});

const create = (extra: Parameters<typeof OnnxEmbedder.create>[0]) =>
  OnnxEmbedder.create({ model: 'test/hub', remoteHost: server.url, cache: false, ...extra });

describe('dtype → file name (transformers.js v3 suffixes)', () => {
  test('every dtype has its file', () => {
    expect(Object.fromEntries(MODEL_DTYPES.map((d) => [d, modelFileOfDtype(d)]))).toEqual({
      fp32: 'onnx/model.onnx',
      fp16: 'onnx/model_fp16.onnx',
      q8: 'onnx/model_quantized.onnx',
      int8: 'onnx/model_int8.onnx',
      uint8: 'onnx/model_uint8.onnx',
      q4: 'onnx/model_q4.onnx',
      q4f16: 'onnx/model_q4f16.onnx',
      bnb4: 'onnx/model_bnb4.onnx',
    });
  });
});

describe('loading by dtype over HTTP', () => {
  test("dtype 'q8' fetches onnx/model_quantized.onnx only, and records it", async () => {
    server.requests.length = 0;
    const e = await create({ dtype: 'q8' });
    const q8 = await e.embed(texts);
    expect(e.info.modelFile).toBe('onnx/model_quantized.onnx');
    expect(e.info.config?.modelFile).toBe('onnx/model_quantized.onnx');
    await e.dispose();
    expect(server.requests).toContain('/test/hub/resolve/main/onnx/model_quantized.onnx');
    expect(server.requests).not.toContain('/test/hub/resolve/main/onnx/model.onnx');

    // the same texts through the float32 file: close (int8 rounding), not equal
    const f = await create({ dtype: 'fp32' });
    const fp32 = await f.embed(texts);
    await f.dispose();
    texts.forEach((t, i) => {
      expect(cosine(q8[i]!, fp32[i]!), t).toBeGreaterThan(0.999);
      expect(maxDiff(q8[i]!, fp32[i]!), t).toBeGreaterThan(1e-4);
    });
  });

  test("dtype 'fp32' (and the default) fetch onnx/model.onnx", async () => {
    for (const opts of [{ dtype: 'fp32' as const }, {}]) {
      server.requests.length = 0;
      const e = await create(opts);
      expect(e.info.modelFile).toBe('onnx/model.onnx');
      await e.dispose();
      expect(server.requests).toContain('/test/hub/resolve/main/onnx/model.onnx');
      expect(server.requests).not.toContain('/test/hub/resolve/main/onnx/model_quantized.onnx');
    }
  });

  test('a dtype whose file the folder lacks: ModelLoadError naming the file', async () => {
    const err = await create({ dtype: 'fp16' }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(String((err as Error).message)).toContain('onnx/model_fp16.onnx');
  });

  test('bad values and ambiguous combinations are InvalidArgumentError, before any request', async () => {
    server.requests.length = 0;
    for (const bad of [
      { dtype: 'int4' },
      { dtype: 'Q8' },
      { dtype: 8 },
      { dtype: 'toString' },
      { dtype: 'q8', quantized: true },
      { dtype: 'q8', modelFile: 'onnx/model.onnx' },
      { quantized: true, modelFile: 'onnx/model.onnx' },
      { quantized: 'yes' },
    ]) {
      await expect(create(bad as never), JSON.stringify(bad)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(server.requests).toEqual([]);
  });
});

describe('snapshot identity', () => {
  const fp32 = { kind: 'onnx', model: 'test/hub', revision: 'main', modelFile: 'onnx/model.onnx', dim: 16 };
  const q8 = { ...fp32, modelFile: 'onnx/model_quantized.onnx' };

  test('the recorded file is reused on open unless the caller picks one', () => {
    expect(embedderOptionsFor(q8, undefined)).toMatchObject({ model: 'test/hub', modelFile: 'onnx/model_quantized.onnx' });
    const withDtype = embedderOptionsFor(q8, { dtype: 'fp32' })!;
    expect(withDtype.dtype).toBe('fp32');
    expect(withDtype.modelFile).toBeUndefined(); // else the two options would conflict
    expect(embedderOptionsFor(q8, { quantized: false })!.modelFile).toBeUndefined();
  });

  test('fp32 and q8 of one id are different embedders (without digests)', () => {
    expect(identityDifferences(q8, fp32)).toEqual(['modelFile: "onnx/model_quantized.onnx" recorded, "onnx/model.onnx" supplied']);
    expect(identityDifferences(q8, { ...q8 })).toEqual([]);
  });
});
