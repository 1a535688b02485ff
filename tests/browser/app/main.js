// The page the Chromium tests drive: it imports the built package (bundled by
// Vite, so the .wasm, the onnxruntime files and the default model are found
// through new URL(…, import.meta.url) the way users' apps find them) and
// exposes the specs on window.specs (those of the database in a worker come
// from worker-specs.js). The references (reference.js: PRNG, brute force)
// share no code with the library.
import { MiniVectorDB } from 'minivectordb';
import { imageStats } from '../../shared/image-stats.mjs';
import { bruteForce, DOCS, hitsOf, randomVectors } from './reference.js';
import { workerSpecs } from './worker-specs.js';
import { imageSpecs } from './image-specs.js';

const DIM = 32;
const N = 2000;
const K = 10;
const data = () => randomVectors(N, DIM, 7);
const queries = () => randomVectors(50, DIM, 8);

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

  /** Builds a database at idb://name (on the page, or in a worker), saves it, returns its answers. */
  async idbSave(name, inWorker = false) {
    const options = { dim: DIM, metric: 'l2', storage: `idb://${name}` };
    const db = inWorker ? await MiniVectorDB.createInWorker(options) : await MiniVectorDB.create(options);
    await insertData(db);
    await db.delete('v3');
    await db.save();
    const results = [];
    for (const q of queries()) results.push(hitsOf(await db.search(q, { k: K })));
    await db.close();
    return { results, saved: await MiniVectorDB.listSaved('idb://') };
  },

  /** Opens idb://name (after a reload; on the page, or in a worker) and returns its answers. */
  /**
   * Writes through the write-ahead log and never closes or saves: the page
   * reload that follows is the crash. 'relaxed' waits past its 50 ms group commit.
   */
  async idbLogged(name, durability) {
    const db = await MiniVectorDB.create({ dim: DIM, metric: 'l2', storage: `idb://${name}`, durability });
    await insertData(db); // the first write of a new database: its first checkpoint
    await db.delete('v3'); // log records from here on
    await db.insert({ id: 'extra', vector: data()[7] });
    if (durability === 'relaxed') await new Promise((resolve) => setTimeout(resolve, 250));
    const results = [];
    for (const q of queries()) results.push(hitsOf(await db.search(q, { k: K })));
    window.keptOpen = db;
    return { results, size: await db.count() };
  },
  async idbOpen(name, inWorker = false) {
    const db = inWorker ? await MiniVectorDB.openInWorker(`idb://${name}`) : await MiniVectorDB.open(`idb://${name}`);
    const results = [];
    for (const q of queries()) results.push(hitsOf(await db.search(q, { k: K })));
    const out = { results, size: await db.count(), hasDeleted: (await db.get('v3')) !== undefined, saved: await MiniVectorDB.listSaved('idb://') };
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
    const docs = DOCS;
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
Object.assign(window.specs, workerSpecs, imageSpecs);
document.getElementById('title').textContent = 'ready';
window.specsReady = true;
