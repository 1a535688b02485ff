/** count(filter?), deleteMany(ids) and deleteByFilter(filter). */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ClosedError, InvalidArgumentError, MiniVectorDB, type Metadata } from 'minivectordb';
import { bruteForceKnn, caught, checkExactTopK, clusteredData, fingerprint, recallAtK } from './helpers.js';

const DIM = 12;
const N = 1500;
const K = 10;

describe('count, deleteMany, deleteByFilter', () => {
  let db: MiniVectorDB;
  let data: Float32Array[];
  let meta: Metadata[];
  let queries: Float32Array[];
  const idOf = (i: number): string => `p${i}`;

  beforeEach(async () => {
    const d = clusteredData({ n: N, dim: DIM, seed: 606, clusters: 8, centreScale: 1 });
    data = d.vectors;
    queries = Array.from({ length: 10 }, () => d.sample());
    meta = data.map((_, i) => ({ i, mod7: i % 7, kind: i % 3 === 0 ? 'a' : 'b', info: { odd: i % 2 === 1 } }));
    db = await MiniVectorDB.create({ dim: DIM, M: 12, efConstruction: 100, efSearch: 48, seed: 4 });
    await db.insertMany(data.map((vector, i) => ({ id: idOf(i), vector, metadata: meta[i] })));
  });
  afterEach(async () => {
    await db.close();
  });

  /** Exact and HNSW search agree with brute force over the records `live` admits. */
  async function expectSearchOver(live: (i: number) => boolean): Promise<void> {
    let recall = 0;
    for (const q of queries) {
      const truth = bruteForceKnn(data, q, K + 1, 'l2', live);
      expect(checkExactTopK(await db.search(q, { k: K, exact: true }), truth, K, idOf)).toBeUndefined();
      const hits = await db.search(q, { k: K });
      expect(hits).toHaveLength(Math.min(K, truth.length));
      for (const h of hits) expect(live(Number(h.id.slice(1)))).toBe(true);
      recall += recallAtK(hits.map((h) => h.id), truth.slice(0, K).map((r) => idOf(r.index)));
    }
    expect(recall / queries.length).toBeGreaterThanOrEqual(0.95);
  }

  test('count() is the live size; count(filter) the number of matching live records', async () => {
    expect(await db.count()).toBe(N);
    expect(await db.count(undefined)).toBe(N);
    expect(await db.count({})).toBe(N);
    const ref = (pred: (m: Metadata) => boolean): number => meta.filter(pred).length;
    expect(await db.count({ kind: 'a' })).toBe(ref((m) => m.kind === 'a'));
    expect(await db.count({ mod7: { $in: [1, 2] }, 'info.odd': true })).toBe(
      ref((m) => (m.mod7 === 1 || m.mod7 === 2) && (m.info as Metadata).odd === true),
    );
    expect(await db.count({ i: { $gte: 100, $lt: 250 } })).toBe(150);
    expect(await db.count({ kind: 'zzz' })).toBe(0);
    await db.delete(idOf(0)); // kind 'a'
    expect(await db.count()).toBe(N - 1);
    expect(await db.count({ kind: 'a' })).toBe(ref((m) => m.kind === 'a') - 1);
  });

  test('count() runs after earlier calls (queued, not racing)', async () => {
    const pending = db.insert({ id: 'extra', vector: data[0]!, metadata: { kind: 'a' } });
    const n = db.count({ kind: 'a' });
    await pending;
    expect(await n).toBe(meta.filter((m) => m.kind === 'a').length + 1);
  });

  test('deleteMany: returns the number deleted; unknown and repeated ids are ignored', async () => {
    const ids = [idOf(5), 'nope', idOf(6), idOf(5), idOf(7), 'x'];
    expect(await db.deleteMany(ids)).toBe(3);
    expect(db.size).toBe(N - 3);
    expect(db.stats()).toMatchObject({ count: N - 3, deleted: 3 });
    for (const i of [5, 6, 7]) expect(await db.get(idOf(i))).toBeUndefined();
    expect(await db.get(idOf(8))).toBeDefined();
    expect(await db.deleteMany([idOf(5), idOf(6)])).toBe(0); // already deleted
    expect(await db.deleteMany([])).toBe(0);
    expect(db.stats()).toMatchObject({ count: N - 3, deleted: 3 });
  });

  test('deleteMany of a third of the records: searches equal brute force over the rest', async () => {
    const dead = new Set<number>();
    for (let i = 0; i < N; i += 3) dead.add(i);
    for (const q of queries.slice(0, 3)) for (const r of bruteForceKnn(data, q, 20, 'l2')) dead.add(r.index);
    expect(await db.deleteMany([...dead].map(idOf))).toBe(dead.size);
    expect(db.size).toBe(N - dead.size);
    await expectSearchOver((i) => !dead.has(i));
  });

  test('deleteMany validates every id first: a bad one deletes nothing', async () => {
    const before = await fingerprint(db, queries.slice(0, 3));
    const bad: unknown[] = [
      [idOf(1), 42],
      [idOf(1), ''],
      [idOf(1), null],
      [idOf(1), undefined],
      [idOf(1), { id: idOf(2) }],
      idOf(1),
      null,
      undefined,
      new Set([idOf(1)]),
    ];
    for (const ids of bad) {
      const e = await caught(() => db.deleteMany(ids as string[]), InvalidArgumentError);
      expect(e.code).toBe('INVALID_ARGUMENT');
    }
    expect(await caught(() => db.deleteMany([idOf(1), 42] as never), InvalidArgumentError)).toHaveProperty('message', 'ids[1] must be a non-empty string, got number 42');
    expect(await fingerprint(db, queries.slice(0, 3))).toEqual(before);
    expect(await db.get(idOf(1))).toBeDefined();
  });

  test('deleteByFilter deletes exactly the matching records and returns their number', async () => {
    const f = { $or: [{ mod7: 3 }, { i: { $lt: 40 } }] };
    const doomed = (i: number): boolean => i % 7 === 3 || i < 40;
    const want = data.filter((_, i) => doomed(i)).length;
    expect(await db.deleteByFilter(f)).toBe(want);
    expect(db.size).toBe(N - want);
    expect(await db.count(f)).toBe(0);
    expect(await db.deleteByFilter(f)).toBe(0);
    for (const i of [3, 10, 39, 41]) expect((await db.get(idOf(i))) === undefined).toBe(doomed(i));
    await expectSearchOver((i) => !doomed(i));
    // A filtered search over what is left, compared with brute force.
    const left = (i: number): boolean => !doomed(i) && i % 3 === 0;
    const truth = bruteForceKnn(data, queries[0]!, K + 1, 'l2', left);
    expect(checkExactTopK(await db.search(queries[0]!, { k: K, filter: { kind: 'a' }, exact: true }), truth, K, idOf)).toBeUndefined();
  });

  test('deleteByFilter({}) deletes everything; deleted ids can be inserted again', async () => {
    expect(await db.deleteByFilter({})).toBe(N);
    expect(db.size).toBe(0);
    expect(await db.search(queries[0]!, { k: K })).toEqual([]);
    await db.insert({ id: idOf(1), vector: data[1]!, metadata: { kind: 'new' } });
    expect(await db.count({ kind: 'new' })).toBe(1);
    expect((await db.search(data[1]!, { k: 1 }))[0]!.id).toBe(idOf(1));
  });

  test('deleteByFilter without a filter or with a bad one → InvalidArgumentError, nothing deleted', async () => {
    const before = await fingerprint(db, queries.slice(0, 3));
    await caught(() => db.deleteByFilter(undefined as never), InvalidArgumentError);
    await caught(() => db.deleteByFilter({ kind: { $like: 'a' } } as never), InvalidArgumentError);
    await caught(() => db.deleteByFilter({ kind: 'a', i: { $gt: [] } } as never), InvalidArgumentError);
    await caught(() => db.count({ kind: { $like: 'a' } } as never), InvalidArgumentError);
    await caught(() => db.count('a' as never), InvalidArgumentError);
    expect(await fingerprint(db, queries.slice(0, 3))).toEqual(before);
  });

  test('deletions survive save and open', async () => {
    await db.deleteMany([idOf(1), idOf(2)]);
    await db.deleteByFilter({ mod7: 4 });
    const url = `memory://count-delete-${Date.now()}`;
    await db.save(url);
    const again = await MiniVectorDB.open(url);
    try {
      expect(again.size).toBe(db.size);
      expect(await again.count({ mod7: 4 })).toBe(0);
      expect(await again.get(idOf(2))).toBeUndefined();
      expect(await fingerprint(again, queries)).toEqual(await fingerprint(db, queries));
    } finally {
      await again.close();
    }
  });

  test('after close(): ClosedError', async () => {
    const other = await MiniVectorDB.create({ dim: 2 });
    await other.close();
    await caught(() => other.count(), ClosedError);
    await caught(() => other.deleteMany(['a']), ClosedError);
    await caught(() => other.deleteByFilter({}), ClosedError);
  });
});
