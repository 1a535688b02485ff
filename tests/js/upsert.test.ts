/** Upsert: inserting an existing id replaces its vector and metadata. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB } from 'minivectordb';
import { caught, distanceTolerance, fingerprint, randomVectors, refDistance } from './helpers.js';

const DIM = 16;
const N = 1500; // > efSearch·M = 128: small-k searches walk the graph

describe('upsert', () => {
  let db: MiniVectorDB;
  let data: Float32Array[];

  beforeEach(async () => {
    data = randomVectors(N, DIM, 1);
    db = await MiniVectorDB.create({ dim: DIM, M: 8, efConstruction: 64, efSearch: 16, seed: 3 });
    await db.insertMany(data.map((vector, i) => ({ id: `id${i}`, vector, metadata: { version: 1, i } })));
  });
  afterEach(async () => {
    await db.close();
  });

  test('insert with an existing id replaces vector and metadata; size unchanged', async () => {
    // New place: the mirror image of the old vector (inside the data's range, far from the old place).
    const moved = data[5]!.map((x) => -x);
    await db.insert({ id: 'id5', vector: moved, metadata: { version: 2 } });
    expect(db.size).toBe(N);
    expect(db.stats().count).toBe(N);
    expect(db.stats().deleted).toBe(1);

    // Found at the new place (graph walk and exact)...
    for (const exact of [false, true]) {
      const [top] = await db.search(moved, { k: 1, efSearch: 64, exact });
      expect(top).toEqual({ id: 'id5', distance: 0, score: 0, metadata: { version: 2 } });
    }
    // ...and no longer at the old place.
    for (const exact of [false, true]) {
      const near = await db.search(data[5]!, { k: 20, efSearch: 64, exact });
      expect(near).toHaveLength(20);
      expect(near.map((h) => h.id)).not.toContain('id5');
      expect(near[0]!.distance).toBeGreaterThan(0);
    }
    // Over every record, id5 appears once, at the distance between old and new vectors.
    const all = await db.search(data[5]!, { k: N + 10 });
    expect(all).toHaveLength(N);
    const five = all.filter((h) => h.id === 'id5');
    expect(five).toHaveLength(1);
    const ref = refDistance('l2', data[5]!, moved);
    expect(Math.abs(five[0]!.distance - ref)).toBeLessThanOrEqual(distanceTolerance(ref));

    const rec = await db.get('id5');
    expect(rec!.vector).toEqual(moved);
    expect(rec!.metadata).toEqual({ version: 2 });
  });

  test('upsert without metadata clears the old metadata', async () => {
    await db.insert({ id: 'id7', vector: data[7]! });
    expect((await db.get('id7'))!.metadata).toBeUndefined();
    const [top] = await db.search(data[7]!, { k: 1 });
    expect(top).toMatchObject({ id: 'id7', distance: 0, metadata: undefined });
  });

  test('insertMany reports inserted and updated counts', async () => {
    const fresh = randomVectors(10, DIM, 2);
    const items = [
      ...fresh.slice(0, 4).map((vector, i) => ({ id: `id${i * 10}`, vector, metadata: { version: 2 } })), // 4 existing
      ...fresh.slice(4).map((vector, i) => ({ id: `new${i}`, vector })), // 6 new
    ];
    const res = await db.insertMany(items);
    expect(res).toEqual({ inserted: 6, updated: 4 });
    expect(db.size).toBe(N + 6);
    expect(db.stats()).toMatchObject({ deleted: 4, slots: N + 10 }); // replaced labels become tombstones
    for (let i = 0; i < 4; i++) {
      const rec = await db.get(`id${i * 10}`);
      expect(Array.from(rec!.vector)).toEqual(Array.from(fresh[i]!));
      expect(rec!.metadata).toEqual({ version: 2 });
    }
    // A second identical call updates all 10.
    expect(await db.insertMany(items)).toEqual({ inserted: 0, updated: 10 });
    expect(db.size).toBe(N + 6);
    // Its vectors took the 4 tombstones' slots (reuseDeleted) plus 6 new
    // ones; its 10 replaced labels are the tombstones now.
    expect(db.stats()).toMatchObject({ deleted: 10, slots: N + 16 });
    // Every id appears once in a search covering everything.
    const all = await db.search(fresh[0]!, { k: 10_000 });
    expect(all).toHaveLength(N + 6);
    expect(new Set(all.map((h) => h.id)).size).toBe(N + 6);
    // The graph walk finds the replaced vectors at their new place.
    for (let i = 0; i < items.length; i++) {
      const [top] = await db.search(items[i]!.vector, { k: 1, efSearch: 64 });
      expect(top).toMatchObject({ id: items[i]!.id, distance: 0 });
    }
  });

  test('the same id twice in one insertMany call → InvalidArgumentError, database unchanged', async () => {
    const queries = randomVectors(5, DIM, 9);
    const before = await fingerprint(db, queries);
    const fresh = randomVectors(3, DIM, 4);
    const err = await caught(
      () =>
        db.insertMany([
          { id: 'brand-new', vector: fresh[0]! },
          { id: 'id1', vector: fresh[1]! },
          { id: 'brand-new', vector: fresh[2]! },
        ]),
      InvalidArgumentError,
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(await db.get('brand-new')).toBeUndefined();
    expect(Array.from((await db.get('id1'))!.vector)).toEqual(Array.from(data[1]!));
    expect(await fingerprint(db, queries)).toEqual(before);
  });
});
