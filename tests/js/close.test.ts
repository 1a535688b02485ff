/** close(): idempotent, and every later call throws ClosedError. */
import { describe, expect, test } from 'vitest';
import { ClosedError, MiniVectorDB, MiniVectorDBError } from 'minivectordb';
import { caught } from './helpers.js';

async function smallDb(): Promise<MiniVectorDB> {
  const db = await MiniVectorDB.create({ dim: 2 });
  await db.insertMany([
    { id: 'a', vector: [0, 1] },
    { id: 'b', vector: [1, 0] },
  ]);
  return db;
}

async function expectClosed(db: MiniVectorDB): Promise<void> {
  const asyncCalls: [string, () => Promise<unknown>][] = [
    ['insert', () => db.insert({ id: 'c', vector: [1, 1] })],
    ['insertMany', () => db.insertMany([{ id: 'c', vector: [1, 1] }])],
    ['search', () => db.search([1, 1])],
    ['searchBatch', () => db.searchBatch([[1, 1]])],
    ['get', () => db.get('a')],
    ['delete', () => db.delete('a')],
    ['save', () => db.save('memory://closed')],
  ];
  for (const [name, call] of asyncCalls) {
    // Async methods reject (they do not throw synchronously).
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = call();
    }, name).not.toThrow();
    const err = await caught(() => promise, ClosedError);
    expect(err.code).toBe('CLOSED');
    expect(err).toBeInstanceOf(MiniVectorDBError);
    expect(err.message).toContain(name);
  }
  const syncCalls: [string, () => unknown][] = [
    ['stats', () => db.stats()],
    ['size', () => db.size],
    ['dim', () => db.dim],
    ['metric', () => db.metric],
  ];
  for (const [name, call] of syncCalls) {
    let thrown: unknown;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown, name).toBeInstanceOf(ClosedError);
    expect((thrown as ClosedError).code).toBe('CLOSED');
  }
}

describe('close', () => {
  test('after close() every method and getter throws ClosedError', async () => {
    const db = await smallDb();
    expect(db.size).toBe(2);
    await db.close();
    await expectClosed(db);
  });

  test('close() is idempotent (sequential and concurrent calls)', async () => {
    const db = await smallDb();
    await db.close();
    await expect(db.close()).resolves.toBeUndefined();
    await expectClosed(db);

    const db2 = await smallDb();
    await Promise.all([db2.close(), db2.close(), db2.close()]);
    await expectClosed(db2);
  });

  test('close() waits for calls already queued; calls made after close() reject', async () => {
    const db = await smallDb();
    const pending = db.insertMany([{ id: 'c', vector: [2, 2] }]);
    const search = db.search([2, 2], { k: 1 });
    const closing = db.close();
    const late = db.search([2, 2]);
    expect(await pending).toEqual({ inserted: 1, updated: 0 });
    expect((await search)[0]!.id).toBe('c');
    await closing;
    await caught(() => late, ClosedError);
    await expectClosed(db);
  });

  test('await using closes the database at scope exit', async () => {
    let escaped: MiniVectorDB | undefined;
    {
      await using db = await smallDb();
      escaped = db;
      expect(db.size).toBe(2);
    }
    await expectClosed(escaped);
  });

  test('Symbol.asyncDispose closes the database and is idempotent with close()', async () => {
    const db = await smallDb();
    expect(typeof db[Symbol.asyncDispose]).toBe('function');
    await db[Symbol.asyncDispose]();
    await expectClosed(db);
    await db.close();
    await db[Symbol.asyncDispose]();
  });

  test('closing one database does not affect another', async () => {
    const a = await smallDb();
    const b = await smallDb();
    await a.close();
    expect(b.size).toBe(2);
    expect((await b.search([0, 1], { k: 1 }))[0]!.id).toBe('a');
    await b.close();
  });
});
