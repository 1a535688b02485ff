/** Records: get() and hits return copies; inputs are copied on insert; call order is kept. */
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB } from 'minivectordb';
import { caught, refDistance } from './helpers.js';

describe('records', () => {
  test('later changes to the inserted vector/metadata, or to returned objects, do not reach the database', async () => {
    const db = await MiniVectorDB.create({ dim: 2 });
    const vector = new Float32Array([3, 4]);
    const metadata = { a: { b: [1, 2] }, s: 'x' };
    await db.insert({ id: 'r', vector, metadata });
    vector[0] = 100;
    metadata.a.b.push(3);
    metadata.s = 'changed';

    const rec = await db.get('r');
    expect(rec).toEqual({ id: 'r', vector: new Float32Array([3, 4]), metadata: { a: { b: [1, 2] }, s: 'x' } });
    rec!.vector[1] = -1;
    (rec!.metadata!.a as { b: number[] }).b.length = 0;
    const [hit] = await db.search([3, 4], { k: 1 });
    expect(hit).toEqual({ id: 'r', distance: 0, score: 0, metadata: { a: { b: [1, 2] }, s: 'x' } });
    (hit!.metadata as Record<string, unknown>).s = 'mutated';
    expect(await db.get('r')).toEqual({ id: 'r', vector: new Float32Array([3, 4]), metadata: { a: { b: [1, 2] }, s: 'x' } });
    expect(await db.get('missing')).toBeUndefined();
    await db.close();
  });

  test('vectors may be number arrays or any typed array; cosine stores the unit vector', async () => {
    const db = await MiniVectorDB.create({ dim: 3, metric: 'cosine' });
    await db.insertMany([
      { id: 'arr', vector: [0, 3, 4] },
      { id: 'f64', vector: new Float64Array([2, 0, 0]) },
      { id: 'i8', vector: new Int8Array([0, 0, -7]) },
    ]);
    expect((await db.get('arr'))!.vector).toEqual(new Float32Array([0, 0.6, 0.8]));
    expect((await db.get('f64'))!.vector).toEqual(new Float32Array([1, 0, 0]));
    expect((await db.get('i8'))!.vector).toEqual(new Float32Array([0, 0, -1]));
    const hits = await db.search([0, 1, 1], { k: 3 });
    expect(hits.map((h) => h.id)).toEqual(['arr', 'f64', 'i8']);
    for (const h of hits) {
      const v = { arr: [0, 3, 4], f64: [2, 0, 0], i8: [0, 0, -7] }[h.id]!;
      expect(Math.abs(h.distance - refDistance('cosine', [0, 1, 1], v))).toBeLessThan(1e-6);
    }
    await db.close();
  });

  test('metadata of every JSON-like type round-trips through get(), search() and a snapshot', async () => {
    const db = await MiniVectorDB.create({ dim: 1 });
    const metadata = {
      str: 'héllo ✓ 𝄞',
      empty: '',
      int: 42,
      neg: -7,
      float: 0.1,
      big: 2 ** 53 - 1,
      tiny: 5e-324,
      t: true,
      f: false,
      nil: null,
      arr: [1, 'two', [3], { four: 4 }, null],
      obj: { nested: { deeper: { x: [] } } },
      emptyObj: {},
    };
    await db.insert({ id: 'm', vector: [1], metadata });
    expect((await db.get('m'))!.metadata).toEqual(metadata);
    expect((await db.search([1]))[0]!.metadata).toEqual(metadata);
    await db.save('memory://records-meta');
    const opened = await MiniVectorDB.open('memory://records-meta');
    expect((await opened.get('m'))!.metadata).toEqual(metadata);
    // Keys whose value is undefined are dropped, as in JSON.
    await opened.insert({ id: 'u', vector: [2], metadata: { keep: 1, drop: undefined } as never });
    expect((await opened.get('u'))!.metadata).toEqual({ keep: 1 });
    expect(Object.keys((await opened.get('u'))!.metadata!)).toEqual(['keep']);
    await Promise.all([db.close(), opened.close()]);
  });

  test('ids are arbitrary non-empty strings', async () => {
    const db = await MiniVectorDB.create({ dim: 1 });
    const ids = ['constructor', 'toString', 'hasOwnProperty', ' ', '0', 'ü', '🙂', 'a'.repeat(10_000), 'with\u0000nul'];
    await db.insertMany(ids.map((id, i) => ({ id, vector: [i] })));
    expect(db.size).toBe(ids.length);
    for (let i = 0; i < ids.length; i++) {
      expect((await db.get(ids[i]!))!.vector).toEqual(new Float32Array([i]));
      expect((await db.search([i], { k: 1 }))[0]!.id).toBe(ids[i]);
    }
    await db.save('memory://records-ids');
    const opened = await MiniVectorDB.open('memory://records-ids');
    for (let i = 0; i < ids.length; i++) expect((await opened.get(ids[i]!))!.vector).toEqual(new Float32Array([i]));
    expect(await opened.delete('constructor')).toBe(true);
    expect(await opened.get('constructor')).toBeUndefined();
    await Promise.all([db.close(), opened.close()]);
  });

  test('calls run one at a time in call order, and a failing call does not stop the queue', async () => {
    const db = await MiniVectorDB.create({ dim: 2 });
    const order: string[] = [];
    const p1 = db.insert({ id: 'a', vector: [1, 1] }).then(() => order.push('insert a'));
    const p2 = db.search([1, 1], { k: 5 }).then((h) => order.push(`search ${h.map((x) => x.id).join(',')}`));
    const p3 = db.insert({ id: '', vector: [0, 0] }).catch((e: unknown) => order.push(`failed ${(e as InvalidArgumentError).code}`));
    const p4 = db.delete('a').then((r) => order.push(`delete ${r}`));
    const p5 = db.insertMany([{ id: 'b', vector: [2, 2] }]).then(() => order.push('insert b'));
    const p6 = db.search([1, 1], { k: 5 }).then((h) => order.push(`search ${h.map((x) => x.id).join(',')}`));
    await Promise.all([p1, p2, p3, p4, p5, p6]);
    expect(order).toEqual(['insert a', 'search a', 'failed INVALID_ARGUMENT', 'delete true', 'insert b', 'search b']);
    await caught(() => db.search([1]), Error);
    expect(db.size).toBe(1);
    await db.close();
  });
});
