/**
 * The worker side of robustness: starting a worker that never answers ends
 * in a TimeoutError after workerTimeoutMs (it used to wait forever), an
 * onProgress that throws behaves as on the page (the insert goes on), and
 * limit errors keep their class and fields across the boundary.
 */
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError, LimitExceededError, MAX_METADATA_DEPTH, MiniVectorDB, TimeoutError, type Metadata } from 'minivectordb';
import { caught } from './helpers.js';

const silentWorker = new URL('./fixtures/silent-worker.mjs', import.meta.url);

describe('starting a worker', () => {
  test('a worker script that never answers → TimeoutError after workerTimeoutMs, for createInWorker and openInWorker', async () => {
    const started = performance.now();
    const e = await caught(() => MiniVectorDB.createInWorker({ dim: 2, worker: silentWorker, workerTimeoutMs: 300 }), TimeoutError);
    const waited = performance.now() - started;
    expect([e.code, e.timeoutMs]).toEqual(['TIMEOUT', 300]);
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(5000);
    await caught(() => MiniVectorDB.openInWorker('memory://x', { worker: silentWorker, workerTimeoutMs: 200 }), TimeoutError);
  }, 20_000);

  test('workerTimeoutMs must be an integer in [1, 2^31 − 1]; a throwing getter in the options is an InvalidArgumentError', async () => {
    for (const workerTimeoutMs of [0, -1, 1.5, 2 ** 31, '100', Number.POSITIVE_INFINITY]) {
      await caught(() => MiniVectorDB.createInWorker({ dim: 2, workerTimeoutMs: workerTimeoutMs as number }), InvalidArgumentError);
    }
    await caught(() => MiniVectorDB.createInWorker({ get dim(): number { throw new Error('boom'); } }), InvalidArgumentError);
  });

  test('the packaged worker answers well within the default timeout', async () => {
    const db = await MiniVectorDB.createInWorker({ dim: 2, workerTimeoutMs: 20_000 });
    await db.insert({ id: 'a', vector: [1, 0] });
    expect(await db.count()).toBe(1);
    await db.close();
  });
});

describe('in a worker', () => {
  test('an onProgress that throws does not abort insertMany, as on the page', async () => {
    const items = Array.from({ length: 2500 }, (_, i) => ({ id: `p${i}`, vector: [i, 1] }));
    const onProgress = (): void => {
      throw new Error('progress bar broke');
    };
    const worker = await MiniVectorDB.createInWorker({ dim: 2 });
    const page = await MiniVectorDB.create({ dim: 2 });
    const results = [await worker.insertMany(items, { onProgress }), await page.insertMany(items, { onProgress })];
    expect(results).toEqual([
      { inserted: 2500, updated: 0 },
      { inserted: 2500, updated: 0 },
    ]);
    expect([await worker.count(), await page.count()]).toEqual([2500, 2500]);
    await worker.close();
    await page.close();
  });

  test('arguments that cannot be read or sent (throwing getters, Proxies, functions) → InvalidArgumentError; nothing changes', async () => {
    const worker = await MiniVectorDB.createInWorker({ dim: 2 });
    await worker.insert({ id: 'a', vector: [1, 0] });
    const boom = (): never => {
      throw new Error('boom');
    };
    const bad: [string, () => Promise<unknown>][] = [
      ['metadata getter', () => worker.insert({ id: 'g', vector: [1, 0], metadata: { get x(): number { return boom(); } } })],
      ['item getter (read while packing vectors)', () => worker.insertMany([{ id: 'g', get vector(): Float32Array { return boom(); } }])],
      ['search option getter', () => worker.search([1, 0], { get k(): number { return boom(); } })],
      ['filter Proxy', () => worker.count(new Proxy({ x: 1 }, { ownKeys: boom }))],
      ['function in metadata', () => worker.update('a', { metadata: { f: (() => 1) as never } })],
    ];
    for (const [what, call] of bad) {
      const e = await caught(call, InvalidArgumentError);
      expect(e.message, what).toMatch(/cannot be sent to the worker|could not be read|has unsupported type function/);
    }
    expect(await worker.count()).toBe(1);
    expect((await worker.get('a'))!.metadata).toBeUndefined();
    await worker.close();
  });

  test('LimitExceededError keeps its class and fields across the boundary', async () => {
    const worker = await MiniVectorDB.createInWorker({ dim: 2 });
    let deep: Metadata = { leaf: 1 };
    for (let i = 0; i < MAX_METADATA_DEPTH; i++) deep = { a: deep };
    const e = await caught(() => worker.insert({ id: 'deep', vector: [1, 0], metadata: deep }), LimitExceededError);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect([e.name, e.limit, e.max, e.actual]).toEqual(['LimitExceededError', 'metadataDepth', MAX_METADATA_DEPTH, MAX_METADATA_DEPTH + 1]);
    await worker.close();
  });
});
