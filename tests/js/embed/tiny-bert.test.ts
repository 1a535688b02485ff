// The ONNX embedder on a tiny BERT-shaped model (tests/fixtures/embed/tiny-bert,
// made by make_tiny_bert.py), checked against the script's numpy reference:
// token ids exactly, vectors to 1e-4 (mean and CLS pooling, no
// normalisation, truncation), whatever the batching.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDBError } from '../../../js/src/errors.js';
import { createEmbedder, isEmbedder, OnnxEmbedder, type EmbedProgress, type Embedder } from '../../../js/src/embed/index.js';
import { maxDiff, norm, TINY_BERT, tinyReference } from './helpers.js';

const ref = tinyReference();
const texts = ref.cases.map((c) => c.text);

let mean: OnnxEmbedder;

beforeAll(async () => {
  mean = await OnnxEmbedder.create({ modelPath: TINY_BERT });
});
afterAll(async () => {
  await mean.dispose();
});

describe('tiny BERT against the numpy reference', () => {
  test('model facts: dimension, pooling, max length from tokenizer_config.json, token_type_ids fed', () => {
    expect(mean.dim).toBe(ref.dim);
    expect(mean.info).toMatchObject({ kind: 'onnx', model: TINY_BERT, dim: 16, pooling: 'mean', normalize: true, maxLength: 16, modelFile: 'onnx/model.onnx' });
  });

  test('token ids: [CLS] … [SEP], WordPiece pieces, [UNK], accents, truncation', () => {
    for (const c of ref.cases) expect(mean.tokenize(c.text), c.text).toEqual(c.ids);
  });

  test('mean pooling, L2-normalised, to 1e-4, in one padded batch', async () => {
    const out = await mean.embed(texts);
    expect(out).toHaveLength(texts.length);
    ref.cases.forEach((c, i) => {
      expect(out[i]).toBeInstanceOf(Float32Array);
      expect(maxDiff(out[i]!, c.mean), c.text).toBeLessThan(1e-4);
      expect(Math.abs(norm(out[i]!) - 1)).toBeLessThan(1e-5);
    });
  });

  test('batch size does not change the vectors; order follows the input', async () => {
    const one = await mean.embed(texts, { batchSize: 1 });
    const three = await mean.embed(texts, { batchSize: 3 });
    const reversed = await mean.embed([...texts].reverse());
    texts.forEach((_, i) => {
      expect(maxDiff(one[i]!, ref.cases[i]!.mean)).toBeLessThan(1e-4);
      expect(maxDiff(three[i]!, one[i]!)).toBeLessThan(1e-5);
      expect(maxDiff(reversed[texts.length - 1 - i]!, one[i]!)).toBeLessThan(1e-5);
    });
  });

  test('cls pooling', async () => {
    const cls = await OnnxEmbedder.create({ modelPath: TINY_BERT, pooling: 'cls' });
    try {
      expect(cls.info.pooling).toBe('cls');
      const out = await cls.embed(texts);
      ref.cases.forEach((c, i) => expect(maxDiff(out[i]!, c.cls), c.text).toBeLessThan(1e-4));
    } finally {
      await cls.dispose();
    }
  });

  test('normalize: false gives the raw mean', async () => {
    const raw = await OnnxEmbedder.create({ modelPath: TINY_BERT, normalize: false });
    try {
      const out = await raw.embed(texts);
      ref.cases.forEach((c, i) => expect(maxDiff(out[i]!, c.meanRaw), c.text).toBeLessThan(1e-4));
    } finally {
      await raw.dispose();
    }
  });

  test('maxLength option truncates to fewer tokens, keeping [CLS] and [SEP]', async () => {
    const short = await OnnxEmbedder.create({ modelPath: TINY_BERT, maxLength: 8 });
    try {
      expect(short.info.maxLength).toBe(8);
      const out = await short.embed(texts);
      ref.maxLength8.forEach((c, i) => {
        expect(short.tokenize(c.text)).toEqual(c.ids);
        expect(maxDiff(out[i]!, c.mean), c.text).toBeLessThan(1e-4);
      });
    } finally {
      await short.dispose();
    }
  });

  test('a maxLength above the model limit is capped by it', async () => {
    const e = await OnnxEmbedder.create({ modelPath: TINY_BERT, maxLength: 1000 });
    expect(e.info.maxLength).toBe(16);
    await e.dispose();
  });
});

describe('embed() contract', () => {
  test('empty input gives an empty array without running the model', async () => {
    expect(await mean.embed([])).toEqual([]);
  });

  test('progress after each batch', async () => {
    const events: EmbedProgress[] = [];
    await mean.embed(texts, { batchSize: 4, onProgress: (e) => events.push(e) });
    expect(events).toEqual([
      { phase: 'embed', done: 4, total: 9 },
      { phase: 'embed', done: 8, total: 9 },
      { phase: 'embed', done: 9, total: 9 },
    ]);
  });

  test('concurrent calls give the same vectors as sequential ones', async () => {
    const [a, b] = await Promise.all([mean.embed(texts, { batchSize: 2 }), mean.embed([...texts].reverse(), { batchSize: 5 })]);
    texts.forEach((_, i) => expect(maxDiff(a[i]!, b[texts.length - 1 - i]!)).toBeLessThan(1e-5));
  });

  test('an aborted signal stops the call', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(mean.embed(texts, { signal: ac.signal })).rejects.toThrow('stop');
  });

  test('typed errors for bad arguments', async () => {
    await expect(mean.embed('hello' as unknown as string[])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(mean.embed(['ok', 3 as unknown as string])).rejects.toThrow(/texts\[1\] must be a string/);
    await expect(mean.embed(['ok'], { batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(mean.embed(['ok'], { bogus: 1 } as never)).rejects.toThrow(/unknown option 'bogus'/);
    await expect(OnnxEmbedder.create({ modelPath: TINY_BERT, pooling: 'max' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(OnnxEmbedder.create({ modelPath: TINY_BERT, modelPathh: 'x' } as never)).rejects.toThrow(/unknown option 'modelPathh'/);
    await expect(OnnxEmbedder.create({ modelPath: TINY_BERT, modelFile: '../x.onnx' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  test('dispose is idempotent; embed afterwards throws CLOSED', async () => {
    const e = await OnnxEmbedder.create({ modelPath: TINY_BERT });
    await e.dispose();
    await e.dispose();
    const err = await e.embed(['x']).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(MiniVectorDBError);
    expect((err as MiniVectorDBError).code).toBe('CLOSED');
  });
});

describe('createEmbedder()', () => {
  test('info.config recreates an embedder with the same vectors', async () => {
    const a = await createEmbedder({ modelPath: TINY_BERT, pooling: 'cls', maxLength: 8 });
    const b = await createEmbedder({ kind: 'onnx', ...a.info.config! });
    try {
      expect(JSON.parse(JSON.stringify(a.info))).toEqual(a.info);
      expect(b.info).toEqual(a.info);
      const [va, vb] = [await a.embed(texts), await b.embed(texts)];
      texts.forEach((_, i) => expect(maxDiff(va[i]!, vb[i]!)).toBe(0));
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });

  test('a ready embedder passes through; unknown kinds are rejected', async () => {
    const custom: Embedder = {
      dim: 2,
      info: { kind: 'custom', model: 'x', dim: 2, pooling: 'mean', normalize: true, maxLength: 1 },
      embed: async (t) => t.map(() => new Float32Array([1, 0])),
      dispose: async () => {},
    };
    expect(isEmbedder(custom)).toBe(true);
    expect(await createEmbedder(custom)).toBe(custom);
    await expect(createEmbedder({ kind: 'openai' } as never)).rejects.toThrow(/unknown embedder kind/);
  });
});
