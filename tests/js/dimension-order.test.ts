/**
 * Large l2 rows are stored in a learned dimension order (variance first, so
 * the graph walk can stop measuring far neighbours early). Seen from outside
 * nothing changes: vectors come back bit for bit, search agrees with the
 * brute-force reference on the caller's vectors, and snapshots, reloads and
 * compaction keep both.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MiniVectorDB, type SearchHit } from 'minivectordb';
import { bruteForceKnn, checkExactTopK, clusteredData, recallAtK } from './helpers.js';

const DIM = 256; // 1,024-byte rows: ordered once 1,024 vectors are stored
const N = 2000;
const K = 10;

let db: MiniVectorDB;
let data: Float32Array[];
let queries: Float32Array[];
const idOf = (i: number): string => `v${i}`;

/** Widths of the dimensions, a fixed shuffle of 0.05 … 12.8: the widest are scattered through the row. */
function scaled(v: Float32Array): Float32Array {
  for (let j = 0; j < DIM; j++) v[j]! *= 0.05 * (1 + ((j * 97) % DIM));
  return v;
}

function bytesOf(v: Float32Array): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

async function expectVectorsKept(d: MiniVectorDB, indices: readonly number[]): Promise<void> {
  for (const i of indices) {
    const rec = await d.get(idOf(i));
    expect(rec, idOf(i)).toBeDefined();
    expect(bytesOf(rec!.vector)).toEqual(bytesOf(data[i]!));
  }
}

beforeAll(async () => {
  const d = clusteredData({ n: N, dim: DIM, seed: 4242, clusters: 20, centreScale: 1 });
  data = d.vectors.map(scaled);
  queries = Array.from({ length: 40 }, () => scaled(d.sample()));
  db = await MiniVectorDB.create({ dim: DIM, metric: 'l2', M: 16, efConstruction: 200, efSearch: 64, seed: 9 });
  await db.insertMany(data.map((vector, i) => ({ id: idOf(i), vector })));
});
afterAll(async () => {
  await db?.close();
});

test('vectors come back bit for bit in the order they were given', async () => {
  await expectVectorsKept(db, Array.from({ length: N / 10 }, (_, k) => k * 10 + 3));
});

test('graph search: recall@10 ≥ 0.95 against brute force; exact search equals it', async () => {
  const hits = await db.searchBatch(queries, { k: K });
  const exact = await db.searchBatch(queries, { k: K, exact: true });
  let recall = 0;
  queries.forEach((q, i) => {
    const ref = bruteForceKnn(data, q, K + 1, 'l2');
    recall += recallAtK(hits[i]!.map((h) => h.id), ref.slice(0, K).map((r) => idOf(r.index)));
    expect(checkExactTopK(exact[i]!, ref, K, idOf)).toBeUndefined();
  });
  expect(recall / queries.length).toBeGreaterThanOrEqual(0.95);
});

test('save → open: same vectors, same hits bit for bit; compaction keeps the vectors', async () => {
  const before: SearchHit[][] = await db.searchBatch(queries, { k: K });
  await db.save('memory://dimension-order');
  const opened = await MiniVectorDB.open('memory://dimension-order');
  try {
    await expectVectorsKept(opened, [0, 1, 999, 1023, 1024, 1500, N - 1]);
    const after = await opened.searchBatch(queries, { k: K });
    expect(after.map((h) => h.map((x) => [x.id, x.distance]))).toEqual(before.map((h) => h.map((x) => [x.id, x.distance])));
    for (let i = 0; i < N; i += 3) await opened.delete(idOf(i));
    expect(await opened.compact()).toBe(Math.ceil(N / 3));
    await expectVectorsKept(opened, [1, 2, 1000, 1024, N - 1]);
  } finally {
    await opened.close();
  }
});
