/** Text API on MiniVectorDB: embedding on insert and search, storeText, embedder saved in snapshots. */
import { describe, expect, test } from 'vitest';
import { DimensionMismatchError, InvalidArgumentError, MiniVectorDB, MiniVectorDBError, type Embedder } from 'minivectordb';
import { caught } from './helpers.js';

/** A tiny deterministic embedder (letter counts a–h, L2-normalised), independent of the ONNX code. */
function letterEmbedder(): Embedder & { calls: number } {
  const e = {
    dim: 8,
    calls: 0,
    info: { kind: 'letters', model: 'letters-8', dim: 8, pooling: 'mean' as const, normalize: true, maxLength: 0 },
    async embed(texts: readonly string[]) {
      e.calls++;
      return texts.map((t) => {
        const v = new Float32Array(8);
        for (const ch of t) {
          const i = ch.charCodeAt(0) - 97;
          if (i >= 0 && i < 8) v[i]! += 1;
        }
        const n = Math.hypot(...v) || 1;
        return v.map((x) => x / n);
      });
    },
    async dispose() {},
  };
  return e;
}

describe('text with the default model', () => {
  test('create() with no options embeds texts and text queries', async () => {
    const db = await MiniVectorDB.create({ storeText: true });
    expect(db.dim).toBe(256);
    expect(db.metric).toBe('cosine');
    const phases: string[] = [];
    const docs = ['repairing a bike', 'baking banana bread', 'convert images to pdf', 'the stock market fell today'];
    const r = await db.insertMany(
      docs.map((text, i) => ({ id: `d${i}`, text, metadata: { i } })),
      { onProgress: (done, total, phase) => phases.push(`${phase}:${done}/${total}`) },
    );
    expect(r).toEqual({ inserted: 4, updated: 0 });
    expect(phases).toContain('embed:4/4');
    expect(phases.at(-1)).toBe('insert:4/4');
    // storeText gives the database a text index, so text queries default to hybrid; this test is about the embedding path.
    const hits = await db.search('how do I fix my bicycle', { k: 2, mode: 'vector' });
    expect(hits[0]!.id).toBe('d0');
    expect(hits[0]!.text).toBe('repairing a bike');
    expect(hits[0]!.score).toBeCloseTo(1 - hits[0]!.distance, 6);
    expect((await db.search('pdf viewer', { k: 1 }))[0]!.id).toBe('d2');
    const batch = await db.searchBatch(['bread', 'market'], { k: 1 });
    expect(batch.map((h) => h[0]!.id)).toEqual(['d1', 'd3']);
    expect((await db.get('d1'))?.text).toBe('baking banana bread');
    await db.close();
  });

  test('texts are not kept unless storeText; snapshot keeps the embedder', async () => {
    const db = await MiniVectorDB.create();
    await db.insert({ id: 'a', text: 'an automobile with four wheels' });
    await db.insert({ id: 'b', text: 'a ripe banana' });
    expect((await db.get('a'))?.text).toBeUndefined();
    await db.save('memory://text-snapshot');
    await db.close();
    const again = await MiniVectorDB.open('memory://text-snapshot');
    expect((await again.search('car', { k: 1 }))[0]!.id).toBe('a');
    await again.insert({ id: 'c', text: 'fresh bread from the bakery' });
    expect((await again.search('bread', { k: 1 }))[0]!.id).toBe('c');
    await again.close();
  });

  test('vectors and texts mix when dimensions match', async () => {
    const db = await MiniVectorDB.create();
    await db.insert({ id: 'vec', vector: new Float32Array(256).fill(0.1) });
    await db.insert({ id: 'txt', text: 'hello' });
    expect(db.size).toBe(2);
    await caught(() => db.insert({ id: 'bad', vector: new Float32Array(5) }), DimensionMismatchError);
    await caught(() => db.search(new Float32Array(3)), DimensionMismatchError);
    await db.close();
  });
});

describe('text errors', () => {
  test('a text without an embedder is an InvalidArgumentError', async () => {
    const db = await MiniVectorDB.create({ dim: 4 });
    await caught(() => db.insert({ id: 'x', text: 'hello' }), InvalidArgumentError);
    await caught(() => db.search('hello'), InvalidArgumentError);
    await caught(() => db.insert({ id: 'x' } as never), InvalidArgumentError);
    await caught(() => db.insert({ id: 'x', text: 42 } as never), InvalidArgumentError);
    expect(db.size).toBe(0);
    await db.close();
  });

  test('dim that disagrees with the embedder is a DimensionMismatchError', async () => {
    const e = await caught(() => MiniVectorDB.create({ dim: 128, embedder: true }), DimensionMismatchError);
    expect(e.expected).toBe(128);
    expect(e.actual).toBe(256);
  });

  test('a failed embedding changes nothing', async () => {
    const failing: Embedder = { ...letterEmbedder(), embed: () => Promise.reject(new Error('model crashed')) };
    const db = await MiniVectorDB.create({ embedder: failing });
    await db.insert({ id: 'keep', vector: new Float32Array(8).fill(1) });
    await expect(db.insertMany([{ id: 'y', text: 'abc' }])).rejects.toThrow('model crashed');
    expect(db.size).toBe(1);
    await db.close();
  });
});

describe('insertMany with texts and vectors', () => {
  test('a vector changed by the caller while texts are embedded is rejected, and no item of the call stays in', async () => {
    // Vectors are checked before the embedding and copied in chunks of 1,024
    // after it, their values checked again by the core's add: item 1,500
    // fails after one chunk went in, reported by the core as the chunk's
    // vector 476 and named by its place in the call.
    const vectors = Array.from({ length: 2000 }, (_, i) => Float32Array.from({ length: 8 }, (_, j) => Math.sin(i * 8 + j) + 1.5));
    const e = letterEmbedder();
    const sly: Embedder = {
      ...e,
      async embed(texts) {
        const out = await e.embed(texts);
        vectors[1500]![3] = Number.NaN;
        return out;
      },
    };
    const db = await MiniVectorDB.create({ embedder: sly });
    await db.insert({ id: 'keep', vector: new Float32Array(8).fill(1) });
    const items = [...vectors.map((vector, i) => ({ id: `v${i}`, vector })), { id: 't', text: 'bead' }];
    const err = await caught(() => db.insertMany(items), InvalidArgumentError);
    expect(err.message).toMatch(/^items\[1500\]\.vector has a non-finite value at index 3: NaN/);
    expect(await db.count()).toBe(1);
    expect(await db.get('v0')).toBeUndefined();
    const hits = await db.search(vectors[0]!, { k: 5 });
    expect(hits.map((h) => h.id)).toEqual(['keep']);
    await db.close();
  });
});

describe('custom embedders', () => {
  test('a custom embedder is used for inserts and queries, and must be passed again to open()', async () => {
    const e = letterEmbedder();
    const db = await MiniVectorDB.create({ embedder: e });
    expect(db.dim).toBe(8);
    await db.insertMany([
      { id: 'aaa', text: 'aaaa' },
      { id: 'bbb', text: 'bbbb' },
      { id: 'abc', text: 'abcabc' },
    ]);
    expect((await db.search('bbb', { k: 1 }))[0]!.id).toBe('bbb');
    expect(e.calls).toBe(2);
    await db.save('memory://custom-embedder');
    await db.close();

    const blind = await MiniVectorDB.open('memory://custom-embedder');
    expect((await blind.search(new Float32Array([1, 0, 0, 0, 0, 0, 0, 0]), { k: 1 }))[0]!.id).toBe('aaa'); // vectors still work
    const err = await caught(() => blind.search('aaa'), MiniVectorDBError);
    expect(err.message).toContain('letters-8');
    await blind.close();

    const again = await MiniVectorDB.open('memory://custom-embedder', { embedder: letterEmbedder() });
    expect((await again.search('ccc abc', { k: 1 }))[0]!.id).toBe('abc');
    await again.close();
  });
});
