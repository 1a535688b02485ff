// Runs inside a fresh consumer project against the INSTALLED package (ESM or
// CommonJS entry passes its MiniVectorDB and DimensionMismatchError in). The reference (PRNG, brute
// force) shares no code with the library. Prints one JSON line.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bruteForceIds(data, q, k) {
  return data
    .map((v, i) => ({ i, d: v.reduce((s, x, j) => s + (x - q[j]) ** 2, 0) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, k)
    .map((h) => `v${h.i}`);
}

async function run(MiniVectorDB, DimensionMismatchError, openInWorker = (url) => MiniVectorDB.openInWorker(url)) {
  const rng = mulberry32(11);
  const dim = 16;
  const data = Array.from({ length: 500 }, () => Float32Array.from({ length: dim }, () => rng() * 2 - 1));
  const queries = Array.from({ length: 10 }, () => Float32Array.from({ length: dim }, () => rng() * 2 - 1));
  const dir = mkdtempSync(join(tmpdir(), 'mvdb-consumer-'));
  const url = pathToFileURL(join(dir, 'db.mvdb')).href;
  try {
    const db = await MiniVectorDB.create({ dim, metric: 'l2', storage: url });
    await db.insertMany(data.map((vector, i) => ({ id: `v${i}`, vector, metadata: { even: i % 2 === 0 } })));
    const exact = [];
    const hnsw = [];
    for (const q of queries) {
      exact.push((await db.search(q, { k: 5, exact: true })).map((h) => h.id));
      hnsw.push(await db.search(q, { k: 5, filter: { even: true } }));
    }
    await db.save();
    await db.close();
    const again = await MiniVectorDB.open(url);
    const reopened = [];
    for (const q of queries) reopened.push(await again.search(q, { k: 5, filter: { even: true } }));
    const saved = await MiniVectorDB.listSaved(pathToFileURL(dir).href + '/');
    const size = again.size;
    await again.close();

    const text = await MiniVectorDB.create();
    await text.insertMany([
      { id: 'bike', text: 'repairing a bike' },
      { id: 'bread', text: 'baking bread' },
      { id: 'tax', text: 'filing income taxes' },
    ]);
    const textHits = (await text.search('how do I fix my bicycle', { k: 3 })).map((h) => h.id);
    const textInfo = { dim: text.dim, metric: text.metric };
    await text.close();

    // The same database in a worker_threads worker (createInWorker), opened
    // from the file saved above: the same filtered answers.
    const inWorker = await openInWorker(url);
    const workerSize = inWorker.size; // synchronous, as on the page
    const workerHits = [];
    for (const q of queries) workerHits.push(await inWorker.search(q, { k: 5, filter: { even: true } }));
    let workerError = '';
    try {
      await inWorker.search([1, 2, 3]);
    } catch (e) {
      workerError = `${e instanceof DimensionMismatchError}:${e.code}:${e.expected}:${e.actual}`;
    }
    await inWorker.close();

    return {
      sameInWorker: JSON.stringify(workerHits) === JSON.stringify(hnsw),
      workerSize,
      workerError,
      size,
      saved,
      url,
      exact,
      truth: queries.map((q) => bruteForceIds(data, q, 5)),
      filteredAllEven: hnsw.flat().every((h) => h.metadata.even === true),
      sameAfterOpen: JSON.stringify(reopened) === JSON.stringify(hnsw),
      textHits,
      textInfo,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run };
