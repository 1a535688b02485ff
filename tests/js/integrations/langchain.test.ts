/** minivectordb/langchain: the VectorStore against brute force, LangChain's own MMR, filters, deletes, a retrieval chain, save/load. */
import { Document } from '@langchain/core/documents';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda, RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { FakeChatModel } from '@langchain/core/utils/testing';
import { maximalMarginalRelevance } from '@langchain/core/utils/math';
import { createEmbedder, InvalidArgumentError, MiniVectorDB, type Filter } from 'minivectordb';
import { MiniVectorDBEmbeddings, MiniVectorDBStore } from 'minivectordb/langchain';
import { afterEach, describe, expect, test } from 'vitest';
import { bruteForce, corpus, DIM, HashEmbeddings, hashEmbed } from './fakes.js';

const docs = corpus().map((c) => new Document({ id: c.id, pageContent: c.text, metadata: c.metadata }));
const items = docs.map((d) => ({ id: d.id!, vector: hashEmbed(d.pageContent), meta: d.metadata }));
const opened: MiniVectorDB[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function hashStore(): Promise<MiniVectorDBStore> {
  const db = await MiniVectorDB.create({ dim: DIM, metric: 'cosine', storeText: true, efSearch: 256 });
  opened.push(db);
  const store = new MiniVectorDBStore(new HashEmbeddings(), { db });
  await store.addDocuments(docs);
  return store;
}

/** Ranked ids agree with the reference wherever the reference's scores are not (near-)tied. */
function expectRanking(got: [Document, number][], want: { id: string; score: number }[]): void {
  expect(got.length).toBe(want.length);
  got.forEach(([doc, score], i) => {
    expect(score).toBeCloseTo(want[i]!.score, 5);
    const tied = want.some((w, j) => j !== i && Math.abs(w.score - want[i]!.score) < 1e-5);
    if (!tied) expect(doc.id).toBe(want[i]!.id);
  });
}

describe('MiniVectorDBStore with LangChain embeddings', () => {
  test('similaritySearchVectorWithScore: the brute-force cosine ranking, scores are cosine similarities, documents round-trip', async () => {
    const store = await hashStore();
    for (const q of ['fix the bicycle brake', 'bread in the oven', 'router latency', 'zzz']) {
      const qv = hashEmbed(q);
      const got = await store.similaritySearchVectorWithScore(qv, 7);
      expectRanking(got as [Document, number][], bruteForce(qv, items, 7));
      for (const [doc] of got) {
        const src = docs.find((d) => d.id === doc.id)!;
        expect(doc.pageContent).toBe(src.pageContent);
        expect(doc.metadata).toEqual(src.metadata);
      }
    }
  });

  test('filters are ours (FilterType = Filter) and applied inside the search', async () => {
    const store = await hashStore();
    const cases: [Filter, (m: (typeof items)[number]['meta']) => boolean][] = [
      [{ topic: 'garden' }, (m) => m.topic === 'garden'],
      [{ n: { $gte: 30, $lt: 60 }, even: true }, (m) => m.n >= 30 && m.n < 60 && m.even],
      [{ $or: [{ tags: 'fizz' }, { topic: { $in: ['music', 'network'] } }] }, (m) => m.tags.includes('fizz') || ['music', 'network'].includes(m.topic)],
    ];
    for (const [filter, keep] of cases) {
      const qv = hashEmbed('the gear of my bicycle');
      const got = await store.similaritySearchVectorWithScore(qv, 5, filter);
      expectRanking(got as [Document, number][], bruteForce(qv, items.filter((it) => keep(it.meta)), 5));
      // similaritySearch (text → embeddings → vector) gives the same documents
      expect((await store.similaritySearch('the gear of my bicycle', 5, filter)).map((d) => d.id)).toEqual(got.map(([d]) => d.id));
    }
  });

  test('maxMarginalRelevanceSearch equals LangChain’s maximalMarginalRelevance over the brute-force fetchK; lambda 1 is the similarity order', async () => {
    const store = await hashStore();
    const q = 'tomato seeds and compost for the garden';
    const qv = hashEmbed(q);
    for (const lambda of [0.2, 0.5]) {
      const top = bruteForce(qv, items, 20);
      const ref = maximalMarginalRelevance(qv, top.map((t) => items.find((it) => it.id === t.id)!.vector), lambda, 5).map((i) => top[i]!.id);
      const got = await store.maxMarginalRelevanceSearch(q, { k: 5, fetchK: 20, lambda }, undefined);
      expect(got.map((d) => d.id)).toEqual(ref);
    }
    const plain = await store.similaritySearch(q, 5);
    expect((await store.maxMarginalRelevanceSearch(q, { k: 5, fetchK: 20, lambda: 1 }, undefined)).map((d) => d.id)).toEqual(plain.map((d) => d.id));
    // MMR with a filter only picks matching documents
    const filtered = await store.maxMarginalRelevanceSearch(q, { k: 4, fetchK: 10, filter: { even: false } }, undefined);
    expect(filtered).toHaveLength(4);
    expect(filtered.every((d) => d.metadata.even === false)).toBe(true);
  });

  test('delete by ids and by filter; addVectors with ids; upsert by id', async () => {
    const store = await hashStore();
    await store.delete({ ids: ['doc-0', 'doc-1'] });
    expect(await store.db.count()).toBe(items.length - 2);
    expect(await store.db.get('doc-0')).toBeUndefined();
    await store.delete({ filter: { topic: 'music' } });
    expect(await store.db.count({ topic: 'music' })).toBe(0);
    expect(await store.db.count()).toBe(items.length - 2 - items.filter((it) => it.meta.topic === 'music' && !['doc-0', 'doc-1'].includes(it.id)).length);
    await expect(store.delete({})).rejects.toBeInstanceOf(InvalidArgumentError);
    const ids = await store.addVectors([hashEmbed('x'), hashEmbed('y')], [new Document({ pageContent: 'x' }), new Document({ pageContent: 'y' })], { ids: ['x', 'doc-5'] });
    expect(ids).toEqual(['x', 'doc-5']);
    expect((await store.db.get('doc-5'))?.text).toBe('y');
    const generated = await store.addDocuments([new Document({ pageContent: 'no id' })]);
    expect(generated[0]).toMatch(/^[0-9a-f-]{36}$/);
    await expect(store.addVectors([hashEmbed('x')], [])).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  test('fromTexts creates a cosine database of the embeddings’ dimension; save and load through a storage URL', async () => {
    const store = await MiniVectorDBStore.fromTexts(['red apple', 'green pear', 'blue sky'], [{ k: 1 }, { k: 2 }, { k: 3 }], new HashEmbeddings());
    opened.push(store.db as MiniVectorDB);
    expect(store.db.dim).toBe(DIM);
    expect(store.db.metric).toBe('cosine');
    const before = await store.similaritySearchWithScore('an apple', 3);
    await store.save('memory://langchain-test');
    const loaded = await MiniVectorDBStore.load('memory://langchain-test', new HashEmbeddings());
    opened.push(loaded.db as MiniVectorDB);
    expect(await loaded.similaritySearchWithScore('an apple', 3)).toEqual(before);
    expect(before[0]![0].pageContent).toBe('red apple');
  });
});

describe('MiniVectorDBStore with our embedders', () => {
  test('no embeddings: the database embeds documents and queries (wordnet-256), as db.search does; MMR needs embeddings', async () => {
    const store = await MiniVectorDBStore.fromDocuments(docs.slice(0, 40), undefined);
    opened.push(store.db as MiniVectorDB);
    expect(store.db.stats().embedder).toBe('wordnet-256');
    const q = 'repair the brake of a bike';
    const direct = await store.db.search(q, { k: 4, mode: 'vector', filter: { even: true } });
    const got = await store.similaritySearchWithScore(q, 4, { even: true });
    expect(got.map(([d, s]) => [d.id, s])).toEqual(direct.map((h) => [h.id, h.score]));
    expect(got[0]![0].metadata.topic).toBe('bicycle');
    await expect(store.maxMarginalRelevanceSearch(q, { k: 2 }, undefined)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  test('an Embedder as embeddings: the same vectors as the database’s own; MiniVectorDBEmbeddings returns them as number[]', async () => {
    const embedder = await createEmbedder();
    const store = await MiniVectorDBStore.fromDocuments(docs.slice(0, 40), embedder);
    opened.push(store.db as MiniVectorDB);
    const q = 'a new guitar chord';
    const direct = await store.db.search(q, { k: 5, mode: 'vector' });
    expect((await store.similaritySearch(q, 5)).map((d) => d.id)).toEqual(direct.map((h) => h.id));
    const lc = new MiniVectorDBEmbeddings(embedder);
    const [v] = await embedder.embed([q]);
    expect(await lc.embedQuery(q)).toEqual(Array.from(v!));
    expect(await lc.embedDocuments([q, q])).toEqual([Array.from(v!), Array.from(v!)]);
    const mmr = await store.maxMarginalRelevanceSearch(q, { k: 3, fetchK: 10 }, undefined);
    expect(mmr).toHaveLength(3);
  });
});

describe('over a database in a worker', () => {
  test('the store on a WorkerMiniVectorDB answers as on the page (one database interface)', async () => {
    const page = await hashStore();
    const worker = await MiniVectorDB.createInWorker({ dim: DIM, metric: 'cosine', storeText: true, efSearch: 256 });
    try {
      const store = new MiniVectorDBStore(new HashEmbeddings(), { db: worker });
      await store.addDocuments(docs);
      for (const [q, filter] of [['the gear of my bicycle', undefined], ['oven', { even: true }]] as const) {
        expect(await store.similaritySearchWithScore(q, 5, filter)).toEqual(await page.similaritySearchWithScore(q, 5, filter));
        expect((await store.maxMarginalRelevanceSearch(q, { k: 3, filter }, undefined)).map((d) => d.id)).toEqual((await page.maxMarginalRelevanceSearch(q, { k: 3, filter }, undefined)).map((d) => d.id));
      }
      await store.delete({ filter: { topic: 'music' } });
      expect(worker.size).toBe(docs.length - docs.filter((d) => d.metadata.topic === 'music').length);
    } finally {
      await worker.close();
    }
  });
});

describe('asRetriever in a chain', () => {
  test('retriever → format documents → prompt → chat model (FakeChatModel echoes the prompt): the context is the top documents', async () => {
    const store = await hashStore();
    const retriever = store.asRetriever({ k: 3, filter: { topic: 'kitchen' } });
    const format = RunnableLambda.from((ds: Document[]) => ds.map((d) => `- ${d.pageContent}`).join('\n'));
    const prompt = ChatPromptTemplate.fromMessages([['human', 'Context:\n{context}\n\nQuestion: {question}']]);
    const chain = RunnableSequence.from([{ context: retriever.pipe(format), question: new RunnablePassthrough() }, prompt, new FakeChatModel({}), new StringOutputParser()]);
    const question = 'how long do I bake bread in the oven';
    const answer = await chain.invoke(question);
    const top = await store.similaritySearch(question, 3, { topic: 'kitchen' });
    expect(top).toHaveLength(3);
    expect(answer).toBe(`Context:\n${top.map((d) => `- ${d.pageContent}`).join('\n')}\n\nQuestion: ${question}`);
    const mmrRetriever = store.asRetriever({ k: 2, searchType: 'mmr', searchKwargs: { fetchK: 10, lambda: 0.5 } });
    expect((await mmrRetriever.invoke(question)).map((d) => d.id)).toEqual((await store.maxMarginalRelevanceSearch(question, { k: 2, fetchK: 10, lambda: 0.5 }, undefined)).map((d) => d.id));
  });
});
