/**
 * Every committed legacy snapshot (tests/fixtures/snapshots/v*.mvdb, written
 * once by make-legacy.mjs with the code of that format version) opens with
 * the current code: same records, metadata and tombstone, exact search equal
 * to the sidecar's brute-force answers, and a re-save in the current format
 * round-trips.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiniVectorDB, type Metric } from 'minivectordb';
import { distanceTolerance, recallAtK, statsWithoutMemory, tempDir } from './helpers.js';

interface Sidecar {
  version: string;
  metric: Metric;
  dim: number;
  count: number;
  M: number;
  efConstruction: number;
  efSearch: number;
  k: number;
  deletedId: string;
  vectors: number[][];
  queries: number[][];
  expected: { id: string; distance: number }[][];
}

const dir = fileURLToPath(new URL('../fixtures/snapshots/', import.meta.url));
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.mvdb')).sort();

test('at least the v1.0 fixtures are committed', () => {
  expect(fixtures).toEqual(expect.arrayContaining(['v1.0-l2.mvdb', 'v1.0-cosine.mvdb']));
});

describe.each(fixtures)('%s', (file) => {
  const side = JSON.parse(readFileSync(dir + file.replace(/\.mvdb$/, '.json'), 'utf8')) as Sidecar;
  let db: MiniVectorDB;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    db = await MiniVectorDB.open(pathToFileURL(dir + file).href);
    tmp = await tempDir();
  });
  afterAll(async () => {
    await db?.close();
    await tmp?.cleanup();
  });

  test('configuration, count and tombstone as saved', async () => {
    expect(db.stats()).toMatchObject({ count: side.count, deleted: 1, dim: side.dim, metric: side.metric, M: side.M, efConstruction: side.efConstruction, efSearch: side.efSearch, quantization: 'none' });
    expect(await db.get(side.deletedId)).toBeUndefined();
    const r = await db.get('v3');
    expect(r?.metadata).toEqual({ i: 3, tag: 'a' });
    const v = side.vectors[3]!;
    const norm = side.metric === 'cosine' ? Math.hypot(...v) : 1;
    for (let i = 0; i < side.dim; i++) expect(r!.vector[i]).toBeCloseTo(v[i]! / norm, 6);
  });

  test('exact search equals the brute-force answers of the sidecar; HNSW finds them too', async () => {
    let recall = 0;
    for (let qi = 0; qi < side.queries.length; qi++) {
      const want = side.expected[qi]!;
      const exact = await db.search(side.queries[qi]!, { k: side.k, exact: true });
      expect(exact.map((h) => h.id)).toEqual(want.map((h) => h.id));
      exact.forEach((h, i) => expect(Math.abs(h.distance - want[i]!.distance)).toBeLessThanOrEqual(distanceTolerance(want[i]!.distance)));
      const approx = await db.search(side.queries[qi]!, { k: side.k });
      recall += recallAtK(approx.map((h) => h.id), want.map((h) => h.id)) / side.queries.length;
    }
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  test('re-saved in the current format, it opens with the same answers', async () => {
    const url = tmp.url('resaved.mvdb');
    await db.save(url);
    const again = await MiniVectorDB.open(url);
    try {
      const bytes = readFileSync(new URL(url));
      expect(bytes.subarray(0, 8).toString('latin1')).toBe('MVDBSNAP');
      for (const q of side.queries) expect(await again.search(q, { k: side.k })).toEqual(await db.search(q, { k: side.k }));
      expect(statsWithoutMemory(again)).toEqual(statsWithoutMemory(db));
    } finally {
      await again.close();
    }
  });
});
