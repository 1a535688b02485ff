/** minivectordb/ai-sdk and minivectordb/transformers: embedders from elsewhere as a database's embedder, and ours as an AI SDK model. */
import { Tensor } from '@huggingface/transformers';
import { embed, embedMany } from 'ai';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbedder, DimensionMismatchError, EmbedderMismatchError, InvalidArgumentError, MiniVectorDB, OnnxEmbedder } from 'minivectordb';
import { fromAiSdk, toAiSdk } from 'minivectordb/ai-sdk';
import { fromTransformersPipeline, type FeatureExtractionPipelineLike } from 'minivectordb/transformers';
import { afterEach, describe, expect, test } from 'vitest';
import { bruteForce, corpus, cosine, DIM, hashEmbed, hashModel } from './fakes.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

const rows = corpus(40);
const opened: MiniVectorDB[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

describe('fromAiSdk', () => {
  test('an AI SDK EmbeddingModelV3 embeds inserts and text queries: batches split by maxEmbeddingsPerCall, results = brute force over the model’s vectors', async () => {
    const model = hashModel(3);
    const embedder = await fromAiSdk(model, { batchSize: 8 });
    expect(model.batches).toEqual([1]); // the one probe that learned dim
    expect(embedder.dim).toBe(DIM);
    expect(embedder.info).toMatchObject({ kind: 'ai-sdk', model: 'test/trigram-hash', dim: DIM, normalize: false });
    const db = await MiniVectorDB.create({ embedder, storeText: true, efSearch: 128 });
    opened.push(db);
    expect(db.stats().embedder).toBe('test/trigram-hash');
    model.batches.length = 0;
    await db.insertMany(rows.map((r) => ({ id: r.id, text: r.text, metadata: r.metadata })));
    // 40 texts in batches of 8 texts per embedMany, each split into calls of ≤ 3
    expect(model.batches).toEqual(Array.from({ length: 5 }, () => [3, 3, 2]).flat());
    const items = rows.map((r) => ({ id: r.id, vector: hashEmbed(r.text) }));
    for (const q of ['a guitar melody', 'packet switch']) {
      const hits = await db.search(q, { k: 5, mode: 'vector' });
      const want = bruteForce(hashEmbed(q), items, 5);
      expect(hits.map((h) => h.id)).toEqual(want.map((w) => w.id));
      hits.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 5));
    }
  });

  test('a given dim skips the probe; a model returning another length is a DimensionMismatchError; abort stops the call', async () => {
    const model = hashModel(10, 16);
    const wrong = await fromAiSdk(model, { dim: 32 });
    expect(model.batches).toEqual([]);
    await expect(wrong.embed(['a'])).rejects.toBeInstanceOf(DimensionMismatchError);
    const ok = await fromAiSdk(hashModel(), { normalize: true });
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(ok.embed(['a', 'b'], { signal: ac.signal })).rejects.toThrow('stop');
    await expect(fromAiSdk({} as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(fromAiSdk(hashModel(), { dims: 3 } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(fromAiSdk(hashModel(), null as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(fromTransformersPipeline((async () => ({ dims: [1, 2], data: [1, 2] })) as never, null as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await ok.dispose();
    await expect(ok.embed(['a'])).rejects.toMatchObject({ code: 'CLOSED' });
  });

  test('the snapshot records the AI SDK model: reopening with it works, with another model is refused', async () => {
    const db = await MiniVectorDB.create({ embedder: await fromAiSdk(hashModel()), storeText: true });
    opened.push(db);
    await db.insertMany(rows.slice(0, 10).map((r) => ({ id: r.id, text: r.text })));
    await db.save('memory://ai-sdk-test');
    const again = await MiniVectorDB.open('memory://ai-sdk-test', { embedder: await fromAiSdk(hashModel()) });
    opened.push(again);
    expect((await again.search('bicycle chain', { k: 3, mode: 'vector' })).map((h) => h.id)).toEqual((await db.search('bicycle chain', { k: 3, mode: 'vector' })).map((h) => h.id));
    const other = { ...hashModel(), modelId: 'other-model' };
    await expect(MiniVectorDB.open('memory://ai-sdk-test', { embedder: await fromAiSdk(other), lock: 'readonly' })).rejects.toBeInstanceOf(EmbedderMismatchError);
  });
});

describe('toAiSdk', () => {
  test('our embedder as an AI SDK model: embed / embedMany from ai return our vectors', async () => {
    const embedder = await createEmbedder();
    const model = toAiSdk(embedder);
    expect(model).toMatchObject({ specificationVersion: 'v3', provider: 'minivectordb', modelId: 'wordnet-256' });
    const texts = rows.slice(0, 5).map((r) => r.text);
    const ours = await embedder.embed(texts);
    // Equal up to float32 rounding: on the native backend (onnxruntime-node)
    // a text's vector depends in its last bits on the batch it ran in.
    const near = (got: number[], want: Float32Array) => {
      expect(got).toHaveLength(want.length);
      got.forEach((x, i) => expect(Math.abs(x - want[i]!)).toBeLessThan(1e-6));
    };
    const { embeddings } = await embedMany({ model, values: texts });
    expect(embeddings).toHaveLength(ours.length);
    embeddings.forEach((e, i) => near(e, ours[i]!));
    const { embedding } = await embed({ model, value: texts[2]! });
    near(embedding, ours[2]!);
    expect(() => toAiSdk({} as never)).toThrow(InvalidArgumentError);
  });
});

describe('fromTransformersPipeline', () => {
  /** A stand-in for `await pipeline('feature-extraction', id)`: returns transformers.js Tensors of dims [n, DIM] and records its options. */
  function fakePipeline(dims: 2 | 3 = 2): FeatureExtractionPipelineLike & { calls: { n: number; options: unknown }[] } {
    const calls: { n: number; options: unknown }[] = [];
    const pipe = Object.assign(
      async (texts: string[], options: unknown) => {
        calls.push({ n: texts.length, options });
        const data = Float32Array.from(texts.flatMap(hashEmbed));
        return new Tensor('float32', data, dims === 2 ? [texts.length, DIM] : [texts.length, 1, DIM]);
      },
      { calls, model: { config: { _name_or_path: 'test/trigram' } } },
    );
    return pipe;
  }

  test('a feature-extraction pipeline embeds for the database: its vectors, its name, mean pooling asked', async () => {
    const pipe = fakePipeline();
    const embedder = await fromTransformersPipeline(pipe, { batchSize: 16 });
    expect(embedder.info).toMatchObject({ kind: 'transformers.js', model: 'test/trigram', dim: DIM, pooling: 'mean' });
    const db = await MiniVectorDB.create({ embedder, efSearch: 128 });
    opened.push(db);
    await db.insertMany(rows.map((r) => ({ id: r.id, text: r.text })));
    expect(pipe.calls.map((c) => c.n)).toEqual([1, 16, 16, 8]);
    expect(pipe.calls.every((c) => JSON.stringify(c.options) === '{"pooling":"mean","normalize":true}')).toBe(true);
    const stored = await db.get('doc-7');
    Array.from(stored!.vector).forEach((x, i) => expect(x).toBeCloseTo(hashEmbed(rows[7]!.text)[i]!, 6));
    const items = rows.map((r) => ({ id: r.id, vector: hashEmbed(r.text) }));
    expect((await db.search('oven bread', { k: 4 })).map((h) => h.id)).toEqual(bruteForce(hashEmbed('oven bread'), items, 4).map((w) => w.id));
  });

  test('a real transformers.js pipeline (random-weight MiniLM-L6 folder, onnxruntime-node) gives the vectors of our ONNX embedder on the same files', async () => {
    // The folder is the embedding bench's (scripts/model/make-bert.mjs, written once into bench/.cache/models, ~110 MB).
    const { makeBert } = (await import(join(root, 'scripts/model/make-bert.mjs'))) as { makeBert: (name: string) => string };
    const folder = makeBert('minilm-l6');
    const tjs = await import('@huggingface/transformers');
    tjs.env.allowRemoteModels = false;
    tjs.env.localModelPath = dirname(folder);
    tjs.env.useFSCache = false;
    const pipe = await tjs.pipeline('feature-extraction', basename(folder), { dtype: 'fp32', device: 'cpu' });
    const ours = await OnnxEmbedder.create({ modelPath: folder, cache: false });
    try {
      const theirs = await fromTransformersPipeline(pipe as unknown as FeatureExtractionPipelineLike, { model: 'minilm-l6-random' });
      expect(theirs.dim).toBe(384);
      const texts = rows.slice(0, 12).map((r) => r.text);
      const [a, b] = [await theirs.embed(texts), await ours.embed(texts)];
      a.forEach((v, i) => expect(cosine(v, b[i]!)).toBeGreaterThan(0.9999));
      const db = await MiniVectorDB.create({ embedder: theirs, storeText: true, efSearch: 64 });
      opened.push(db);
      await db.insertMany(texts.map((text, i) => ({ id: String(i), text })));
      const hits = await db.search(texts[5]!, { k: 3, mode: 'vector' });
      expect(hits.map((h) => h.id)).toEqual(bruteForce(b[5]!, b.map((vector, i) => ({ id: String(i), vector })), 3).map((w) => w.id));
    } finally {
      await ours.dispose();
      await pipe.dispose();
    }
  });

  test('a pipeline without pooling (3-d output) or a bad pooling option is refused', async () => {
    await expect(fromTransformersPipeline(fakePipeline(3))).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(fromTransformersPipeline(fakePipeline(), { pooling: 'max' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(fromTransformersPipeline('x' as never)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
