// What every bundled consumer app runs with the installed package (Vite,
// webpack, Next.js client component): vectors (exact k-NN) and text with the
// default model, on the page and in the package's own module Worker
// (createInWorker), which must find the core .wasm and the model by itself.
// The test compares the answers with references computed in Node.
import { MiniVectorDB } from 'minivectordb';
import { docs, knnData, textQuery } from './data.js';

async function vectorsAndText(db, textDb, phases) {
  const { items, queries, k } = knnData();
  await db.insertMany(items.map((it) => ({ id: it.id, vector: new Float32Array(it.vector) })));
  const knn = [];
  for (const q of queries) knn.push((await db.search(new Float32Array(q), { k, exact: true })).map((h) => h.id));
  await textDb.insertMany(docs, phases ? { onProgress: (_done, _total, phase) => phases.add(phase) } : {});
  const hits = await textDb.search(textQuery, { k: docs.length });
  const out = { knn, hits: hits.map((h) => h.id), scores: hits.map((h) => h.score), dim: textDb.dim, size: db.size };
  await Promise.all([db.close(), textDb.close()]);
  return out;
}

export async function run() {
  const page = await vectorsAndText(await MiniVectorDB.create({ dim: 8, metric: 'l2' }), await MiniVectorDB.create());
  const phases = new Set();
  const worker = await vectorsAndText(await MiniVectorDB.createInWorker({ dim: 8, metric: 'l2' }), await MiniVectorDB.createInWorker(), phases);
  return { page, worker: { ...worker, phases: [...phases].sort() } };
}
