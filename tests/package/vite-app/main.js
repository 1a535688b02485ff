// A plain Vite app using the installed package: no plugin, no copy step;
// on the page and in the package's module Worker (createInWorker).
import { MiniVectorDB } from 'minivectordb';

async function main() {
  const vectors = await MiniVectorDB.create({ dim: 3 });
  await vectors.insertMany([
    { id: 'x', vector: [1, 0, 0] },
    { id: 'y', vector: [0, 1, 0] },
    { id: 'z', vector: [0, 0, 1] },
  ]);
  const nearest = (await vectors.search([0.1, 0.9, 0.2], { k: 1 }))[0].id;

  const db = await MiniVectorDB.create();
  await db.insertMany([
    { id: 'bike', text: 'repairing a bike' },
    { id: 'bread', text: 'baking bread' },
    { id: 'tax', text: 'filing income taxes' },
  ]);
  const hits = await db.search('how do I fix my bicycle', { k: 3 });

  // The same in a module Worker started by the package itself: the worker
  // must find the core .wasm and the default model on its own.
  const inWorker = await MiniVectorDB.createInWorker();
  const phases = new Set();
  await inWorker.insertMany(
    [
      { id: 'bike', text: 'repairing a bike' },
      { id: 'bread', text: 'baking bread' },
      { id: 'tax', text: 'filing income taxes' },
    ],
    { onProgress: (_done, _total, phase) => phases.add(phase) },
  );
  const workerHits = await inWorker.search('how do I fix my bicycle', { k: 3 });
  const vectorsInWorker = await MiniVectorDB.createInWorker({ dim: 3 });
  await vectorsInWorker.insertMany([
    { id: 'x', vector: new Float32Array([1, 0, 0]) },
    { id: 'y', vector: new Float32Array([0, 1, 0]) },
  ]);
  const workerNearest = (await vectorsInWorker.search(new Float32Array([0.1, 0.9, 0.2]), { k: 1 }))[0].id;
  const worker = { hits: workerHits.map((h) => h.id), scores: workerHits.map((h) => h.score), phases: [...phases].sort(), dim: inWorker.dim, nearest: workerNearest };
  await Promise.all([inWorker.close(), vectorsInWorker.close()]);
  document.getElementById('hits').replaceChildren(...hits.map((h) => Object.assign(document.createElement('li'), { textContent: `${h.id} ${h.score.toFixed(3)}` })));
  document.getElementById('status').textContent = 'done';
  return { nearest, hits: hits.map((h) => h.id), scores: hits.map((h) => h.score), dim: db.dim, worker };
}

window.result = main().catch((e) => ({ error: String(e && e.stack ? e.stack : e) }));
