/** Same seed and same inserts → byte-identical snapshots. */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB, type InsertItem, type Metric } from 'minivectordb';
import { clusteredData, tempDir } from './helpers.js';

describe('determinism', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let items: InsertItem[];
  beforeAll(async () => {
    tmp = await tempDir();
    const d = clusteredData({ n: 1500, dim: 16, seed: 31, clusters: 6 });
    items = d.vectors.map((vector, i) => ({ id: `k${i}`, vector, metadata: { i, tag: ['p', 'q', 'r'][i % 3]! } }));
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  async function build(metric: Metric, seed: number, url: string): Promise<Uint8Array> {
    const db = await MiniVectorDB.create({ dim: 16, metric, M: 8, efConstruction: 50, seed });
    // Same operations in the same order, in several calls.
    await db.insertMany(items.slice(0, 700));
    for (const item of items.slice(700, 760)) await db.insert(item);
    await db.insertMany(items.slice(760));
    await db.delete('k5');
    await db.insert({ id: 'k6', vector: items[7]!.vector, metadata: { moved: true } });
    await db.save(url);
    await db.close();
    return new Uint8Array(await readFile(new URL(url)));
  }

  test.each(['l2', 'cosine', 'ip'] as Metric[])('%s: two databases with the same seed save byte-identical files', async (metric) => {
    const a = await build(metric, 99, tmp.url(`${metric}-a.mvdb`));
    const b = await build(metric, 99, tmp.url(`${metric}-b.mvdb`));
    expect(a.length).toBeGreaterThan(1500 * 16 * 4);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  test('saving the same database twice gives the same bytes; open → save reproduces the file', async () => {
    const url1 = tmp.url('twice-1.mvdb');
    const url2 = tmp.url('twice-2.mvdb');
    const url3 = tmp.url('twice-3.mvdb');
    const db = await MiniVectorDB.create({ dim: 16, seed: 5 });
    await db.insertMany(items.slice(0, 500));
    await db.save(url1);
    await db.search(items[0]!.vector, { k: 5 }); // searching changes nothing persistent
    await db.save(url2);
    await db.close();
    const opened = await MiniVectorDB.open(url1);
    await opened.save(url3);
    await opened.close();
    const [b1, b2, b3] = await Promise.all([url1, url2, url3].map((u) => readFile(new URL(u))));
    expect(b1!.equals(b2!)).toBe(true);
    expect(b1!.equals(b3!)).toBe(true);
  });
});
