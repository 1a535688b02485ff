/**
 * Slot reuse under churn (reuseDeleted, on by default): inserts take the
 * slots of deleted records, so stats().slots stays at the live peak; recall@10
 * against a brute force over the live records stays ≥ 0.95; deleted ids are
 * never returned; ids, vectors, metadata and the filter indexes follow the
 * reused labels; save/open after churn answers identically and keeps reusing
 * the same slots; reuseDeleted: false keeps the old growth. The churn runs
 * on float32 and on int8 indexes with and without float32 rows (recall@10
 * ≥ 0.95, ≥ 0.95 and ≥ 0.90: without float32 there is no re-ranking).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDB, type CreateOptions } from 'minivectordb';
import { bruteForceKnn, caught, clusteredData, mulberry32, recallAtK } from './helpers.js';

const DIM = 24;
const N = 2500;
const ROUNDS = 4;
const CHURN = 0.3;
const K = 10;

/** Storage configurations of the churn: name, create options, recall@10 floor. */
const CASES: [string, Partial<CreateOptions>, number][] = [
  ['float32', {}, 0.95],
  ['int8, keepFloat', { quantization: 'int8', keepFloat: true }, 0.95],
  ['int8 codes only (keepFloat false)', { quantization: 'int8', keepFloat: false }, 0.9],
];

describe.each(CASES)('slot reuse under churn: %s', (_name, storage, floor) => {
  let db: MiniVectorDB;
  const exactVectors = storage.quantization !== 'int8' || storage.keepFloat !== false;
  const d = clusteredData({ n: N * 3, dim: DIM, seed: 909, clusters: 16, centreScale: 1 });
  const queries = Array.from({ length: 60 }, () => d.sample());
  /** Vector and round of every id ever inserted; `live` lists the current ids. */
  const vectorOf = new Map<string, Float32Array>();
  const roundOf = new Map<string, number>();
  let live: string[] = [];
  let next = 0;
  const rng = mulberry32(31);

  const insertFresh = async (target: MiniVectorDB, count: number, round: number): Promise<string[]> => {
    const items = Array.from({ length: count }, () => {
      const id = `v${next}`;
      const vector = d.vectors[next++]!;
      vectorOf.set(id, vector);
      roundOf.set(id, round);
      return { id, vector, metadata: { round, odd: next % 2 === 1 } };
    });
    await target.insertMany(items);
    return items.map((it) => it.id);
  };

  /** Mean recall@10 of the graph search against brute force over `live`; no dead id returned. */
  const checkedRecall = async (target: MiniVectorDB, filterRound?: number): Promise<number> => {
    const ids = filterRound === undefined ? live : live.filter((id) => roundOf.get(id) === filterRound);
    const vectors = ids.map((id) => vectorOf.get(id)!);
    const alive = new Set(ids);
    const hits = await target.searchBatch(queries, { k: K, efSearch: 64, ...(filterRound === undefined ? {} : { filter: { round: filterRound } }) });
    let sum = 0;
    for (let q = 0; q < queries.length; q++) {
      for (const h of hits[q]!) {
        expect(alive.has(h.id), `${h.id} is not live (or not in round ${filterRound})`).toBe(true);
        expect(h.metadata).toEqual({ round: roundOf.get(h.id), odd: Number(h.id.slice(1)) % 2 === 0 });
      }
      const truth = bruteForceKnn(vectors, queries[q]!, K, 'l2').map((r) => ids[r.index]!);
      sum += recallAtK(hits[q]!.map((h) => h.id), truth);
    }
    return sum / queries.length;
  };

  beforeAll(async () => {
    db = await MiniVectorDB.create({ dim: DIM, metric: 'l2', M: 12, efConstruction: 100, seed: 3, ...storage });
    live = await insertFresh(db, N, 0);
  });
  afterAll(async () => {
    await db?.close();
  });

  test(`${ROUNDS} rounds of deleting ${CHURN * 100}% and inserting as many: slots stay at ${N}, recall@10 ≥ ${floor}`, async () => {
    // Build the lazy equality index on `round` (second use) before the churn:
    // reused labels must not be answered from it.
    await db.count({ round: 0 });
    await db.count({ round: 0 });
    for (let round = 1; round <= ROUNDS; round++) {
      const doomed = live.filter(() => rng() < CHURN);
      expect(await db.deleteMany(doomed)).toBe(doomed.length);
      const gone = new Set(doomed);
      live = live.filter((id) => !gone.has(id));
      expect(db.stats()).toMatchObject({ count: live.length, deleted: doomed.length, slots: N });
      const added = await insertFresh(db, doomed.length, round);
      live.push(...added);
      expect(db.stats()).toMatchObject({ count: N, deleted: 0, slots: N });
      for (const id of doomed.slice(0, 20)) expect(await db.get(id)).toBeUndefined();
      for (const id of added.slice(0, 20)) {
        const rec = await db.get(id);
        if (exactVectors) {
          expect(Array.from(rec!.vector)).toEqual(Array.from(vectorOf.get(id)!));
        } else {
          // Dequantized codes: nearest to this id's vector among every vector
          // ever inserted, so the reused slot does not hold stale codes.
          const all = [...vectorOf.keys()];
          const nearest = bruteForceKnn(all.map((v) => vectorOf.get(v)!), rec!.vector, 1, 'l2')[0]!;
          expect(all[nearest.index]).toBe(id);
        }
        expect(rec!.metadata!['round']).toBe(round);
      }
      expect(await db.count({ round })).toBe(added.length);
      expect(await db.count({ round: 0 })).toBe(live.filter((id) => roundOf.get(id) === 0).length);
      const recall = await checkedRecall(db);
      expect(recall, `round ${round}: recall@10 ${recall}`).toBeGreaterThanOrEqual(floor);
      const filtered = await checkedRecall(db, round);
      expect(filtered, `round ${round}: filtered recall@10 ${filtered}`).toBeGreaterThanOrEqual(floor);
    }
  });

  test('save → open after churn (with tombstones pending): identical answers, and the same slots are reused next', async () => {
    const doomed = live.filter(() => rng() < CHURN);
    await db.deleteMany(doomed);
    const gone = new Set(doomed);
    live = live.filter((id) => !gone.has(id));
    const half = Math.floor(doomed.length / 2);
    live.push(...(await insertFresh(db, half, 9)));
    expect(db.stats()).toMatchObject({ deleted: doomed.length - half, slots: N });

    const url = `memory://reuse-${Date.now()}`;
    await db.save(url);
    const opened = await MiniVectorDB.open(url);
    try {
      const same = async (): Promise<void> => {
        const { memoryBytes: _a, ...sa } = db.stats();
        const { memoryBytes: _b, ...sb } = opened.stats();
        expect(sb).toEqual(sa);
        expect(await opened.searchBatch(queries, { k: K })).toEqual(await db.searchBatch(queries, { k: K }));
        expect(await opened.searchBatch(queries.slice(0, 10), { k: K, filter: { odd: true } })).toEqual(
          await db.searchBatch(queries.slice(0, 10), { k: K, filter: { odd: true } }),
        );
      };
      await same();
      // The same inserts into both land in the same slots (the free slots
      // are derived from the tombstones), so the graphs stay identical.
      const start = next;
      const added = await insertFresh(db, doomed.length, 10);
      next = start;
      await insertFresh(opened, doomed.length, 10);
      live.push(...added);
      expect(db.stats()).toMatchObject({ deleted: 0, slots: N + half });
      await same();
      expect(await checkedRecall(opened)).toBeGreaterThanOrEqual(floor);
    } finally {
      await opened.close();
      await MiniVectorDB.removeSaved(url);
    }
  });

  test('compact() after churn keeps every live record', async () => {
    await db.deleteMany(live.slice(0, 100));
    live = live.slice(100);
    expect(await db.compact()).toBe(100);
    expect(db.stats()).toMatchObject({ count: live.length, deleted: 0, slots: live.length });
    expect(await checkedRecall(db)).toBeGreaterThanOrEqual(floor);
  });
});

describe('reuseDeleted option', () => {
  test('false: inserts append and tombstones stay until compact(); it applies after open() too', async () => {
    const v = (x: number): number[] => [x, 0, 0];
    const db = await MiniVectorDB.create({ dim: 3, reuseDeleted: false });
    await db.insertMany([0, 1, 2, 3].map((i) => ({ id: `a${i}`, vector: v(i) })));
    await db.delete('a1');
    await db.insert({ id: 'b', vector: v(10) });
    expect(db.stats()).toMatchObject({ count: 4, deleted: 1, slots: 5 });
    const url = `memory://reuse-off-${Date.now()}`;
    await db.save(url);
    await db.close();
    const off = await MiniVectorDB.open(url, { reuseDeleted: false, durability: 'manual' }); // its insert is not persisted: the next open starts from the snapshot
    await off.insert({ id: 'c', vector: v(11) });
    expect(off.stats()).toMatchObject({ deleted: 1, slots: 6 });
    await off.close();
    const on = await MiniVectorDB.open(url); // default: reuse
    await on.insert({ id: 'c', vector: v(11) });
    expect(on.stats()).toMatchObject({ deleted: 0, slots: 5 });
    expect((await on.search(v(11), { k: 1 }))[0]).toMatchObject({ id: 'c', distance: 0 });
    expect((await on.search(v(1), { k: 5 })).map((h) => h.id).sort()).toEqual(['a0', 'a2', 'a3', 'b', 'c']);
    await on.close();
    await MiniVectorDB.removeSaved(url);
  });

  test('a non-boolean is an InvalidArgumentError', async () => {
    const e = await caught(() => MiniVectorDB.create({ dim: 3, reuseDeleted: 'yes' as unknown as boolean }), InvalidArgumentError);
    expect(e.message).toMatch(/reuseDeleted must be a boolean/);
  });
});
