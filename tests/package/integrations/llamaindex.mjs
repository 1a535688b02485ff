// The README's LlamaIndex snippet.
import { createEmbedder, MiniVectorDB } from 'minivectordb';
import { MiniVectorDBVectorStore } from 'minivectordb/llamaindex';
import { TextNode } from '@llamaindex/core/schema';
import { VectorStoreQueryMode } from '@llamaindex/core/vector-store';

// --- README snippet: begin
const embedder = await createEmbedder(); // wordnet-256; any Embedder works
const db = await MiniVectorDB.create({ embedder, storeText: true });
const store = new MiniVectorDBVectorStore({ db, embedder });
const texts = ['Tighten the chain of a bicycle', 'Bake bread in a hot oven', 'Pump the tyres of your bike', 'Water the tomatoes at dawn'];
const vectors = await store.embedModel.getTextEmbeddings(texts);
await store.add(texts.map((text, i) => new TextNode({ id_: `n${i}`, text, metadata: { year: 2020 + i }, embedding: vectors[i] })));
const queryStr = 'fix my bike';
const result = await store.query({
  queryStr,
  queryEmbedding: await store.embedModel.getTextEmbedding(queryStr),
  similarityTopK: 2,
  mode: VectorStoreQueryMode.HYBRID,
  filters: { filters: [{ key: 'year', operator: '>=', value: 2021 }] },
});
// --- README snippet: end

const direct = await db.search(queryStr, { k: 2, mode: 'hybrid', filter: { year: { $gte: 2021 } } });
process.stdout.write(JSON.stringify({ ids: result.ids, texts: result.nodes.map((n) => n.text), directIds: direct.map((h) => h.id), similarities: result.similarities, directScores: direct.map((h) => h.score) }));
await db.close();
