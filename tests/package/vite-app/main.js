// A plain Vite app using the installed package: no plugin, no copy step.
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
  document.getElementById('hits').replaceChildren(...hits.map((h) => Object.assign(document.createElement('li'), { textContent: `${h.id} ${h.score.toFixed(3)}` })));
  document.getElementById('status').textContent = 'done';
  return { nearest, hits: hits.map((h) => h.id), dim: db.dim };
}

window.result = main().catch((e) => ({ error: String(e && e.stack ? e.stack : e) }));
