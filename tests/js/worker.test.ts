/**
 * The database in a worker (Node: worker_threads, the same code path as a
 * browser module Worker but for the spawn): answers equal a main-thread
 * instance's and the brute force, typed errors keep class, code and fields,
 * vectors cross without detaching the caller's arrays, snapshots move
 * between worker and main thread.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ClosedError,
  DimensionMismatchError,
  InvalidArgumentError,
  MiniVectorDB,
  MiniVectorDBError,
  SnapshotError,
  StorageError,
  type WorkerMiniVectorDB,
} from 'minivectordb';
import { bruteForceKnn, caught, checkExactTopK, randomVectors, tempDir } from './helpers.js';

const DIM = 16;
const N = 1500;
const data = randomVectors(N, DIM, 21);
const queries = randomVectors(20, DIM, 22);
const items = data.map((vector, i) => ({ id: `v${i}`, vector, metadata: { even: i % 2 === 0 } }));
const strip = (hits: { id: string; distance: number; metadata: unknown }[]) => hits.map((h) => ({ id: h.id, distance: h.distance, metadata: h.metadata }));

describe('createInWorker', () => {
  let worker: WorkerMiniVectorDB;
  let main: MiniVectorDB;
  beforeAll(async () => {
    worker = await MiniVectorDB.createInWorker({ dim: DIM, seed: 5 });
    main = await MiniVectorDB.create({ dim: DIM, seed: 5 });
    await main.insertMany(items);
  });
  afterAll(async () => {
    await worker.close();
    await main.close();
  });

  test('insertMany reports progress on this thread; the caller’s vectors stay usable', async () => {
    const progress: [number, number, string][] = [];
    const result = await worker.insertMany(items, { onProgress: (done, total, phase) => progress.push([done, total, phase]) });
    expect(result).toEqual({ inserted: N, updated: 0 });
    expect(progress).toEqual([
      [1024, N, 'insert'],
      [N, N, 'insert'],
    ]);
    expect(data[0]!.length).toBe(DIM); // not detached by the transfer
    expect(data[0]!.buffer.byteLength).toBeGreaterThan(0);
    expect(await worker.count()).toBe(N);
    expect(await worker.count({ even: true })).toBe(N / 2);
    expect([worker.dim, worker.metric]).toEqual([DIM, 'l2']);
  });

  test('search and searchBatch equal the main-thread instance (same seed) and exact search equals brute force', async () => {
    for (const q of queries) {
      expect(strip(await worker.search(q, { k: 10 }))).toEqual(strip(await main.search(q, { k: 10 })));
      const exact = await worker.search(Array.from(q), { k: 10, exact: true, filter: { even: true } });
      const ref = bruteForceKnn(data, q, 11, 'l2', (i) => i % 2 === 0);
      expect(checkExactTopK(exact, ref, 10, (i) => `v${i}`)).toBeUndefined();
    }
    const flat = new Float32Array(queries.length * DIM);
    queries.forEach((q, i) => flat.set(q, i * DIM));
    const batch = await worker.searchBatch(flat, { k: 5 });
    expect(batch.map(strip)).toEqual((await main.searchBatch(queries, { k: 5 })).map(strip));
    expect(flat.length).toBe(queries.length * DIM);
    expect((await worker.searchBatch(queries, { k: 5 })).map(strip)).toEqual(batch.map(strip));
  });

  test('get, delete, deleteMany, deleteByFilter, compact and stats mirror the main thread', async () => {
    expect(await worker.get('v7')).toEqual(await main.get('v7'));
    expect(await worker.get('nope')).toBeUndefined();
    for (const db of [worker, main]) {
      expect(await db.delete('v1')).toBe(true);
      expect(await db.deleteMany(['v3', 'v5', 'missing'])).toBe(2);
      expect(await db.deleteByFilter({ even: false })).toBe(N / 2 - 3);
      expect(await db.compact()).toBe(N / 2);
    }
    const { memoryBytes: _a, ...ws } = await worker.stats();
    const { memoryBytes: _b, ...ms } = main.stats();
    expect(ws).toEqual(ms);
    for (const q of queries) expect(strip(await worker.search(q, { k: 10 }))).toEqual(strip(await main.search(q, { k: 10 })));
  });

  test('errors arrive with their class, code and fields; the database is unchanged', async () => {
    const before = await worker.count();
    const dm = await caught(() => worker.insert({ id: 'x', vector: [1, 2, 3] }), DimensionMismatchError);
    expect([dm.code, dm.expected, dm.actual, dm.name]).toEqual(['DIMENSION_MISMATCH', DIM, 3, 'DimensionMismatchError']);
    expect(dm).toBeInstanceOf(MiniVectorDBError);
    const nan = await caught(() => worker.search(new Float32Array(DIM).fill(Number.NaN)), InvalidArgumentError);
    expect(nan.message).toMatch(/non-finite/);
    expect((await caught(() => worker.search(queries[0]!, { k: 0 }), InvalidArgumentError)).code).toBe('INVALID_ARGUMENT');
    expect((await caught(() => worker.search(queries[0]!, { bogus: 1 } as never), InvalidArgumentError)).message).toMatch(/unknown option 'bogus'/);
    // A function in metadata cannot be cloned: InvalidArgumentError, as on the main thread.
    await caught(() => worker.insert({ id: 'f', vector: data[0]!, metadata: { f: () => 1 } as never }), InvalidArgumentError);
    await caught(() => main.insert({ id: 'f', vector: data[0]!, metadata: { f: () => 1 } as never }), InvalidArgumentError);
    expect((await caught(() => worker.save('nope://x'), StorageError)).code).toBe('STORAGE');
    expect(await worker.count()).toBe(before);
  });
});

describe('options that cannot cross, and the lifecycle', () => {
  test('a logger, a custom Embedder and a bad worker option are InvalidArgumentErrors; bad create options are checked in the worker', async () => {
    await caught(() => MiniVectorDB.createInWorker({ dim: 2, logger: console }), InvalidArgumentError);
    const embedder = { info: { model: 'x', dim: 2 }, embed: async () => [] };
    await caught(() => MiniVectorDB.createInWorker({ embedder: embedder as never }), InvalidArgumentError);
    await caught(() => MiniVectorDB.createInWorker({ dim: 2, worker: 42 as never }), InvalidArgumentError);
    const e = await caught(() => MiniVectorDB.createInWorker({ dim: 0 }), InvalidArgumentError);
    expect(e.message).toMatch(/dim must be in \[1, 65536\], got 0/); // the core's rule (ValidateConfig), named by field
    await caught(() => MiniVectorDB.createInWorker({ dim: 2, colour: 'red' } as never), InvalidArgumentError);
  });

  test('texts: the default model embeds in the worker as on the main thread (progress in both phases)', async () => {
    const docs = [
      { id: 'bike', text: 'repairing a bike' },
      { id: 'bread', text: 'baking bread' },
      { id: 'tax', text: 'filing income taxes' },
    ];
    await using worker = await MiniVectorDB.createInWorker({ storeText: true });
    const main = await MiniVectorDB.create({ storeText: true });
    const phases = new Set<string>();
    await worker.insertMany(docs, { onProgress: (_d, _t, phase) => phases.add(phase) });
    await main.insertMany(docs);
    expect([...phases].sort()).toEqual(['embed', 'insert']);
    const w = await worker.search('how do I fix my bicycle', { k: 3 });
    const m = await main.search('how do I fix my bicycle', { k: 3 });
    expect(w.map((h) => [h.id, h.text])).toEqual(m.map((h) => [h.id, h.text]));
    w.forEach((h, i) => expect(h.score).toBeCloseTo(m[i]!.score, 5));
    expect(w[0]!.id).toBe('bike');
    expect((await worker.searchBatch(['baking bread'], { k: 1 }))[0]![0]!.id).toBe('bread');
    await main.close();
  });

  test('a worker_threads Worker started by the caller (the package’s worker script, minivectordb/worker-host), passed as { worker }', async () => {
    const { Worker } = await import('node:worker_threads');
    const { createRequire } = await import('node:module');
    const entry = createRequire(import.meta.url).resolve('minivectordb/package.json').replace(/package\.json$/, 'dist/worker/worker-entry.js');
    const thread = new Worker(entry);
    const db = await MiniVectorDB.createInWorker({ dim: DIM, worker: thread as never });
    await db.insertMany(items.slice(0, 200));
    const hits = await db.search(queries[0]!, { k: 5, exact: true });
    expect(checkExactTopK(hits, bruteForceKnn(data.slice(0, 200), queries[0]!, 6, 'l2'), 5, (i) => `v${i}`)).toBeUndefined();
    const exited = new Promise((ok) => thread.once('exit', ok));
    await db.close();
    expect(typeof (await exited)).toBe('number'); // close() terminated it
  });

  test('close() is idempotent, waits for pending calls, then every call throws ClosedError', async () => {
    const db = await MiniVectorDB.createInWorker({ dim: 2 });
    const pending = db.insertMany([{ id: 'a', vector: [1, 0] }]);
    const closing = db.close();
    expect(await pending).toEqual({ inserted: 1, updated: 0 });
    await closing;
    await db.close();
    expect((await caught(() => db.search([1, 0]), ClosedError)).code).toBe('CLOSED');
    expect(() => db.dim).toThrow(ClosedError);
    {
      await using scoped = await MiniVectorDB.createInWorker({ dim: 2 });
      await scoped.insert({ id: 'b', vector: [0, 1] });
    }
  });

  test('file:// snapshot saved in a worker opens in a worker and on the main thread with the same answers', async () => {
    const tmp = await tempDir();
    try {
      const url = tmp.url('w.mvdb');
      const a = await MiniVectorDB.createInWorker({ dim: DIM, storage: url });
      await a.insertMany(items.slice(0, 400));
      await a.delete('v2');
      await a.save();
      const expected = [];
      for (const q of queries) expected.push(strip(await a.search(q, { k: 10 })));
      await a.close();
      const b = await MiniVectorDB.openInWorker(url);
      const c = await MiniVectorDB.open(url, { lock: 'readonly' }); // b holds the write lock
      for (let i = 0; i < queries.length; i++) {
        expect(strip(await b.search(queries[i]!, { k: 10 }))).toEqual(expected[i]);
        expect(strip(await c.search(queries[i]!, { k: 10 }))).toEqual(expected[i]);
      }
      expect(await b.count()).toBe(399);
      await b.close();
      await c.close();
      expect((await caught(() => MiniVectorDB.openInWorker(tmp.url('missing.mvdb')), StorageError)).code).toBe('STORAGE');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(new URL(tmp.url('junk.mvdb')), new Uint8Array(64));
      await caught(() => MiniVectorDB.openInWorker(tmp.url('junk.mvdb')), SnapshotError);
    } finally {
      await tmp.cleanup();
    }
  });
});
