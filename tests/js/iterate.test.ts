/**
 * ids(), getMany() and records(): on the page and in a worker, every live
 * record exactly once with its stored vector and metadata (compared to get()
 * and to what was inserted), filters as count() and search's, batches of
 * any size, deletes during iteration skipped, bad options typed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, type VectorDatabase } from 'minivectordb';
import { caught, randomVectors } from './helpers.js';

const DIM = 8;
const N = 700;
const data = randomVectors(N, DIM, 31);
const items = data.map((vector, i) => ({ id: `r${i}`, vector, metadata: { i, group: i % 3 } }));

describe.each(['page', 'worker'] as const)('iteration (%s)', (where) => {
  let db: VectorDatabase;
  beforeAll(async () => {
    db = where === 'page' ? await MiniVectorDB.create({ dim: DIM, metric: 'l2' }) : await MiniVectorDB.createInWorker({ dim: DIM, metric: 'l2' });
    await db.insertMany(items);
    await db.deleteMany(['r5', 'r6']); // tombstones are never listed
    await db.insert({ id: 'r7', vector: data[8]!, metadata: { i: 7, group: 1, replaced: true } }); // an upsert moves r7 to a new slot
  });
  afterAll(() => db.close());

  test('records() yields every live record once, equal to get()', async () => {
    const seen = new Map<string, { vector?: Float32Array; metadata: unknown }>();
    for await (const r of db.records({ batchSize: 64 })) {
      expect(seen.has(r.id)).toBe(false);
      seen.set(r.id, r);
    }
    expect(seen.size).toBe(N - 2);
    expect(seen.has('r5') || seen.has('r6')).toBe(false);
    for (const id of ['r0', 'r7', 'r699']) {
      const got = (await db.get(id))!;
      expect(seen.get(id)!.metadata).toEqual(got.metadata);
      expect(Array.from(seen.get(id)!.vector!)).toEqual(Array.from(got.vector));
    }
    // l2 stores vectors as given: every listed vector equals the inserted one.
    for (const [id, r] of seen) {
      const i = Number(id.slice(1));
      expect(Array.from(r.vector!)).toEqual(Array.from(id === 'r7' ? data[8]! : data[i]!));
    }
  });

  test('filter, vectors: false and ids() agree with count()', async () => {
    const filter = { group: 1 };
    const ids = await db.ids({ filter });
    expect(ids.length).toBe(await db.count(filter));
    expect(new Set(ids).size).toBe(ids.length);
    const listed: string[] = [];
    for await (const r of db.records({ filter, vectors: false, batchSize: 1000 })) {
      expect(r.vector).toBeUndefined();
      expect((r.metadata as { group: number }).group).toBe(1);
      listed.push(r.id);
    }
    expect(listed.sort()).toEqual([...ids].sort());
    expect((await db.ids()).length).toBe(db.size);
  });

  test('getMany keeps order and marks absent ids', async () => {
    const got = await db.getMany(['r3', 'nope', 'r5', 'r1']);
    expect(got.map((r) => r?.id)).toEqual(['r3', undefined, undefined, 'r1']);
    expect(Array.from(got[0]!.vector)).toEqual(Array.from(data[3]!));
    expect((await caught(() => db.getMany('r1' as unknown as string[]), InvalidArgumentError)).message).toMatch(/ids must be an array/);
    expect((await caught(() => db.getMany(['']), InvalidArgumentError)).message).toMatch(/ids\[0\]/);
  });

  test('bad options reject the first step with InvalidArgumentError', async () => {
    for (const options of [{ batchSize: 0 }, { batchSize: 1.5 }, { vectors: 'yes' }, { filter: { $nope: 1 } }, { limit: 3 }]) {
      const it = db.records(options as never);
      await caught(() => it.next(), InvalidArgumentError);
    }
  });
});

test('records deleted during the iteration are skipped; the rest come once', async () => {
  const db = await MiniVectorDB.create({ dim: DIM });
  await db.insertMany(items.slice(0, 100));
  const seen: string[] = [];
  for await (const r of db.records({ batchSize: 10 })) {
    seen.push(r.id);
    if (r.id === 'r0') await db.deleteMany(['r50', 'r51']);
    if (r.id === 'r1') await db.insert({ id: 'late', vector: data[0]! });
  }
  expect(seen.length).toBe(98);
  expect(new Set(seen).size).toBe(98);
  expect(seen.includes('r50') || seen.includes('late')).toBe(false);
  await db.close();
});
