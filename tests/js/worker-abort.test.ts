/**
 * What only the worker proxy has to carry for AbortSignal and progress: the
 * embedder's download progress (events from the worker reach the page's
 * callback, the same events as on the page), the embedder's signal
 * (forwarded as a message: a download hanging in the worker stops when the
 * page aborts), and text queries with a signal; and, on the page, an insert
 * aborted between batches of texts being embedded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB, type DownloadProgress } from 'minivectordb';
import { TINY_BERT } from './embed/helpers.js';
import { makeTarget } from './suites/targets.js';

const target = makeTarget('worker', 'memory');
beforeAll(() => target.setup());
afterAll(() => target.cleanup());

/** The events as comparable data (timing-free). */
const summary = (events: DownloadProgress[]) => events.map((e) => [e.phase, e.file, e.loaded, e.total, e.cached, e.done]);

describe('worker: embedder downloads and text queries', () => {
  test("the embedder's download progress in the worker reaches the page's callback (the events a page database gets)", async () => {
    const inWorker: DownloadProgress[] = [];
    const onPage: DownloadProgress[] = [];
    const db = await target.create({ embedder: { modelPath: TINY_BERT, onProgress: (e) => inWorker.push(e) } });
    const page = await MiniVectorDB.create({ embedder: { modelPath: TINY_BERT, onProgress: (e) => onPage.push(e) } });
    expect(onPage.length).toBeGreaterThan(0);
    expect(onPage.some((e) => e.file === 'onnx/model.onnx' && e.done)).toBe(true);
    expect(summary(inWorker)).toEqual(summary(onPage));
    expect(db.dim).toBe(page.dim);
    await Promise.all([db.close(), page.close()]);
  });

  test("the embedder's signal is forwarded: a download hanging in the worker stops when the page aborts", async () => {
    let requested: () => void = () => undefined;
    const firstRequest = new Promise<void>((resolve) => (requested = resolve));
    const hanging = new Set<import('node:http').ServerResponse>();
    const server: Server = createServer((_req, res) => {
      hanging.add(res); // never answered
      requested();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const ac = new AbortController();
      const creating = target.create({ embedder: { modelUrl: `http://127.0.0.1:${port}/model/`, retries: 0, signal: ac.signal } }).then(
        () => 'created',
        (e: unknown) => e,
      );
      await firstRequest; // the worker is downloading
      ac.abort();
      expect(await creating).toBe(ac.signal.reason);
    } finally {
      for (const res of hanging) res.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('an embedder signal aborted already: create rejects with its reason before reading a model file, in a worker as on the page', async () => {
    const ac = new AbortController();
    ac.abort();
    let reads = 0;
    const options = { embedder: { modelPath: TINY_BERT, signal: ac.signal, onProgress: () => void reads++ } };
    expect(await target.create(options).catch((e: unknown) => e)).toBe(ac.signal.reason);
    expect(await MiniVectorDB.create(options).catch((e: unknown) => e)).toBe(ac.signal.reason);
    expect(reads).toBe(0);
  });

  test('text queries and text inserts with an aborted signal reject with its reason, nothing embedded or inserted', async () => {
    const db = await target.create({ embedder: { modelPath: TINY_BERT } });
    await db.insertMany([{ id: 'a', text: 'repairing a bike' }]);
    const ac = new AbortController();
    ac.abort();
    expect(await db.search('bike', { signal: ac.signal }).catch((e: unknown) => e)).toBe(ac.signal.reason);
    expect(await db.searchBatch(['bike', 'car'], { signal: ac.signal }).catch((e: unknown) => e)).toBe(ac.signal.reason);
    expect(await db.insertMany([{ id: 'b', text: 'a car' }], { signal: ac.signal }).catch((e: unknown) => e)).toBe(ac.signal.reason);
    expect(await db.count()).toBe(1);
    expect((await db.search('bike', { signal: new AbortController().signal }))[0]!.id).toBe('a');
    await db.close();
  });
});

describe('page: an insert aborted while its texts are embedded', () => {
  test('rejects at the next batch with the reason; nothing inserted; the embedder saw the signal', async () => {
    const db = await MiniVectorDB.create({ embedder: { modelPath: TINY_BERT, batchSize: 2 } });
    const ac = new AbortController();
    const phases: [number, string][] = [];
    const texts = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, text: `text number ${i}` }));
    const err = await db
      .insertMany(texts, {
        signal: ac.signal,
        onProgress: (done, _total, phase) => {
          phases.push([done, phase]);
          ac.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBe(ac.signal.reason);
    expect(phases).toEqual([[2, 'embed']]);
    expect(await db.count()).toBe(0);
    await db.close();
  });
});
