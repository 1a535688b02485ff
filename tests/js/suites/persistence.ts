/** Snapshots: save → open gives back the same database, bit for bit. */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB, type Metric, type SearchHit } from 'minivectordb';
import { clusteredData, distanceTolerance, refDistance, statsWithoutMemory, tempDir } from './helpers.js';

const DIM = 20;
const N = 2500;

/** Bit-exact equality of hit lists (ids, distances via Object.is, scores, metadata). */
function expectBitEqual(a: SearchHit[][], b: SearchHit[][]): void {
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) {
    expect(b[i]!.map((h) => h.id)).toEqual(a[i]!.map((h) => h.id));
    for (let j = 0; j < a[i]!.length; j++) {
      expect(Object.is(b[i]![j]!.distance, a[i]![j]!.distance)).toBe(true);
      expect(Object.is(b[i]![j]!.score, a[i]![j]!.score)).toBe(true);
      expect(b[i]![j]!.metadata).toEqual(a[i]![j]!.metadata);
    }
  }
}

describe.each(['l2', 'cosine', 'ip'] as Metric[])('persistence (%s)', (metric) => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let db: MiniVectorDB;
  let data: Float32Array[];
  let queries: Float32Array[];
  const deleted = new Set<number>();

  const metaOf = (i: number) => ({
    i,
    third: i % 3 === 0,
    name: `item ${i} — ünïcode ✓`,
    tags: ['a', i % 3 === 0 ? 'three' : 'other'],
    nested: { even: i % 2 === 0, ratio: i / 7, nothing: null, deep: [{ x: -i }] },
  });

  beforeAll(async () => {
    tmp = await tempDir();
    const d = clusteredData({ n: N, dim: DIM, seed: 321, clusters: 12, centreScale: 1 });
    data = d.vectors;
    queries = Array.from({ length: 100 }, () => d.sample());
    db = await MiniVectorDB.create({ dim: DIM, metric, M: 10, efConstruction: 80, efSearch: 40, seed: 1234 });
    await db.insertMany(data.map((vector, i) => (i % 5 === 4 ? { id: `x${i}`, vector } : { id: `x${i}`, vector, metadata: metaOf(i) })));
    // Tombstones and replacements must survive the round trip too.
    for (let i = 0; i < N; i += 11) {
      await db.delete(`x${i}`);
      deleted.add(i);
    }
    await db.insert({ id: 'x1', vector: data[2]!, metadata: { replaced: true } });
  });
  afterAll(async () => {
    await db?.close();
    await tmp?.cleanup();
  });

  async function expectSameDatabase(a: MiniVectorDB, b: MiniVectorDB): Promise<void> {
    expect(b.size).toBe(a.size);
    expect(b.dim).toBe(a.dim);
    expect(b.metric).toBe(a.metric);
    expect(statsWithoutMemory(b)).toEqual(statsWithoutMemory(a));
    expectBitEqual(await a.searchBatch(queries, { k: 10 }), await b.searchBatch(queries, { k: 10 }));
    expectBitEqual(await a.searchBatch(queries.slice(0, 5), { k: 10, exact: true }), await b.searchBatch(queries.slice(0, 5), { k: 10, exact: true }));
    const filtered = await a.searchBatch(queries.slice(0, 20), { k: 10, filter: { third: true } });
    expect(filtered[0]).toHaveLength(10);
    expectBitEqual(filtered, await b.searchBatch(queries.slice(0, 20), { k: 10, filter: { third: true } }));
    for (let i = 0; i < N; i += 7) {
      const ra = await a.get(`x${i}`);
      const rb = await b.get(`x${i}`);
      if (ra === undefined) {
        expect(rb).toBeUndefined();
        continue;
      }
      expect(rb!.id).toBe(ra.id);
      expect(new Uint8Array(rb!.vector.buffer, rb!.vector.byteOffset, rb!.vector.byteLength)).toEqual(
        new Uint8Array(ra.vector.buffer, ra.vector.byteOffset, ra.vector.byteLength),
      );
      expect(rb!.metadata).toEqual(ra.metadata);
    }
  }

  test('file:// save → open: identical searches, records and stats', async () => {
    const url = tmp.url('db.mvdb');
    await db.save(url);
    const bytes = await readFile(new URL(url));
    expect(Buffer.from(bytes.subarray(0, 8)).toString('latin1')).toBe('MVDBSNAP');

    const opened = await MiniVectorDB.open(url);
    try {
      expect(opened.size).toBe(N - deleted.size);
      // The new x1 took the slot of the lowest tombstone (x0), its old slot became one.
      expect(opened.stats()).toMatchObject({ deleted: deleted.size, slots: N });
      for (const i of [0, 11, 22]) expect(await opened.get(`x${i}`)).toBeUndefined();
      const x1 = await opened.get('x1');
      expect(x1!.metadata).toEqual({ replaced: true });
      const x3 = await opened.get('x3');
      expect(x3!.metadata).toEqual(metaOf(3));
      expect((await opened.get('x4'))!.metadata).toBeUndefined();
      await expectSameDatabase(db, opened);
      // Deleted ids stay invisible after the round trip, even with k ≥ size.
      const all = await opened.search(queries[0]!, { k: N });
      expect(all).toHaveLength(N - deleted.size);
      for (const h of all) expect(deleted.has(Number(h.id.slice(1)))).toBe(false);
    } finally {
      await opened.close();
    }
  });

  test('memory:// save → open', async () => {
    const url = `memory://persistence-${metric}`;
    await db.save(url);
    const opened = await MiniVectorDB.open(url);
    try {
      await expectSameDatabase(db, opened);
    } finally {
      await opened.close();
    }
  });

  test('opened database keeps working: insert, delete, save again (default URL and another URL)', async () => {
    const url = tmp.url('continue.mvdb');
    await db.save(url);
    const opened = await MiniVectorDB.open(url);
    const extra = Array.from({ length: 300 }, (_, j) => data[j]!.map((x, t) => x + (t === j % DIM ? 0.5 : 0)));
    expect(await opened.insertMany(extra.map((vector, j) => ({ id: `new${j}`, vector, metadata: { j } })))).toEqual({ inserted: 300, updated: 0 });
    expect(await opened.delete('x2')).toBe(true);
    expect(opened.size).toBe(N - deleted.size + 300 - 1);
    for (const j of [0, 150, 299]) {
      if (metric !== 'ip') {
        // Under l2 and cosine a vector is its own nearest neighbour (not so under ip).
        const [top] = await opened.search(extra[j]!, { k: 1, efSearch: 100 });
        expect(top!.id).toBe(`new${j}`);
        expect(Math.abs(top!.distance)).toBeLessThanOrEqual(metric === 'l2' ? 0 : 1e-5);
      }
      const [own] = await opened.search(extra[j]!, { k: 1, filter: { j } });
      expect(own!.id).toBe(`new${j}`);
      const ref = refDistance(metric, extra[j]!, extra[j]!);
      expect(Math.abs(own!.distance - ref)).toBeLessThanOrEqual(distanceTolerance(ref));
    }
    // save() without a URL writes back to where it was opened from.
    await opened.save();
    const again = await MiniVectorDB.open(url);
    await expectSameDatabase(opened, again);
    await again.close();
    // save(url) to a different URL; the original file keeps the newer state.
    const other = tmp.url('other.mvdb');
    await opened.save(other);
    const fromOther = await MiniVectorDB.open(other);
    await expectSameDatabase(opened, fromOther);
    expect(await fromOther.get('x2')).toBeUndefined();
    expect((await fromOther.get('new7'))!.metadata).toEqual({ j: 7 });
    await fromOther.close();
    expect(await readFile(new URL(other))).toEqual(await readFile(new URL(url)));
    await opened.close();
  });
});

describe('storage option', () => {
  test('create({ storage: file:// }) then save() writes there; a memory:// default also round-trips', async () => {
    const tmp = await tempDir();
    try {
      const url = tmp.url('configured.mvdb');
      const db = await MiniVectorDB.create({ dim: 3, storage: url });
      await db.insert({ id: 'a', vector: [1, 2, 3], metadata: { k: 'v' } });
      await db.save();
      const opened = await MiniVectorDB.open(url);
      expect(await opened.get('a')).toEqual({ id: 'a', vector: new Float32Array([1, 2, 3]), metadata: { k: 'v' } });
      await opened.close();

      const mem = await MiniVectorDB.create({ dim: 2, storage: 'memory://configured' });
      await mem.insert({ id: 'm', vector: [0.5, 0.25] });
      await mem.save();
      const memOpened = await MiniVectorDB.open('memory://configured');
      expect(await memOpened.search([0.5, 0.25], { k: 1 })).toEqual([{ id: 'm', distance: 0, score: 0, metadata: undefined }]);
      await Promise.all([db.close(), mem.close(), memOpened.close()]);
    } finally {
      await tmp.cleanup();
    }
  });

  test('an empty database round-trips', async () => {
    const db = await MiniVectorDB.create({ dim: 5, metric: 'cosine', M: 4, efConstruction: 10, efSearch: 7, seed: 9 });
    await db.save('memory://empty');
    const opened = await MiniVectorDB.open('memory://empty');
    expect(opened.size).toBe(0);
    expect(statsWithoutMemory(opened)).toEqual(statsWithoutMemory(db));
    expect(await opened.search([1, 0, 0, 0, 0])).toEqual([]);
    await opened.insert({ id: 'first', vector: [0, 0, 3, 0, 0] });
    expect((await opened.search([0, 0, 1, 0, 0], { k: 1 }))[0]!.id).toBe('first');
    await Promise.all([db.close(), opened.close()]);
  });
});
