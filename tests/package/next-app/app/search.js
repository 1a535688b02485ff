'use client';
// A client component using the installed package in the browser: vectors
// and text with the default model, on the page and in the package's own
// module Worker. Reports to window.result for the test.
import { useEffect, useState } from 'react';
import { MiniVectorDB } from 'minivectordb';

const docs = [
  { id: 'bike', text: 'repairing a bike' },
  { id: 'bread', text: 'baking bread' },
  { id: 'tax', text: 'filing income taxes' },
];

async function run() {
  const vectors = await MiniVectorDB.create({ dim: 3 });
  await vectors.insertMany([
    { id: 'x', vector: [1, 0, 0] },
    { id: 'y', vector: [0, 1, 0] },
    { id: 'z', vector: [0, 0, 1] },
  ]);
  const nearest = (await vectors.search([0.1, 0.9, 0.2], { k: 1 }))[0].id;
  const db = await MiniVectorDB.create();
  await db.insertMany(docs);
  const hits = await db.search('how do I fix my bicycle', { k: 3 });
  const inWorker = await MiniVectorDB.createInWorker();
  const phases = new Set();
  await inWorker.insertMany(docs, { onProgress: (_done, _total, phase) => phases.add(phase) });
  const workerHits = await inWorker.search('how do I fix my bicycle', { k: 3 });
  const vectorsInWorker = await MiniVectorDB.createInWorker({ dim: 3 });
  await vectorsInWorker.insertMany([
    { id: 'x', vector: new Float32Array([1, 0, 0]) },
    { id: 'y', vector: new Float32Array([0, 1, 0]) },
  ]);
  const workerNearest = (await vectorsInWorker.search(new Float32Array([0.1, 0.9, 0.2]), { k: 1 }))[0].id;
  const worker = { hits: workerHits.map((h) => h.id), scores: workerHits.map((h) => h.score), phases: [...phases].sort(), dim: inWorker.dim, nearest: workerNearest };
  await Promise.all([inWorker.close(), vectorsInWorker.close()]);
  return { nearest, hits: hits.map((h) => h.id), scores: hits.map((h) => h.score), dim: db.dim, worker };
}

export default function Search() {
  const [status, setStatus] = useState('loading…');
  useEffect(() => {
    window.result = run()
      .then((r) => (setStatus('done'), r))
      .catch((e) => (setStatus('failed'), { error: String(e && e.stack ? e.stack : e) }));
  }, []);
  return <h1 id="status">{status}</h1>;
}
