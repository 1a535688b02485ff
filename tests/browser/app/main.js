// The page the Chromium tests drive: it imports the built package (bundled by
// Vite, so the .wasm, the onnxruntime files and the default model are found
// through new URL(…, import.meta.url) the way users' apps find them) and
// exposes the specs on window.specs. The references here (PRNG, brute force)
// share no code with the library.
import { MiniVectorDB } from 'minivectordb';
import { imageStats } from '../../shared/image-stats.mjs';
import { mulberry32 } from '../../shared/prng.mjs';


/** n vectors with values uniform in [-1, 1). */
function randomVectors(n, dim, seed) {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => rng() * 2 - 1));
}

/** Exact top-k by squared L2 in float64: [{ index, distance }], ties by index. */
function bruteForce(data, q, k) {
  const all = data.map((v, index) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += (v[i] - q[i]) ** 2;
    return { index, distance: s };
  });
  all.sort((a, b) => a.distance - b.distance || a.index - b.index);
  return all.slice(0, k);
}

const DIM = 32;
const N = 2000;
const K = 10;
const data = () => randomVectors(N, DIM, 7);
const queries = () => randomVectors(50, DIM, 8);
const hitsOf = (hits) => hits.map((h) => ({ id: h.id, distance: h.distance }));

function render(title, rows) {
  document.getElementById('title').textContent = title;
  const table = document.createElement('table');
  const cols = Object.keys(rows[0] ?? {});
  table.innerHTML = `<tr>${cols.map((c) => `<th>${c}</th>`).join('')}</tr>`;
  for (const r of rows) {
    const tr = table.insertRow();
    for (const c of cols) tr.insertCell().textContent = typeof r[c] === 'number' && !Number.isInteger(r[c]) ? r[c].toFixed(4) : String(r[c]);
  }
  document.getElementById('results').replaceChildren(table);
}

async function insertData(db) {
  return db.insertMany(data().map((vector, i) => ({ id: `v${i}`, vector })));
}

window.specs = {
  /** Exact and HNSW search against the in-page brute force. */
  async vectors() {
    const db = await MiniVectorDB.create({ dim: DIM, metric: 'l2' });
    const inserted = await insertData(db);
    const base = data();
    const out = { inserted, size: db.size, truth: [], exact: [], hnsw: [] };
    for (const q of queries()) {
      out.truth.push(bruteForce(base, q, K).map((h) => ({ id: `v${h.index}`, distance: h.distance })));
      out.exact.push(hitsOf(await db.search(q, { k: K, exact: true })));
      out.hnsw.push(hitsOf(await db.search(q, { k: K })));
    }
    await db.close();
    render('vectors: exact and HNSW', out.hnsw[0].map((h, i) => ({ rank: i + 1, hnsw: h.id, exact: out.exact[0][i].id })));
    return out;
  },

  /** Builds a database at idb://name, saves it, returns its answers. */
  async idbSave(name) {
    const db = await MiniVectorDB.create({ dim: DIM, metric: 'l2', storage: `idb://${name}` });
    await insertData(db);
    await db.delete('v3');
    await db.save();
    const results = [];
    for (const q of queries()) results.push(hitsOf(await db.search(q, { k: K })));
    await db.close();
    return { results, saved: await MiniVectorDB.listSaved('idb://') };
  },

  /** Opens idb://name (after a reload) and returns its answers. */
  async idbOpen(name) {
    const db = await MiniVectorDB.open(`idb://${name}`);
    const results = [];
    for (const q of queries()) results.push(hitsOf(await db.search(q, { k: K })));
    const out = { results, size: db.size, hasDeleted: (await db.get('v3')) !== undefined, saved: await MiniVectorDB.listSaved('idb://') };
    await db.close();
    return out;
  },

  /** Removes idb://name; then opening it must fail. */
  async idbRemove(name) {
    const removed = await MiniVectorDB.removeSaved(`idb://${name}`);
    const again = await MiniVectorDB.removeSaved(`idb://${name}`);
    let openError = '';
    try {
      await MiniVectorDB.open(`idb://${name}`);
    } catch (e) {
      openError = `${e.name}: ${e.code}`;
    }
    return { removed, again, openError, saved: await MiniVectorDB.listSaved('idb://') };
  },

  /** The default text model, no options at all. */
  async text() {
    const db = await MiniVectorDB.create();
    const docs = [
      { id: 'bike', text: 'repairing a bike' },
      { id: 'bread', text: 'baking bread' },
      { id: 'tax', text: 'filing income taxes' },
      { id: 'garden', text: 'planting tomatoes in the garden' },
      { id: 'music', text: 'learning to play the piano' },
    ];
    await db.insertMany(docs);
    const hits = await db.search('how do I fix my bicycle', { k: docs.length });
    const text = Object.fromEntries(docs.map((d) => [d.id, d.text]));
    render('search: how do I fix my bicycle', hits.map((h, i) => ({ rank: i + 1, id: h.id, text: text[h.id], score: h.score })));
    const out = { dim: db.dim, metric: db.metric, hits: hits.map((h) => ({ id: h.id, score: h.score })) };
    await db.close();
    return out;
  },

  imageStats,
};
document.getElementById('title').textContent = 'ready';
window.specsReady = true;
