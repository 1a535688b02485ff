// Specs of the database in a module Worker (MiniVectorDB.createInWorker):
// the same operations on a main-thread instance are the reference, plus the
// brute force of reference.js.
import { ClosedError, DimensionMismatchError, InvalidArgumentError, MiniVectorDB, MiniVectorDBError, StorageError, TimeoutError } from 'minivectordb';
import { bruteForce, DOCS, hitsOf, randomVectors } from './reference.js';

const DIM = 32;
const K = 10;
const data = () => randomVectors(1500, DIM, 31);
const queries = () => randomVectors(30, DIM, 32);
const items = () => data().map((vector, i) => ({ id: `w${i}`, vector, metadata: { odd: i % 2 === 1 } }));
const scored = (hits) => hits.map((h) => ({ id: h.id, score: h.score }));

/** Runs the same calls on `db`; returns every answer. */
async function answers(db) {
  const out = { hnsw: [], exact: [], filtered: [] };
  for (const q of queries()) {
    out.hnsw.push(hitsOf(await db.search(q, { k: K })));
    out.exact.push(hitsOf(await db.search(q, { k: K, exact: true })));
    out.filtered.push(hitsOf(await db.search(Array.from(q), { k: K, filter: { odd: true } })));
  }
  out.batch = (await db.searchBatch(queries(), { k: K })).map(hitsOf);
  out.count = await db.count();
  out.odd = await db.count({ odd: true });
  const rec = await db.get('w5');
  out.get = { id: rec.id, vector: Array.from(rec.vector), metadata: rec.metadata };
  return out;
}

/** Why a call failed, as plain data (class checks done here, in the page). */
async function failure(fn, cls) {
  try {
    await fn();
    return { threw: false };
  } catch (e) {
    return { threw: true, name: e.name, code: e.code, isClass: e instanceof cls, isBase: e instanceof MiniVectorDBError, expected: e.expected, actual: e.actual, message: e.message };
  }
}

export const workerSpecs = {
  /** Vectors and texts in the worker vs the same on this thread (same seed) and the brute force. */
  async workerVectors() {
    const worker = await MiniVectorDB.createInWorker({ dim: DIM, seed: 3 });
    const main = await MiniVectorDB.create({ dim: DIM, seed: 3 });
    const progress = [];
    const input = items();
    const inserted = await worker.insertMany(input, { onProgress: (done, total, phase) => progress.push([done, total, phase]) });
    await main.insertMany(items());
    const truth = queries().map((q) => bruteForce(data(), q, K).map((h) => ({ id: `w${h.index}`, distance: h.distance })));
    const out = { inserted, progress, callerVectorLength: input[0].vector.length, worker: await answers(worker), main: await answers(main), truth };
    out.dimMetric = [worker.dim, worker.metric];
    await Promise.all([worker.close(), main.close()]);

    const textWorker = await MiniVectorDB.createInWorker({ storeText: true });
    const textMain = await MiniVectorDB.create({ storeText: true });
    const textProgress = [];
    await textWorker.insertMany(DOCS, { onProgress: (done, total, phase) => textProgress.push([done, total, phase]) });
    await textMain.insertMany(DOCS);
    const query = 'how do I fix my bicycle';
    out.text = {
      progress: textProgress,
      dim: textWorker.dim,
      worker: scored(await textWorker.search(query, { k: DOCS.length })),
      main: scored(await textMain.search(query, { k: DOCS.length })),
      stored: (await textWorker.get('bike')).text,
    };
    await Promise.all([textWorker.close(), textMain.close()]);
    return out;
  },

  /** A worker started by the page (self-hosted script importing minivectordb/worker-host), passed as { worker }. */
  async ownWorker() {
    const worker = new Worker(new URL('./db-worker.js', import.meta.url), { type: 'module' });
    const db = await MiniVectorDB.createInWorker({ dim: DIM, worker });
    await db.insertMany(items());
    const hits = [];
    for (const q of queries()) hits.push(hitsOf(await db.search(q, { k: K, exact: true })));
    const error = await failure(() => db.search([1, 2]), DimensionMismatchError);
    await db.close();
    const truth = queries().map((q) => bruteForce(data(), q, K).map((h) => ({ id: `w${h.index}`, distance: h.distance })));
    return { hits, truth, error };
  },

  /** Typed errors thrown in the worker, re-created on this thread. */
  async workerErrors() {
    const db = await MiniVectorDB.createInWorker({ dim: 4 });
    await db.insert({ id: 'a', vector: [1, 2, 3, 4] });
    const out = {
      dimension: await failure(() => db.insert({ id: 'b', vector: [1, 2, 3] }), DimensionMismatchError),
      nan: await failure(() => db.search([1, Number.NaN, 0, 0]), InvalidArgumentError),
      k: await failure(() => db.search([1, 0, 0, 0], { k: 0 }), InvalidArgumentError),
      badFilter: await failure(() => db.count({ x: { $gt: [1] } }), InvalidArgumentError),
      uncloneable: await failure(() => db.insert({ id: 'c', vector: [1, 0, 0, 0], metadata: { f: () => 1 } }), InvalidArgumentError),
      storage: await failure(() => db.save('nope://x'), StorageError),
      openMissing: await failure(() => MiniVectorDB.openInWorker('idb://never-saved'), StorageError),
      logger: await failure(() => MiniVectorDB.createInWorker({ dim: 2, logger: console }), InvalidArgumentError),
      badOption: await failure(() => MiniVectorDB.createInWorker({ dim: 2, colour: 'red' }), InvalidArgumentError),
      missingWorker: await failure(() => MiniVectorDB.createInWorker({ dim: 2, worker: '/no-such-worker.js' }), MiniVectorDBError),
      count: await db.count(),
    };
    await db.close();
    out.closed = await failure(() => db.search([1, 0, 0, 0]), ClosedError);
    return out;
  },

  /** An onProgress that throws (worker and page alike) and a worker that never answers. */
  async robustness() {
    // An onProgress that throws: the insert goes on, in a module Worker as on this page.
    const throwing = () => {
      throw new Error('progress bar broke');
    };
    const worker = await MiniVectorDB.createInWorker({ dim: DIM });
    const main = await MiniVectorDB.create({ dim: DIM });
    const results = [await worker.insertMany(items(), { onProgress: throwing }), await main.insertMany(items(), { onProgress: throwing })];
    const counts = [await worker.count(), await main.count()];
    await Promise.all([worker.close(), main.close()]);
    // A module worker that loads but never answers: TimeoutError after workerTimeoutMs.
    const silent = new Worker(URL.createObjectURL(new Blob(['/* never answers */'], { type: 'text/javascript' })), { type: 'module' });
    const started = performance.now();
    let timeout;
    try {
      await MiniVectorDB.createInWorker({ dim: DIM, worker: silent, workerTimeoutMs: 300 });
      timeout = { threw: false };
    } catch (e) {
      timeout = { threw: true, isClass: e instanceof TimeoutError, name: e.name, code: e.code, timeoutMs: e.timeoutMs, waitedMs: performance.now() - started };
    }
    return { results, counts, timeout };
  },

  /**
   * A timer ticking every 10 ms on this thread while insertMany(n vectors)
   * runs: in a worker, then (the control) on this thread. Counts the ticks
   * that ran between the call and its result, and the longest gap.
   */
  async responsiveness(n) {
    const vectors = randomVectors(n, DIM, 41).map((vector, i) => ({ id: `r${i}`, vector }));
    async function during(db) {
      let ticks = 0;
      let last = performance.now();
      let maxGapMs = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        maxGapMs = Math.max(maxGapMs, now - last);
        last = now;
        ticks++;
      }, 10);
      await new Promise((ok) => setTimeout(ok, 100)); // the timer is running
      let progressCalls = 0;
      const before = ticks;
      const start = performance.now();
      last = start;
      maxGapMs = 0;
      await db.insertMany(vectors, { onProgress: () => progressCalls++ });
      maxGapMs = Math.max(maxGapMs, performance.now() - last); // the gap still open at the end
      const result = { ticks: ticks - before, ms: performance.now() - start, maxGapMs, progressCalls, count: await db.count() };
      clearInterval(timer);
      await db.close();
      return result;
    }
    const options = { dim: DIM, efConstruction: 100 };
    return { worker: await during(await MiniVectorDB.createInWorker(options)), main: await during(await MiniVectorDB.create(options)) };
  },

  /**
   * AbortSignal through the module Worker: an insertMany aborted from its
   * progress callback (the abort crosses as a message) keeps nothing, in
   * IndexedDB's write-ahead log either; compact and open aborted; save's
   * progress reaches the page.
   */
  async workerAbort() {
    const url = `idb://abort-${Date.now()}`;
    const db = await MiniVectorDB.createInWorker({ dim: 16, efConstruction: 16, storage: url, durability: 'strict' });
    await db.insertMany(randomVectors(10, 16, 41).map((vector, i) => ({ id: `b${i}`, vector })));
    await db.delete('b0');
    const ac = new AbortController();
    const done = [];
    let error;
    try {
      await db.insertMany(
        randomVectors(16384, 16, 42).map((vector, i) => ({ id: `n${i}`, vector })),
        { signal: ac.signal, onProgress: (d) => { done.push(d); ac.abort(); } },
      );
    } catch (e) {
      error = e;
    }
    const out = {
      isReason: error === ac.signal.reason,
      isDOMException: error instanceof DOMException,
      name: error?.name,
      done,
      count: await db.count(),
      n0: (await db.get('n0')) === undefined,
    };
    const pre = new AbortController();
    pre.abort();
    out.deletedBefore = db.stats().deleted; // b0, and the slots the aborted chunks had taken (tombstones, never visible)
    out.compact = await db.compact({ signal: pre.signal }).then(() => 'resolved', (e) => (e === pre.signal.reason ? 'aborted' : String(e)));
    out.deletedAfterAbort = db.stats().deleted;
    const saves = [];
    await db.save(undefined, { onProgress: (e) => saves.push(e) });
    out.saveLast = saves.at(-1);
    out.compacted = await db.compact();
    await db.close();
    // The log and checkpoint: what a new worker opens.
    const openEvents = [];
    const reopened = await MiniVectorDB.openInWorker(url, { onProgress: (e) => openEvents.push(e) });
    out.reopenedCount = await reopened.count();
    out.openPhases = openEvents.map((e) => e.phase);
    await reopened.close();
    out.openAborted = await MiniVectorDB.openInWorker(url, { signal: pre.signal }).then(() => 'opened', (e) => (e === pre.signal.reason ? 'aborted' : String(e)));
    const again = await MiniVectorDB.openInWorker(url); // no lock left behind
    out.againCount = await again.count();
    await again.close();
    return out;
  },
};
