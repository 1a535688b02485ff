/** minivectordb/llamaindex: the BaseVectorStore against brute force, LlamaIndex filters against a reference evaluator, HYBRID and SPARSE against our own search. */
import { NodeRelationship, TextNode, type Metadata as LiMetadata } from '@llamaindex/core/schema';
import { VectorStoreQueryMode, type MetadataFilter, type MetadataFilters } from '@llamaindex/core/vector-store';
import { createEmbedder, InvalidArgumentError, MiniVectorDB } from 'minivectordb';
import { MiniVectorDBEmbedding, MiniVectorDBVectorStore, toFilter } from 'minivectordb/llamaindex';
import { afterEach, describe, expect, test } from 'vitest';
import { bruteForce, corpus, DIM, hashEmbed } from './fakes.js';

const rows = corpus().map((c, i) => {
  const metadata: LiMetadata = { topic: c.metadata.topic, n: c.metadata.n, tags: c.metadata.tags };
  if (i % 4 !== 0) metadata.rank = (i * 37) % 11; // missing on every fourth record
  return { ...c, metadata, doc: `source-${i % 10}` };
});
const nodes = (embed: (t: string) => number[]): TextNode[] =>
  rows.map((r) => new TextNode({ id_: r.id, text: r.text, metadata: r.metadata, embedding: embed(r.text), relationships: { [NodeRelationship.SOURCE]: { nodeId: r.doc, metadata: {} } } }));

const opened: MiniVectorDB[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});
async function db(options: Parameters<typeof MiniVectorDB.create>[0]): Promise<MiniVectorDB> {
  const d = await MiniVectorDB.create(options);
  opened.push(d);
  return d;
}

/** LlamaIndex's filter semantics (as its SimpleVectorStore evaluates them), written independently of toFilter. */
function reference(m: LiMetadata, f: MetadataFilter): boolean {
  const v = m[f.key] as unknown;
  const values = f.value as (string | number)[];
  switch (f.operator) {
    case '==':
      return v === f.value;
    case '!=':
      return v !== f.value;
    case '>':
      return typeof v === typeof f.value && (v as number) > (f.value as number);
    case '<':
      return typeof v === typeof f.value && (v as number) < (f.value as number);
    case '>=':
      return typeof v === typeof f.value && (v as number) >= (f.value as number);
    case '<=':
      return typeof v === typeof f.value && (v as number) <= (f.value as number);
    case 'in':
      return values.includes(v as string);
    case 'nin':
      return !values.includes(v as string);
    case 'any':
      return Array.isArray(v) && values.some((x) => v.includes(x));
    case 'all':
      return Array.isArray(v) && values.every((x) => v.includes(x));
    case 'contains':
      return Array.isArray(v) && v.includes(f.value);
    default:
      throw new Error(f.operator);
  }
}

/** Deterministic filters over every operator, values drawn from the data and outside it. */
function filterCases(): MetadataFilters[] {
  let seed = 7;
  const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const single = (): MetadataFilter => {
    const ops = ['==', '!=', '>', '<', '>=', '<=', 'in', 'nin', 'any', 'all', 'contains'] as const;
    const operator = ops[rnd(ops.length)]!;
    const r = rows[rnd(rows.length)]!;
    switch (operator) {
      case '==':
      case '!=':
        return rnd(2) ? { key: 'topic', operator, value: r.metadata.topic as string } : { key: 'rank', operator, value: rnd(12) };
      case '>':
      case '<':
      case '>=':
      case '<=':
        return rnd(2) ? { key: 'n', operator, value: rnd(130) } : { key: 'rank', operator, value: rnd(12) };
      case 'in':
      case 'nin':
        return rnd(2) ? { key: 'topic', operator, value: ['garden', 'music', 'nothing'].slice(rnd(3)) } : { key: 'rank', operator, value: [rnd(11), rnd(11)] };
      default: {
        const tags = (r.metadata.tags as string[]).slice(0, 1 + rnd(2));
        return operator === 'contains' ? { key: 'tags', operator, value: tags[0]! } : { key: 'tags', operator, value: tags };
      }
    }
  };
  const out: MetadataFilters[] = [];
  for (let i = 0; i < 60; i++) {
    const n = 1 + rnd(3);
    out.push({ filters: Array.from({ length: n }, single), condition: rnd(2) ? 'and' : 'or' });
  }
  return out;
}

describe('MiniVectorDBVectorStore', () => {
  test('filters: every operator and condition selects what LlamaIndex’s semantics select (60 generated filters)', async () => {
    const store = new MiniVectorDBVectorStore({ db: await db({ dim: DIM, metric: 'cosine' }), embedModel: new MiniVectorDBEmbedding(await createEmbedder()) });
    await store.add(nodes(hashEmbed));
    let nonTrivial = 0;
    for (const filters of filterCases()) {
      const want = rows
        .filter((r) => (filters.condition === 'or' ? filters.filters.some((f) => reference(r.metadata, f)) : filters.filters.every((f) => reference(r.metadata, f))))
        .map((r) => r.id)
        .sort();
      if (want.length > 0 && want.length < rows.length) nonTrivial++;
      const res = await store.query({ queryEmbedding: hashEmbed('x'), similarityTopK: rows.length, mode: VectorStoreQueryMode.DEFAULT, filters });
      expect([...res.ids].sort(), JSON.stringify(filters)).toEqual(want);
    }
    expect(nonTrivial).toBeGreaterThan(30);
    expect(toFilter({ filters: [] })).toBeUndefined();
    expect(() => toFilter({ filters: [{ key: 'a', operator: 'text_match', value: 'x' }] })).toThrow(InvalidArgumentError);
    expect(() => toFilter({ filters: [{ key: 'a', operator: '>', value: ['x'] }] })).toThrow(InvalidArgumentError);
  });

  test('query DEFAULT: the brute-force ranking; nodes come back with text, metadata and source; delete(refDocId) removes a document’s nodes', async () => {
    const database = await db({ dim: DIM, metric: 'cosine', efSearch: 256 });
    const store = new MiniVectorDBVectorStore({ db: database, embedder: await createEmbedder() });
    expect(store.client()).toBe(database);
    expect(await store.add(nodes(hashEmbed))).toEqual(rows.map((r) => r.id));
    const items = rows.map((r) => ({ id: r.id, vector: hashEmbed(r.text) }));
    for (const q of ['my garden soil', 'drum tempo']) {
      const res = await store.query({ queryEmbedding: hashEmbed(q), similarityTopK: 6, mode: VectorStoreQueryMode.DEFAULT });
      const want = bruteForce(hashEmbed(q), items, 6);
      expect(res.ids).toEqual(want.map((w) => w.id));
      res.similarities.forEach((s, i) => expect(s).toBeCloseTo(want[i]!.score, 5));
      res.nodes!.forEach((node, i) => {
        const r = rows.find((x) => x.id === res.ids[i])!;
        expect(node.id_).toBe(r.id);
        expect((node as TextNode).text).toBe(r.text);
        expect(node.metadata).toEqual(r.metadata);
        expect(node.sourceNode?.nodeId).toBe(r.doc);
      });
    }
    // docIds keeps the nodes of those source documents
    const byDoc = await store.query({ queryEmbedding: hashEmbed('x'), similarityTopK: 200, mode: VectorStoreQueryMode.DEFAULT, docIds: ['source-3'] });
    expect([...byDoc.ids].sort()).toEqual(rows.filter((r) => r.doc === 'source-3').map((r) => r.id).sort());
    await store.delete('source-3');
    expect(await database.count()).toBe(rows.length - byDoc.ids.length);
    expect(await database.count({ ref_doc_id: 'source-3' })).toBe(0);
    await expect(store.add([new TextNode({ text: 'no embedding' })])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.query({ queryStr: 'x', similarityTopK: 3, mode: VectorStoreQueryMode.MMR })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  test('HYBRID is our hybrid search (alpha = 1 − textWeight), SPARSE our BM25; the text is kept once, as the record’s text', async () => {
    const embedder = await createEmbedder();
    const database = await db({ embedder, storeText: true });
    const embedModel = new MiniVectorDBEmbedding(embedder);
    const store = new MiniVectorDBVectorStore({ db: database, embedModel });
    const vectors = await embedModel.getTextEmbeddings(rows.map((r) => r.text));
    const byText = new Map(rows.map((r, i) => [r.text, vectors[i]!]));
    await store.add(nodes((t) => byText.get(t)!));
    const stored = await database.get('doc-1');
    expect(stored?.text).toBe(rows[1]!.text);
    expect(JSON.parse(stored!.metadata!._node_content as string).text).toBe(''); // not held twice
    const queryStr = 'tomato compost';
    for (const alpha of [undefined, 0.25, 0.9]) {
      const res = await store.query({ queryStr, queryEmbedding: await embedModel.getTextEmbedding(queryStr), similarityTopK: 5, mode: VectorStoreQueryMode.HYBRID, alpha, filters: { filters: [{ key: 'n', operator: '<', value: 100 }] } });
      const want = await database.search(queryStr, { k: 5, mode: 'hybrid', filter: { n: { $lt: 100 } }, textWeight: alpha === undefined ? 0.5 : 1 - alpha });
      expect(res.ids).toEqual(want.map((h) => h.id));
      expect(res.similarities).toEqual(want.map((h) => h.score));
      expect((res.nodes![0] as TextNode).text).toBe(want[0]!.text);
    }
    const sparse = await store.query({ queryStr, similarityTopK: 5, mode: VectorStoreQueryMode.SPARSE });
    expect(sparse.ids).toEqual((await database.search(queryStr, { k: 5, mode: 'text' })).map((h) => h.id));
    expect(sparse.ids.length).toBeGreaterThan(0);
  });

  test('records not written by LlamaIndex (or with a broken _node_content) come back as TextNodes of their id, text and metadata', async () => {
    const database = await db({ dim: DIM, storeText: true });
    const store = new MiniVectorDBVectorStore({ db: database, embedder: await createEmbedder() });
    await database.insertMany([
      { id: 'plain', vector: hashEmbed('plain record'), text: 'plain record', metadata: { lang: 'en' } },
      { id: 'broken', vector: hashEmbed('broken record'), text: 'broken record', metadata: { _node_content: '{not json', lang: 'fr' } },
    ]);
    const res = await store.query({ queryEmbedding: hashEmbed('plain record'), similarityTopK: 2, mode: VectorStoreQueryMode.DEFAULT });
    expect(res.ids).toEqual(['plain', 'broken']);
    expect(res.nodes!.map((n) => [n.id_, (n as TextNode).text, n.metadata])).toEqual([
      ['plain', 'plain record', { lang: 'en' }],
      ['broken', 'broken record', { _node_content: '{not json', lang: 'fr' }],
    ]);
    expect(res.nodes!.every((n) => n instanceof TextNode)).toBe(true);
  });

  test('HYBRID on a database without a text index is a clear error', async () => {
    const store = new MiniVectorDBVectorStore({ db: await db({ dim: DIM }), embedder: await createEmbedder() });
    await expect(store.query({ queryStr: 'x', similarityTopK: 3, mode: VectorStoreQueryMode.HYBRID })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => new MiniVectorDBVectorStore({} as never)).toThrow(InvalidArgumentError);
  });
});
