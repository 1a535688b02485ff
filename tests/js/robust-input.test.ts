/**
 * Bad input of every other kind gets a typed error before anything changes:
 * options checked at create()/open() (logLevel, logger shape, wasm, file://
 * URLs), values read once (throwing getters and Proxy traps become
 * InvalidArgumentError), sparse filter arrays rejected and filter cache keys
 * taken from what was compiled, and an onProgress that throws logged rather
 * than aborting the insert.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, StorageError, type Filter, type Metadata } from 'minivectordb';
import { caught } from './helpers.js';

const boom = (): never => {
  throw new Error('boom');
};

describe('options are checked at create() and open()', () => {
  test('logger without the four methods, unknown logLevel → InvalidArgumentError (were a TypeError at the first log, or accepted)', async () => {
    expect((await caught(() => MiniVectorDB.create({ dim: 2, logger: {} as never }), InvalidArgumentError)).message).toContain('debug() method');
    await caught(() => MiniVectorDB.create({ dim: 2, logger: { debug() {}, info() {}, warn() {}, error: 5 } as never }), InvalidArgumentError);
    await caught(() => MiniVectorDB.create({ dim: 2, logger: 'console' as never }), InvalidArgumentError);
    expect((await caught(() => MiniVectorDB.create({ dim: 2, logLevel: 'verbose' as never }), InvalidArgumentError)).message).toContain("'debug'");
    await caught(() => MiniVectorDB.open('memory://none', { logLevel: 'loud' as never }), InvalidArgumentError);
    await caught(() => MiniVectorDB.open('memory://none', { logger: {} as never }), InvalidArgumentError);
    for (const logLevel of ['debug', 'info', 'warn', 'error', 'silent'] as const) await (await MiniVectorDB.create({ dim: 2, logLevel })).close();
  });

  test('bad wasm sources → InvalidArgumentError (were an INTERNAL error, or a failure later)', async () => {
    for (const wasm of [5, {}, { url: 'relative/core.wasm' }, { url: 7 }, { binary: 'bytes' }, { binary: [0, 97, 115, 109] }, { url: 'https://x.test/a.wasm', binary: new Uint8Array(8) }, { path: '/x' }]) {
      await caught(() => MiniVectorDB.create({ dim: 2, wasm: wasm as never }), InvalidArgumentError);
      await caught(() => MiniVectorDB.open('memory://none', { wasm: wasm as never }), InvalidArgumentError);
    }
  });

  test('file://relative/x and other storage URLs every save would fail on → StorageError at create (were accepted)', async () => {
    for (const storage of ['file://relative/x.mvdb', 'file:///', 'file:///tmp/folder/', 'file://', 'memory://', 'idb://']) {
      await caught(() => MiniVectorDB.create({ dim: 2, storage }), StorageError);
    }
    const db = await MiniVectorDB.create({ dim: 2 });
    await caught(() => db.save('file://relative/x.mvdb'), StorageError);
    await db.close();
  });

  test('throwing getters and Proxy traps in options → InvalidArgumentError with the cause (were raw errors)', async () => {
    const getter = await caught(() => MiniVectorDB.create({ get dim(): number { return boom(); } }), InvalidArgumentError);
    expect(getter.message).toContain('create options could not be read');
    expect((getter.cause as Error).message).toBe('boom');
    const trap = new Proxy({ dim: 2 }, { ownKeys: boom });
    await caught(() => MiniVectorDB.create(trap), InvalidArgumentError);
    const { proxy, revoke } = Proxy.revocable({ dim: 2 }, {});
    revoke();
    await caught(() => MiniVectorDB.create(proxy), InvalidArgumentError);
    await caught(() => MiniVectorDB.create({ dim: 2, autosave: { get debounceMs(): number { return boom(); } } }), InvalidArgumentError);
    await caught(() => MiniVectorDB.create({ dim: 2, wasm: { get url(): string { return boom(); } } }), InvalidArgumentError);
    await caught(() => MiniVectorDB.open('memory://none', { get autosave(): boolean { return boom(); } }), InvalidArgumentError);
  });

  test('a logger whose methods throw does not fail the calls that log', async () => {
    const db = await MiniVectorDB.create({ dim: 2, logLevel: 'debug', logger: { debug: boom, info: boom, warn: boom, error: boom } });
    await db.insert({ id: 'a', vector: [1, 0] });
    await db.save();
    expect(await db.count()).toBe(1);
    await db.close();
  });
});

describe('values read from the caller', () => {
  let db: MiniVectorDB;
  beforeAll(async () => {
    db = await MiniVectorDB.create({ dim: 2 });
    await db.insertMany([
      { id: 'five', vector: [1, 0], metadata: { x: 5, nested: { list: [1, { deep: 'a' }] } } },
      { id: 'null', vector: [0, 1], metadata: { x: null } },
      { id: 'missing', vector: [1, 1], metadata: { y: 1 } },
      { id: 'seven', vector: [1, 2], metadata: { x: 7 } },
    ]);
  });
  afterAll(() => db.close());

  test('throwing getters and traps in items, metadata, vectors, search options and filters → InvalidArgumentError; nothing inserted', async () => {
    const before = await db.count();
    const bad: unknown[] = [
      { get id(): string { return boom(); }, vector: [1, 0] },
      { id: 'g', vector: [1, 0], metadata: { get x(): number { return boom(); } } },
      { id: 'g', vector: [1, 0], metadata: new Proxy({ x: 1 }, { get: boom }) },
      { id: 'g', vector: [1, 0], metadata: { list: new Proxy([1, 2], { get: boom }) } },
      { id: 'g', vector: new Proxy([1, 0], { get: boom }) },
    ];
    for (const item of bad) {
      const e = await caught(() => db.insertMany([{ id: 'ok', vector: [0, 0] }, item as never]), InvalidArgumentError);
      expect(e.message).toContain('items[1]');
    }
    await caught(() => db.insertMany(new Proxy([], { get: boom })), InvalidArgumentError);
    expect(await db.count()).toBe(before);
    // A vector that reads well when checked, then throws when copied into the core: undone, typed.
    let reads = 0;
    const flaky = new Proxy([1, 0], { get: (t, k, r) => (k === '0' && ++reads > 1 ? boom() : Reflect.get(t, k, r)) });
    await caught(() => db.insertMany([{ id: 'ok', vector: [0, 0] }, { id: 'flaky', vector: flaky }]), InvalidArgumentError);
    expect(reads).toBe(2);
    expect(await db.count()).toBe(before);
    expect(await db.get('ok')).toBeUndefined();
    await caught(() => db.update('five', { get metadata(): Metadata { return boom(); } }), InvalidArgumentError);
    await caught(() => db.search([1, 0], { get k(): number { return boom(); } }), InvalidArgumentError);
    await caught(() => db.search(new Proxy([1, 0], { get: boom }), { k: 1 }), InvalidArgumentError);
    await caught(() => db.search([1, 0], { filter: { get x(): number { return boom(); } } as Filter }), InvalidArgumentError);
    await caught(() => db.count(new Proxy({ x: 5 }, { ownKeys: boom }) as Filter), InvalidArgumentError);
    expect((await db.get('five'))!.metadata).toEqual({ x: 5, nested: { list: [1, { deep: 'a' }] } });
  });

  test('a sparse $in ([, 5]) is rejected — it matched missing fields, shared the cache key of [null, 5], and made count() throw a TypeError', async () => {
    const ids = async (filter: Filter): Promise<string[]> => (await db.search([0, 0], { k: 10, filter })).map((h) => h.id).sort();
    expect(await ids({ x: { $in: [null, 5] } })).toEqual(['five', 'null']); // caches the bitset of [null, 5]
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [, 5] as unknown as number[];
    const e = await caught(() => ids({ x: { $in: sparse } }), InvalidArgumentError);
    expect(e.message).toContain('filter.x.$in is a sparse array');
    await caught(() => db.count({ x: { $in: sparse } }), InvalidArgumentError);
    await caught(() => db.count({ x: { $nin: sparse } }), InvalidArgumentError);
    // eslint-disable-next-line no-sparse-arrays
    await caught(() => db.count({ $or: [, { x: 5 }] as unknown as Filter[] }), InvalidArgumentError);
    await caught(() => db.deleteByFilter({ x: { $in: sparse } }), InvalidArgumentError);
    expect(await db.count()).toBe(4);
    expect(await db.count({ x: { $in: [null, 5] } })).toBe(2);
  });

  test('the filter cache key is what was compiled: a getter answering differently on each read cannot pick another filter’s cached bitset', async () => {
    const ids = async (filter: Filter): Promise<string[]> => (await db.search([0, 0], { k: 10, filter })).map((h) => h.id);
    expect(await ids({ x: 7 })).toEqual(['seven']); // caches {"x":7}
    let reads = 0;
    const flipping = { get x(): number { return reads++ === 0 ? 5 : 7; } } as unknown as Filter;
    expect(await ids(flipping)).toEqual(['five']); // read once: x = 5
    expect(reads).toBe(1);
  });

  test('hits and get() share no objects with the store (nor with each other)', async () => {
    const hit = (await db.search([1, 0], { k: 1 }))[0]!;
    const got = (await db.get('five'))!;
    (hit.metadata!.nested as { list: unknown[] }).list.push('mutated');
    ((got.metadata!.nested as { list: { deep: string }[] }).list[1]!).deep = 'mutated';
    expect((await db.get('five'))!.metadata).toEqual({ x: 5, nested: { list: [1, { deep: 'a' }] } });
    expect((await db.search([1, 0], { k: 1 }))[0]!.metadata).toEqual({ x: 5, nested: { list: [1, { deep: 'a' }] } });
  });

  test('sparse metadata arrays are rejected at insert (a hole would come back as null after a save)', async () => {
    // eslint-disable-next-line no-sparse-arrays
    const e = await caught(() => db.insert({ id: 'h', vector: [1, 0], metadata: { list: [1, , 3] as never } }), InvalidArgumentError);
    expect(e.message).toContain('sparse array');
  });
});

describe('an onProgress that throws never aborts insertMany (as in a worker: worker-robust.test.ts)', () => {
  test('on the page: every item is inserted and the error goes to the logger at warn', async () => {
    const warnings: string[] = [];
    const db = await MiniVectorDB.create({ dim: 2, logger: { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} } });
    const items = Array.from({ length: 2500 }, (_, i) => ({ id: `p${i}`, vector: [i, 1] }));
    const calls: number[] = [];
    const result = await db.insertMany(items, {
      onProgress: (done) => {
        calls.push(done);
        throw new Error('progress bar broke');
      },
    });
    expect(result).toEqual({ inserted: 2500, updated: 0 });
    expect(calls).toEqual([1024, 2048, 2500]); // called for every chunk, not stopped by the first throw
    expect(await db.count()).toBe(2500);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('onProgress threw (the insert goes on): Error: progress bar broke');
    await db.close();
  });
});
