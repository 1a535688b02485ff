/** update(id, changes): metadata in place, or a new vector/text as an upsert that keeps the metadata. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DimensionMismatchError, InvalidArgumentError, MiniVectorDB, NotFoundError, type Metadata } from 'minivectordb';
import { bruteForceKnn, caught, fingerprint, randomVectors } from './helpers.js';

const DIM = 16;
const N = 1500; // > efSearch·M: small-k searches walk the graph

describe('update', () => {
  let db: MiniVectorDB;
  let data: Float32Array[];
  let metas: Metadata[];

  beforeEach(async () => {
    data = randomVectors(N, DIM, 11);
    metas = data.map((_, i) => ({ group: i % 10, i }));
    db = await MiniVectorDB.create({ dim: DIM, M: 8, efConstruction: 64, efSearch: 32, seed: 5 });
    await db.insertMany(data.map((vector, i) => ({ id: `id${i}`, vector, metadata: metas[i] })));
  });
  afterEach(async () => {
    await db.close();
  });

  test('metadata only: replaced in place (same vector, no tombstone); filters and count follow', async () => {
    const before = await db.get('id7');
    // Filtering on a path twice with no write in between builds its label index: it must follow the updates.
    expect(await db.count({ group: 99 })).toBe(0);
    expect(await db.count({ group: 3 })).toBe(N / 10);
    for (let i = 0; i < N; i += 3) {
      metas[i] = { group: 99, i };
      await db.update(`id${i}`, { metadata: metas[i] });
    }
    const after = await db.get('id7');
    expect(after!.vector).toEqual(before!.vector);
    expect(db.stats()).toMatchObject({ count: N, deleted: 0, slots: N });

    // Independent reference: the metadata list kept by this test.
    const expected = metas.flatMap((m, i) => (m.group === 99 ? [`id${i}`] : []));
    expect(await db.count({ group: 99 })).toBe(expected.length);
    const q = data[42]!;
    const hits = await db.search(q, { k: 10, filter: { group: 99 }, exact: true });
    const truth = bruteForceKnn(data, q, 10, 'l2', (i) => metas[i]!.group === 99);
    expect(hits.map((h) => h.id)).toEqual(truth.map((h) => `id${h.index}`));
    for (const h of hits) expect(h.metadata).toEqual(metas[Number(h.id.slice(2))]);
  });

  test('a new vector moves the record and keeps its metadata unless given', async () => {
    const moved = data[9]!.map((x) => -x);
    await db.update('id9', { vector: moved });
    const [top] = await db.search(moved, { k: 1, exact: true });
    expect(top).toMatchObject({ id: 'id9', distance: 0, metadata: metas[9] });
    const near = await db.search(data[9]!, { k: 20, exact: true });
    expect(near.map((h) => h.id)).not.toContain('id9');
    expect(db.stats().count).toBe(N);

    await db.update('id9', { vector: data[9]!, metadata: { group: 1 } });
    expect(await db.get('id9')).toMatchObject({ id: 'id9', metadata: { group: 1 } });
    expect(Array.from((await db.get('id9'))!.vector)).toEqual(Array.from(data[9]!));
  });

  test('unknown id, empty or bad changes: typed errors and the database is unchanged', async () => {
    const queries = data.slice(0, 5);
    const print = await fingerprint(db, queries);
    const missing = await caught(() => db.update('nope', { metadata: { a: 1 } }), NotFoundError);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', id: 'nope', name: 'NotFoundError' });
    await caught(() => db.update('id1', {}), InvalidArgumentError);
    await caught(() => db.update('id1', { tags: 1 } as never), InvalidArgumentError);
    await caught(() => db.update('id1', { vector: [1, 2, 3] }), DimensionMismatchError);
    await caught(() => db.update('id1', { vector: new Float32Array(DIM).fill(Number.NaN) }), InvalidArgumentError);
    await caught(() => db.update('id1', { text: 'hello' }), InvalidArgumentError); // no embedder
    expect(await fingerprint(db, queries)).toEqual(print);
    expect(await db.get('id1')).toMatchObject({ metadata: metas[1] });
  });

  test('survives save and open', async () => {
    await db.update('id3', { metadata: { group: 'x' } });
    await db.update('id4', { vector: data[4]!.map((x) => x * 2) });
    await db.save('memory://update-test');
    const reopened = await MiniVectorDB.open('memory://update-test');
    try {
      expect(await reopened.get('id3')).toMatchObject({ metadata: { group: 'x' } });
      expect(await fingerprint(reopened, data.slice(0, 8))).toEqual(await fingerprint(db, data.slice(0, 8)));
    } finally {
      await reopened.close();
    }
  });

  test('through a worker: same results as on this thread, NotFoundError arrives typed', async () => {
    const worker = await MiniVectorDB.createInWorker({ dim: DIM, M: 8, efConstruction: 64, efSearch: 32, seed: 5 });
    try {
      await worker.insertMany(data.map((vector, i) => ({ id: `id${i}`, vector, metadata: metas[i] })));
      const moved = data[2]!.map((x) => -x);
      for (const target of [db, worker]) {
        await target.update('id1', { metadata: { group: 'w' } });
        await target.update('id2', { vector: moved });
      }
      expect(await worker.get('id1')).toEqual(await db.get('id1'));
      expect(await worker.search(moved, { k: 5 })).toEqual(await db.search(moved, { k: 5 }));
      const e = await caught(() => worker.update('nope', { metadata: {} }), NotFoundError);
      expect(e).toMatchObject({ code: 'NOT_FOUND', id: 'nope' });
    } finally {
      await worker.close();
    }
  });
});
