/**
 * Snapshots on every target: save → open gives back the same database, bit
 * for bit (searches, records, stats, and the bytes of a second save);
 * deletes, replacements and updates persist; an opened database keeps
 * working and saves back where it came from; damaged snapshots are rejected
 * with SnapshotError and harm neither the good snapshot nor an open database.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDBError, SnapshotError, StorageError, type Metric, type SearchHit } from 'minivectordb';
import { caught, clusteredData, distanceTolerance, refDistance } from '../helpers.js';
import { fingerprint, statsWithoutMemory } from './state.js';
import { digest, type Database, type Target } from './targets.js';

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

/** The bytes of a vector, to compare float32 values exactly (NaN-safe, −0-safe). */
const bytesOf = (v: Float32Array): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

export function persistenceSuite(target: Target): void {
  describe.each(['l2', 'cosine', 'ip'] as Metric[])(`persistence on ${target.name} (%s)`, (metric) => {
    let db: Database;
    let data: Float32Array[];
    let queries: Float32Array[];
    const deleted = new Set<number>();
    const url = (name: string): string => target.url(`persistence-${metric}-${name}`);

    const metaOf = (i: number) => ({
      i,
      third: i % 3 === 0,
      name: `item ${i} — ünïcode ✓`,
      tags: ['a', i % 3 === 0 ? 'three' : 'other'],
      nested: { even: i % 2 === 0, ratio: i / 7, nothing: null, deep: [{ x: -i }] },
    });

    beforeAll(async () => {
      const d = clusteredData({ n: N, dim: DIM, seed: 321, clusters: 12, centreScale: 1 });
      data = d.vectors;
      queries = Array.from({ length: 100 }, () => d.sample());
      db = await target.create({ dim: DIM, metric, M: 10, efConstruction: 80, efSearch: 40, seed: 1234 });
      await db.insertMany(data.map((vector, i) => (i % 5 === 4 ? { id: `x${i}`, vector } : { id: `x${i}`, vector, metadata: metaOf(i) })));
      // Tombstones and replacements must survive the round trip too.
      const doomed: string[] = [];
      for (let i = 0; i < N; i += 11) {
        doomed.push(`x${i}`);
        deleted.add(i);
      }
      expect(await db.delete(doomed[0]!)).toBe(true);
      expect(await db.deleteMany(doomed.slice(1))).toBe(doomed.length - 1);
      await db.insert({ id: 'x1', vector: data[2]!, metadata: { replaced: true } });
    });
    afterAll(async () => {
      await db?.close();
    });

    async function expectSameDatabase(a: Database, b: Database): Promise<void> {
      expect(await b.count()).toBe(await a.count());
      expect(b.dim).toBe(a.dim);
      expect(b.metric).toBe(a.metric);
      expect(await statsWithoutMemory(b)).toEqual(await statsWithoutMemory(a));
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
        expect(bytesOf(rb!.vector)).toEqual(bytesOf(ra.vector));
        expect(rb!.metadata).toEqual(ra.metadata);
      }
    }

    test('save → open: identical searches, records and stats; the opened database saves the same bytes', async () => {
      const at = url('db');
      await db.save(at);
      const bytes = await target.readRaw(at);
      expect(Buffer.from(bytes.subarray(0, 8)).toString('latin1')).toBe('MVDBSNAP');

      const opened = await target.open(at);
      try {
        expect(await opened.count()).toBe(N - deleted.size);
        // The new x1 took the slot of the lowest tombstone (x0), its old slot became one.
        expect(await opened.stats()).toMatchObject({ count: N - deleted.size, deleted: deleted.size, slots: N });
        for (const i of [0, 11, 22]) expect(await opened.get(`x${i}`)).toBeUndefined();
        expect((await opened.get('x1'))!.metadata).toEqual({ replaced: true });
        expect(bytesOf((await opened.get('x1'))!.vector)).toEqual(bytesOf(metric === 'l2' ? data[2]! : (await db.get('x1'))!.vector));
        expect((await opened.get('x3'))!.metadata).toEqual(metaOf(3));
        expect((await opened.get('x4'))!.metadata).toBeUndefined();
        await expectSameDatabase(db, opened);
        // Deleted ids stay invisible after the round trip, even with k ≥ size.
        const all = await opened.search(queries[0]!, { k: N });
        expect(all).toHaveLength(N - deleted.size);
        for (const h of all) expect(deleted.has(Number(h.id.slice(1)))).toBe(false);
        // Saving what was opened writes the same snapshot again.
        await opened.save(url('resaved'));
        expect(digest(await target.readRaw(url('resaved')))).toBe(digest(bytes));
      } finally {
        await opened.close();
      }
    });

    test('opened database keeps working: insert, delete, update, save again (default URL and another URL)', async () => {
      const at = url('continue');
      await db.save(at);
      const opened = await target.open(at);
      const extra = Array.from({ length: 300 }, (_, j) => data[j]!.map((x, t) => x + (t === j % DIM ? 0.5 : 0)));
      expect(await opened.insertMany(extra.map((vector, j) => ({ id: `new${j}`, vector, metadata: { j } })))).toEqual({ inserted: 300, updated: 0 });
      expect(await opened.delete('x2')).toBe(true);
      await opened.update('x3', { metadata: { updated: 3 } });
      await opened.update('x5', { vector: extra[5]! });
      expect(await opened.count()).toBe(N - deleted.size + 300 - 1);
      for (const j of [0, 150, 299]) {
        if (metric !== 'ip') {
          // Under l2 and cosine a vector is its own nearest neighbour (not so under ip).
          const [top] = await opened.search(extra[j]!, { k: 1, efSearch: 100, filter: { j } });
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
      const again = await target.open(at, { lock: 'readonly' }); // `opened` holds the write lock
      await expectSameDatabase(opened, again);
      expect(await again.get('x2')).toBeUndefined();
      expect((await again.get('x3'))!.metadata).toEqual({ updated: 3 });
      const x5 = (await again.get('x5'))!;
      expect(x5.metadata).toEqual(metaOf(5)); // a vector update keeps the metadata
      const [x5hit] = await again.search(extra[5]!, { k: 1, exact: true, filter: { i: 5 } });
      expect(x5hit!.id).toBe('x5');
      if (metric !== 'ip') expect(Math.abs(x5hit!.distance)).toBeLessThanOrEqual(metric === 'l2' ? 0 : 1e-5);
      await again.close();
      // save(url) to a different URL; the original keeps the same, newer state.
      const other = url('other');
      await opened.save(other);
      const fromOther = await target.open(other);
      await expectSameDatabase(opened, fromOther);
      expect((await fromOther.get('new7'))!.metadata).toEqual({ j: 7 });
      await fromOther.close();
      expect(digest(await target.readRaw(other))).toBe(digest(await target.readRaw(at)));
      await opened.close();
    });

    test('damaged snapshots → SnapshotError; the good one and an open database are unharmed', async () => {
      const good = url('good');
      await db.save(good);
      const bytes = await target.readRaw(good);
      const expected = await fingerprint(db, queries.slice(0, 5));
      const flipped = bytes.slice();
      flipped[Math.floor(bytes.length / 2)]! ^= 0x40; // inside a section: its CRC-32 no longer matches
      const magic = bytes.slice();
      magic[0] = 'X'.charCodeAt(0);
      const damaged: [string, Uint8Array][] = [
        ['a flipped byte', flipped],
        ['a wrong magic', magic],
        ['truncated to half', bytes.slice(0, Math.floor(bytes.length / 2))],
        ['truncated to 10 bytes', bytes.slice(0, 10)],
        ['zeros', new Uint8Array(1000)],
      ];
      for (const [what, bad] of damaged) {
        const at = url(`bad-${what.replaceAll(' ', '-')}`);
        await target.writeRaw(at, bad);
        const e = await caught(() => target.open(at), SnapshotError);
        expect(e, what).toBeInstanceOf(MiniVectorDBError);
        expect(e.code, what).toMatch(/^SNAPSHOT_/);
      }
      // Nothing saved there at all, and a URL of the wrong kind.
      await caught(() => target.open(url('never-saved')), StorageError);
      await caught(() => db.save('ftp://x/y.mvdb'), StorageError);
      await caught(() => target.open(good, { bogus: true } as never), InvalidArgumentError);
      expect(digest(await target.readRaw(good))).toBe(digest(bytes));
      expect(await fingerprint(db, queries.slice(0, 5))).toEqual(expected);
      const reopened = await target.open(good);
      expect(await fingerprint(reopened, queries.slice(0, 5))).toEqual(expected);
      await reopened.close();
    });
  });

  describe(`storage option and edge cases on ${target.name}`, () => {
    test('create({ storage }) then save() writes there', async () => {
      const at = target.url('configured');
      const db = await target.create({ dim: 3, storage: at });
      await db.insert({ id: 'a', vector: [1, 2, 3], metadata: { k: 'v' } });
      await db.save();
      const opened = await target.open(at, { lock: 'readonly' }); // db holds the write lock
      expect(await opened.get('a')).toEqual({ id: 'a', vector: new Float32Array([1, 2, 3]), metadata: { k: 'v' } });
      expect(await opened.search([1, 2, 3], { k: 1 })).toEqual([{ id: 'a', distance: 0, score: 0, metadata: { k: 'v' } }]);
      await Promise.all([db.close(), opened.close()]);
    });

    test('an empty database round-trips', async () => {
      const db = await target.create({ dim: 5, metric: 'cosine', M: 4, efConstruction: 10, efSearch: 7, seed: 9 });
      const at = target.url('empty');
      await db.save(at);
      const opened = await target.open(at);
      expect(await opened.count()).toBe(0);
      expect(await statsWithoutMemory(opened)).toEqual(await statsWithoutMemory(db));
      expect(await opened.search([1, 0, 0, 0, 0])).toEqual([]);
      await opened.insert({ id: 'first', vector: [0, 0, 3, 0, 0] });
      expect((await opened.search([0, 0, 1, 0, 0], { k: 1 }))[0]!.id).toBe('first');
      await Promise.all([db.close(), opened.close()]);
    });

    test('a save replaces the previous snapshot at the same URL', async () => {
      const at = target.url('replaced');
      const db = await target.create({ dim: 2, seed: 1 });
      await db.insert({ id: 'a', vector: [1, 0] });
      await db.save(at);
      await db.insert({ id: 'b', vector: [0, 1] });
      await db.delete('a');
      await db.save(at);
      const opened = await target.open(at);
      expect(await opened.count()).toBe(1);
      expect(await opened.get('a')).toBeUndefined();
      expect((await opened.search([0, 1], { k: 5 })).map((h) => h.id)).toEqual(['b']);
      await Promise.all([db.close(), opened.close()]);
    });
  });
}
