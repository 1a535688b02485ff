/**
 * `reorder()`: the graph's nodes relabelled for locality. The reference is
 * the same database before the call: every search (graph at two efSearch,
 * `searchBatch`, a metadata filter, exact, BM25 text) gives the same ids and
 * scores, `get()` and `records()` the same records, while the internal order
 * (`ids()`) did change — so a no-op would fail. Also: a snapshot of a
 * reordered database round-trips; a reorder in the write-ahead log is
 * replayed after a crash (the replayed snapshot equals the live one byte
 * for byte); a read-only instance refuses it; in a worker it works too.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LockedError, MiniVectorDB, type SearchHit, type VectorDatabase } from 'minivectordb';
import { caught, clusteredData, tempDir } from './helpers.js';

const DIM = 24;
const N = 2500;

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

const data = clusteredData({ n: N + 40, dim: DIM, seed: 11, clusters: 25, spread: 0.6 });
const queries = Array.from({ length: 25 }, () => data.sample());
const item = (i: number) => ({ id: `r${i}`, vector: data.vectors[i]!, metadata: { g: i % 5, i }, text: `record ${i} group${i % 7} tag${i % 11}` });

/** A database with tombstones (some reused) and a few fresh small inserts. */
async function populate(db: VectorDatabase): Promise<void> {
  await db.insertMany(Array.from({ length: N }, (_, i) => item(i)));
  await db.deleteMany(Array.from({ length: N / 50 }, (_, j) => `r${j * 50 + 3}`));
  for (let i = N; i < N + 40; i += 4) await db.insertMany([item(i), item(i + 1), item(i + 2), item(i + 3)]);
}

const strip = (hits: SearchHit[]) => hits.map((h) => ({ id: h.id, score: h.score, metadata: h.metadata }));

/** Every read whose answer must not change: ids and scores of each search mode, records. */
async function observe(db: VectorDatabase): Promise<unknown> {
  const out: unknown[] = [];
  for (const q of queries) {
    out.push(strip(await db.search(q, { k: 10, efSearch: 16 })));
    out.push(strip(await db.search(q, { k: 10, efSearch: 64 })));
    out.push(strip(await db.search(q, { k: 10, filter: { g: 2 } })));
    out.push(strip(await db.search(q, { k: 10, exact: true })));
  }
  out.push((await db.searchBatch(queries, { k: 10, efSearch: 32 })).map(strip));
  // BM25 breaks equal scores by internal label, which reorder() changes (as
  // compaction does): every match (k above their number) by score, then id.
  const text = strip(await db.search('group3 tag5', { k: N + 100, mode: 'text' }));
  out.push(text.length, text.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)));
  const records = [];
  for await (const r of db.records({ vectors: true })) records.push(r);
  records.sort((a, b) => (a.id < b.id ? -1 : 1));
  out.push(records);
  out.push(await db.get('r7'), await db.get(`r${N + 5}`), await db.get('r3'));
  return out;
}

describe('reorder()', () => {
  for (const quantization of ['none', 'int8'] as const) {
    test(`${quantization}: every search, get() and records() answer the same; the internal order changed`, async () => {
      const db = await MiniVectorDB.create({ dim: DIM, M: 8, efConstruction: 64, seed: 3, quantization, storeText: true });
      await populate(db);
      const before = await observe(db);
      const order = await db.ids();
      await db.reorder();
      const after = await db.ids();
      expect(after).not.toEqual(order); // labels moved
      expect([...after].sort()).toEqual([...order].sort());
      expect(await observe(db)).toEqual(before);
      // Writes after it still work: an insert reuses a tombstone, an upsert replaces.
      await db.insertMany([{ id: 'late', vector: data.vectors[0]! }, { ...item(10), metadata: { g: 9 } }]);
      expect((await db.search(data.vectors[0]!, { k: 1, exact: true }))[0]!.score).toBe(0);
      expect((await db.get('r10'))?.metadata).toEqual({ g: 9 });
      // A snapshot of the reordered database opens to the same answers.
      const copy = await MiniVectorDB.deserialize(await db.serialize());
      expect(await observe(copy)).toEqual(await observe(db));
      expect(await copy.ids()).toEqual(await db.ids());
      await copy.close();
      await db.close();
    });
  }

  test('a reorder in the write-ahead log is replayed after a crash: the same database, byte for byte', async () => {
    const url = tmp.url('reorder-wal.mvdb');
    const db = await MiniVectorDB.create({ dim: DIM, storage: url, durability: 'strict', M: 8, efConstruction: 64, storeText: true });
    await populate(db);
    await db.save(); // the checkpoint the log continues
    const checkpointOrder = await db.ids();
    await db.reorder();
    await db.insertMany([{ id: 'after', vector: data.vectors[5]!, metadata: { g: 1 } }]);
    // A second instance, as after a crash of the first: neither closed nor saved.
    const reopened = await MiniVectorDB.open(url, { durability: 'manual', lock: 'readonly' });
    expect(await reopened.ids()).toEqual(await db.ids());
    expect((await db.ids()).filter((id) => id !== 'after')).not.toEqual(checkpointOrder); // the log holds a real relabelling
    const [live, again] = [await db.serialize(), await reopened.serialize()];
    expect(Buffer.compare(Buffer.from(again), Buffer.from(live))).toBe(0);
    expect(await observe(reopened)).toEqual(await observe(db));

    // The reader may not reorder; the writer's database is untouched by the attempt.
    expect((await caught(() => reopened.reorder(), LockedError)).message).toMatch(/read-only/);
    await reopened.close();
    await db.close();
  });

  test('in a worker', async () => {
    const db = await MiniVectorDB.createInWorker({ dim: DIM, M: 8, efConstruction: 64, storeText: true });
    try {
      await populate(db);
      const before = await observe(db);
      const order = await db.ids();
      await db.reorder();
      expect(await db.ids()).not.toEqual(order);
      expect(await observe(db)).toEqual(before);
    } finally {
      await db.close();
    }
  });
});
