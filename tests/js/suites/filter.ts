/**
 * The filter language ($eq $ne $in $nin $gt $gte $lt $lte $exists $and $or
 * $not, dot paths, arrays): hand-computed answers on a small table, an
 * independent interpreter as the reference on random data and random
 * filters (over a database saved to the target's storage and opened again),
 * search results equal to brute force over the matching records, and
 * InvalidArgumentError for malformed filters — on every target.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, type Filter, type Metadata } from 'minivectordb';
import { bruteForceKnn, caught, checkExactTopK, clusteredData, mulberry32, randomVectors, recallAtK } from '../helpers.js';
import { refMatch } from '../filter-reference.js';
import { fingerprint } from './state.js';
import type { Database, Target } from './targets.js';

// ---------------------------------------------------------------------------
// A small table with hand-computed answers.

const TABLE: (Metadata | undefined)[] = [
  /* r0 */ { color: 'red', price: 10, tags: ['a', 'b'], dims: { w: 5, h: 2 }, stock: true },
  /* r1 */ { color: 'blue', price: 25.5, tags: ['b'], dims: { w: 1 }, stock: false },
  /* r2 */ { color: 'red', price: '30', tags: [], dims: null },
  /* r3 */ { color: 'green', price: 5, tags: ['c', 1], dims: { w: 5, h: { d: 7 } }, note: null },
  /* r4 */ undefined,
  /* r5 */ { color: 'Red', price: -3, list: [[1, 2]], items: [{ name: 'x' }] },
  /* r6 */ { color: 'blue', price: 0, tags: 'a', dims: { w: '5' } },
  /* r7 */ { price: [3, 40], color: ['red', 'blue'] },
  /* r8 */ { price: null, stock: true, dims: { w: 10, h: 2 } },
  /* r9 */ { 'a.b': 1, a: { b: 2 }, z: 'zebra', Z: 'Zebra', e: 'éclair' },
];
const ALL = TABLE.map((_, i) => i);
const but = (...skip: number[]): number[] => ALL.filter((i) => !skip.includes(i));

/** [filter, ids of the matching rows, worked out by hand from TABLE]. */
const HAND: [Filter, number[]][] = [
  [{}, ALL],
  [{ color: 'red' }, [0, 2, 7]], // an array matches when an element does; 'Red' ≠ 'red'
  [{ color: { $eq: 'red' } }, [0, 2, 7]],
  [{ color: { $ne: 'red' } }, but(0, 2, 7)], // missing fields (r4, r8, r9) match $ne
  [{ color: { $in: ['green', 'Red'] } }, [3, 5]],
  [{ color: { $nin: ['red', 'blue'] } }, [3, 4, 5, 8, 9]],
  [{ color: { $in: [] } }, []],
  [{ color: { $nin: [] } }, ALL],
  [{ price: { $gt: 10 } }, [1, 7]], // '30' is a string: not compared with 10
  [{ price: { $gte: 10 } }, [0, 1, 7]],
  [{ price: { $lt: 5 } }, [5, 6, 7]], // null never compares
  [{ price: { $lte: 5 } }, [3, 5, 6, 7]],
  [{ price: { $gt: 4, $lt: 6 } }, [3, 7]], // r7: 40 > 4 and 3 < 6 (different elements, as in MongoDB)
  [{ price: { $gt: '2' } }, [2]],
  [{ price: { $lt: '100' } }, []], // string order: '30' > '100'
  [{ price: { $gte: -3, $lte: -3 } }, [5]],
  [{ price: { $exists: true } }, [0, 1, 2, 3, 5, 6, 7, 8]], // a stored null exists
  [{ price: { $exists: false } }, [4, 9]],
  [{ price: null }, [8]], // null matches a stored null only, not a missing field
  [{ note: null }, [3]],
  [{ 'dims.w': 5 }, [0, 3]], // '5' is a string
  [{ 'dims.h': { $exists: true } }, [0, 3, 8]],
  [{ 'dims.h.d': 7 }, [3]],
  [{ 'dims.w': { $gte: 5 } }, [0, 3, 8]],
  [{ 'dims.w.x': { $exists: false } }, ALL],
  [{ tags: 'a' }, [0, 6]],
  [{ tags: { $in: [1, 'c'] } }, [3]],
  [{ tags: { $exists: true } }, [0, 1, 2, 3, 6]], // an empty array exists
  [{ 'tags.0': 'b' }, [1]],
  [{ 'tags.1': { $exists: true } }, [0, 3]],
  [{ 'tags.01': { $exists: true } }, []], // not a canonical index
  [{ 'tags.length': { $exists: true } }, []], // arrays expose indexes only
  [{ 'items.name': 'x' }, []], // no fan-out over arrays of objects
  [{ 'items.0.name': 'x' }, [5]],
  [{ list: 1 }, []], // nested arrays are not flattened
  [{ 'list.0': 1 }, [5]],
  [{ 'a.b': 2 }, [9]], // a dot path; the literal key 'a.b' cannot be addressed
  [{ toString: { $exists: true } }, []], // only own keys
  [{ z: { $gt: 'Zebra' } }, [9]],
  [{ Z: { $gte: 'zebra' } }, []], // UTF-16 code units: 'Z' < 'z'
  [{ e: { $gt: 'z' } }, [9]], // 'é' (U+00E9) > 'z'
  [{ stock: true }, [0, 8]],
  [{ stock: { $ne: true } }, but(0, 8)],
  [{ stock: { $not: { $eq: true } } }, but(0, 8)],
  [{ stock: 0 }, []], // no type coercion
  [{ price: { $not: { $gt: 10 } } }, but(1, 7)],
  [{ price: { $not: { $gt: 4, $lt: 6 } } }, but(3, 7)],
  [{ $and: [{ color: 'red' }, { price: { $lt: 20 } }] }, [0, 7]],
  [{ $or: [{ color: 'green' }, { stock: true }] }, [0, 3, 8]],
  [{ $not: { color: 'red' } }, but(0, 2, 7)],
  [{ $or: [{ $and: [{ color: 'blue' }, { price: { $gt: 20 } }] }, { 'dims.w': 10 }] }, [1, 7, 8]],
  [{ color: 'red', $or: [{ price: 10 }, { tags: { $exists: false } }] }, [0, 7]],
  [{ $not: {} }, []],
  [{ $and: [{}] }, ALL],
  [{ $or: [{ color: 'nope' }] }, []],
  [{ $not: { $not: { color: 'blue' } } }, [1, 6, 7]],
];


// ---------------------------------------------------------------------------
// Random metadata, random filters: the library agrees with the reference.

const DIM = 16;
const N = 4000;
const K = 10;
const CATS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
const TAGS = ['x', 'y', 'z', 'w', 'v'];

function randomMeta(rng: () => number, i: number): Metadata | undefined {
  if (i % 53 === 7) return undefined;
  const m: Metadata = {};
  if (rng() < 0.95) m.cat = CATS[Math.floor(rng() * CATS.length)]!;
  const r = rng();
  m.n = r < 0.85 ? Math.floor(rng() * 100) : r < 0.92 ? String(Math.floor(rng() * 100)) : r < 0.96 ? null : [Math.floor(rng() * 100), Math.floor(rng() * 100)];
  m.score = Math.round(rng() * 1000) / 100; // 0 … 10
  const tags: string[] = [];
  for (const t of TAGS) if (rng() < 0.3) tags.push(t);
  if (rng() < 0.9) m.tags = tags;
  if (rng() < 0.7) {
    const nested: Metadata = { lvl: Math.floor(rng() * 5), s: rng() < 0.5 ? 'p' : 'q' };
    if (rng() < 0.3) nested.deep = { v: Math.floor(rng() * 3) };
    m.nested = nested;
  }
  const f = rng();
  if (f < 0.45) m.flag = true;
  else if (f < 0.9) m.flag = false;
  else if (f < 0.95) m.flag = null;
  return m;
}

const PATHS = ['cat', 'n', 'score', 'tags', 'tags.0', 'tags.2', 'nested', 'nested.lvl', 'nested.s', 'nested.deep.v', 'flag', 'missing', 'nested.missing'];

function randomScalar(rng: () => number): string | number | boolean | null {
  const r = rng();
  if (r < 0.25) return CATS[Math.floor(rng() * CATS.length)]!;
  if (r < 0.4) return TAGS[Math.floor(rng() * TAGS.length)]!;
  if (r < 0.55) return Math.floor(rng() * 100);
  if (r < 0.65) return String(Math.floor(rng() * 100));
  if (r < 0.75) return Math.floor(rng() * 5);
  if (r < 0.8) return Math.round(rng() * 1000) / 100;
  if (r < 0.9) return rng() < 0.5;
  if (r < 0.95) return null;
  return ['p', 'q'][Math.floor(rng() * 2)]!;
}

function randomRangeOperand(rng: () => number): number | string {
  const r = rng();
  if (r < 0.5) return Math.floor(rng() * 100);
  if (r < 0.7) return Math.round(rng() * 1000) / 100;
  if (r < 0.8) return Math.floor(rng() * 5);
  if (r < 0.9) return String(Math.floor(rng() * 100));
  return CATS[Math.floor(rng() * CATS.length)]!;
}

function randomOperators(rng: () => number, depth: number): Record<string, unknown> {
  const ops: Record<string, unknown> = {};
  const n = 1 + Math.floor(rng() * 2);
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (r < 0.12) ops.$eq = randomScalar(rng);
    else if (r < 0.22) ops.$ne = randomScalar(rng);
    else if (r < 0.32) ops.$in = Array.from({ length: Math.floor(rng() * 4) }, () => randomScalar(rng));
    else if (r < 0.4) ops.$nin = Array.from({ length: Math.floor(rng() * 4) }, () => randomScalar(rng));
    else if (r < 0.5) ops.$gt = randomRangeOperand(rng);
    else if (r < 0.6) ops.$gte = randomRangeOperand(rng);
    else if (r < 0.7) ops.$lt = randomRangeOperand(rng);
    else if (r < 0.8) ops.$lte = randomRangeOperand(rng);
    else if (r < 0.9) ops.$exists = rng() < 0.5;
    else if (depth < 2) ops.$not = randomOperators(rng, depth + 1);
    else ops.$eq = randomScalar(rng);
  }
  return ops;
}

function randomFilter(rng: () => number, depth: number): Filter {
  const f: Record<string, unknown> = {};
  const n = Math.floor(rng() * 3); // 0 … 2 entries
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (depth < 3 && r < 0.12) f.$and = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => randomFilter(rng, depth + 1));
    else if (depth < 3 && r < 0.24) f.$or = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => randomFilter(rng, depth + 1));
    else if (depth < 3 && r < 0.32) f.$not = randomFilter(rng, depth + 1);
    else {
      const path = PATHS[Math.floor(rng() * PATHS.length)]!;
      f[path] = rng() < 0.3 ? randomScalar(rng) : randomOperators(rng, 0);
    }
  }
  return f as Filter;
}


// ---------------------------------------------------------------------------
// Malformed filters.

const circular: Record<string, unknown> = {};
circular.$not = circular;
let deep: Record<string, unknown> = { cat: 'a' };
for (let i = 0; i < 100; i++) deep = { $not: deep };

/**
 * [name, filter, a fragment the message must contain, and where the worker's
 * message differs: a function cannot be structured-cloned, so the proxy
 * rejects it before it reaches the worker's filter checks].
 */
const BAD: [string, unknown, string, { worker: string }?][] = [
  ['unknown field operator', { cat: { $regex: 'a' } }, 'filter.cat.$regex: unknown operator $regex'],
  ['unknown top-level operator', { $nor: [{ cat: 'a' }] }, 'filter.$nor: unknown operator $nor'],
  ['field operator at the top level', { $gt: 5 }, '$gt applies to a field'],
  ['logical operator inside a field', { cat: { $or: [{ cat: 'a' }] } }, 'filter.cat.$or: $or is a top-level operator'],
  ['$gt with an object', { n: { $gt: { v: 1 } } }, 'filter.n.$gt must be a finite number or a string'],
  ['$gt with an array', { n: { $gt: [1] } }, 'filter.n.$gt must be a finite number or a string'],
  ['$gte with null', { n: { $gte: null } }, 'filter.n.$gte must be a finite number or a string'],
  ['$lt with a boolean', { n: { $lt: true } }, 'filter.n.$lt must be a finite number or a string'],
  ['$lte with NaN', { n: { $lte: Number.NaN } }, 'filter.n.$lte must be a finite number or a string'],
  ['$gt with Infinity', { n: { $gt: Number.POSITIVE_INFINITY } }, 'filter.n.$gt'],
  ['$in with a string', { cat: { $in: 'a' } }, 'filter.cat.$in must be an array'],
  ['$nin with null', { cat: { $nin: null } }, 'filter.cat.$nin must be an array'],
  ['$in with an object element', { cat: { $in: ['a', { b: 1 }] } }, 'filter.cat.$in[1]'],
  ['$in with NaN', { n: { $in: [Number.NaN] } }, 'filter.n.$in[0]'],
  ['$eq with an object', { cat: { $eq: { a: 1 } } }, 'filter.cat.$eq'],
  ['$ne with an array', { cat: { $ne: ['a'] } }, 'filter.cat.$ne'],
  ['$exists with a number', { cat: { $exists: 1 } }, 'filter.cat.$exists must be true or false'],
  ['$not with a value', { cat: { $not: 'a' } }, 'filter.cat.$not must be a non-empty object of operators'],
  ['$not with an empty object', { cat: { $not: {} } }, 'filter.cat.$not'],
  ['$not with a field object', { cat: { $not: { x: 1 } } }, 'filter.cat.$not'],
  ['empty $and', { $and: [] }, 'filter.$and must be a non-empty array'],
  ['$or not an array', { $or: { cat: 'a' } }, 'filter.$or must be a non-empty array'],
  ['$or with a non-object element', { $or: [{ cat: 'a' }, 3] }, 'filter.$or[1] must be a plain object'],
  ['top-level $not with a value', { $not: 'a' }, 'filter.$not must be a plain object'],
  ['an empty operator object', { cat: {} }, 'filter.cat is an empty object'],
  ['object equality', { nested: { lvl: 1 } }, "dot path ('nested.lvl')"],
  ['operators mixed with a field', { nested: { $exists: true, lvl: 1 } }, 'filter.nested holds the key'],
  ['an array value', { cat: ['a', 'b'] }, 'filter.cat'],
  ['undefined value', { cat: undefined }, 'filter.cat'],
  ['a function value', { cat: () => 1 }, 'filter.cat', { worker: 'cannot be sent to the worker' }],
  ['a bigint value', { n: 1n }, 'filter.n'],
  ['NaN value', { n: Number.NaN }, 'filter.n'],
  ['empty path segment', { 'nested..lvl': 1 }, 'empty segment'],
  ['leading dot', { '.lvl': 1 }, 'empty segment'],
  ['trailing dot', { 'nested.': 1 }, 'empty segment'],
  ['empty field name', { '': 1 }, 'empty segment'],
  ['filter is a string', 'cat=a', 'filter must be a plain object'],
  ['filter is null', null, 'filter must be a plain object'],
  ['filter is an array', [{ cat: 'a' }], 'filter must be a plain object'],
  ['filter is a Map', new Map([['cat', 'a']]), 'filter must be a plain object'],
  ['nested 100 levels deep', deep, 'nested deeper than 64'],
  ['circular', circular, 'nested deeper than 64'],
  ['an error deep inside', { $or: [{ cat: 'a' }, { $and: [{ n: { $gt: 1 } }, { n: { $lt: [] } }] }] }, 'filter.$or[1].$and[1].n.$lt'],
];


// ---------------------------------------------------------------------------
// Equality and range filters are answered from lazy per-path indexes after a path's
// second use; every write must drop them. A model of the database (id →
// vector, metadata) is the reference after each write.

export function filterSuite(target: Target): void {
  describe(`filter operators on a hand-checked table on ${target.name}`, () => {
    let db: Database;
    const vectors = randomVectors(TABLE.length, 4, 3);
    beforeAll(async () => {
      db = await target.create({ dim: 4, seed: 1 });
      await db.insertMany(TABLE.map((m, i) => (m === undefined ? { id: `r${i}`, vector: vectors[i]! } : { id: `r${i}`, vector: vectors[i]!, metadata: m })));
    });
    afterAll(async () => {
      await db?.close();
    });

    test.each(HAND.map(([f, ids]) => [JSON.stringify(f), f, ids] as const))('%s', async (_name, f, ids) => {
      // The reference interpreter agrees with the hand-worked answer…
      expect(ALL.filter((i) => refMatch(TABLE[i], f))).toEqual(ids);
      // …and so does the library, through count(), search() and exact search.
      expect(await db.count(f)).toBe(ids.length);
      const want = ids.map((i) => `r${i}`).sort();
      for (const exact of [false, true]) {
        const hits = await db.search(vectors[0]!, { k: 100, filter: f, exact });
        expect(hits.map((h) => h.id).sort()).toEqual(want);
      }
    });
  });

  describe(`filters on random data vs the reference interpreter on ${target.name}`, () => {
    let db: Database;
    let built: Database;
    let data: Float32Array[];
    let meta: (Metadata | undefined)[];
    let queries: Float32Array[];
    const idOf = (i: number): string => `d${i}`;
    const count = (f: Filter): number => meta.reduce((n, m) => n + (refMatch(m, f) ? 1 : 0), 0);

    beforeAll(async () => {
      const d = clusteredData({ n: N, dim: DIM, seed: 31337, clusters: 12, centreScale: 1 });
      data = d.vectors;
      queries = Array.from({ length: 20 }, () => d.sample());
      const rng = mulberry32(2024);
      meta = data.map((_, i) => randomMeta(rng, i));
      // Built, saved to the target's storage and opened again: the filters
      // run over a record table and graph read back from that storage (and
      // the random counts over the database as built, too).
      built = await target.create({ dim: DIM, metric: 'l2', M: 16, efConstruction: 120, efSearch: 64, seed: 3 });
      await built.insertMany(data.map((vector, i) => (meta[i] === undefined ? { id: idOf(i), vector } : { id: idOf(i), vector, metadata: meta[i] })));
      await built.save(target.url('filter-random'));
      db = await target.open(target.url('filter-random'));
      expect(await db.count()).toBe(N);
    });
    afterAll(async () => {
      await Promise.all([db?.close(), built?.close()]);
    });

    test('600 random filters: count() equals the reference count (every third also on the database as built)', async () => {
      const rng = mulberry32(77);
      const seen = new Set<number>();
      for (let t = 0; t < 600; t++) {
        const f = randomFilter(rng, 0);
        const want = count(f);
        seen.add(want === 0 ? 0 : want === N ? 2 : 1);
        const got = await db.count(f);
        if (got !== want) throw new Error(`filter ${JSON.stringify(f)}: count ${got}, reference ${want}`);
        const gotBuilt = t % 3 === 0 ? await built.count(f) : want;
        if (gotBuilt !== want) throw new Error(`filter ${JSON.stringify(f)}: count ${gotBuilt} as built, reference ${want}`);
      }
      // The generator reached empty, partial and full matches.
      expect([...seen].sort()).toEqual([0, 1, 2]);
    });

    test('60 random filters: exact search equals brute force over the matching records', async () => {
      const rng = mulberry32(78);
      for (let t = 0; t < 60; t++) {
        const f = randomFilter(rng, 0);
        const admit = (i: number): boolean => refMatch(meta[i], f);
        for (const q of queries.slice(0, 3)) {
          const truth = bruteForceKnn(data, q, K + 1, 'l2', admit);
          const hits = await db.search(q, { k: K, filter: f, exact: true });
          const problem = checkExactTopK(hits, truth, K, idOf);
          if (problem !== undefined) throw new Error(`filter ${JSON.stringify(f)}: ${problem}`);
        }
      }
    });

    // One filter per operator and combination; selective ones (the planner's
    // flat scan) must equal brute force exactly, broad ones (graph walk) reach
    // recall ≥ 0.95 with only matching hits and min(k, matching) of them.
    const CASES: Filter[] = [
      { cat: 'c' },
      { cat: { $eq: 'c' }, 'nested.s': 'p' },
      { cat: { $ne: 'c' } },
      { cat: { $in: ['a', 'b'] } },
      { cat: { $nin: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] } },
      { n: { $gt: 90 } },
      { n: { $gte: 50 } },
      { n: { $lt: 3 } },
      { n: { $lte: 40, $gt: 35 } },
      { n: { $gt: '9' } },
      { score: { $gte: 2.5, $lt: 2.75 } },
      { tags: 'x' },
      { tags: { $in: ['v', 'w'] }, 'tags.0': 'v' },
      { 'nested.lvl': { $exists: false } },
      { 'nested.deep.v': 2 },
      { 'nested.deep': { $exists: true }, flag: null },
      { flag: { $not: { $eq: true } } },
      { $or: [{ cat: 'a' }, { 'nested.lvl': 4 }] },
      { $and: [{ n: { $gte: 10 } }, { n: { $lt: 20 } }, { tags: 'y' }] },
      { $not: { cat: { $in: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] } } },
      { $or: [{ $and: [{ cat: 'b' }, { flag: true }] }, { $not: { 'nested.s': { $exists: true } } }] },
      { n: { $not: { $gte: 2, $lte: 97 } }, cat: { $ne: 'a' } },
    ];

    test.each(CASES.map((f) => [JSON.stringify(f), f] as const))('search with %s', async (_name, f) => {
      const admit = (i: number): boolean => refMatch(meta[i], f);
      const matching = count(f);
      expect(matching).toBeGreaterThan(0);
      expect(await db.count(f)).toBe(matching);
      const res = await db.searchBatch(queries, { k: K, filter: f });
      let recall = 0;
      for (let qi = 0; qi < queries.length; qi++) {
        const hits = res[qi]!;
        expect(hits).toHaveLength(Math.min(K, matching));
        for (const h of hits) expect(admit(Number(h.id.slice(1)))).toBe(true);
        const truth = bruteForceKnn(data, queries[qi]!, K + 1, 'l2', admit);
        if (matching <= 64 * 16) expect(checkExactTopK(hits, truth, K, idOf)).toBeUndefined();
        recall += recallAtK(hits.map((h) => h.id), truth.slice(0, K).map((r) => idOf(r.index)));
      }
      expect(recall / queries.length).toBeGreaterThanOrEqual(0.95);
    });

    test('the cases cover both plans: some selective (≤ efSearch·M matching), some broad', () => {
      const counts = CASES.map(count);
      expect(counts.some((c) => c <= 64 * 16)).toBe(true);
      expect(counts.some((c) => c > 64 * 16)).toBe(true);
    });
  });

  describe(`malformed filters → InvalidArgumentError naming the position; nothing changes on ${target.name}`, () => {
    let db: Database;
    const vectors = randomVectors(300, 4, 9);
    const queries = vectors.slice(0, 3);
    let before: unknown;
    beforeAll(async () => {
      db = await target.create({ dim: 4, seed: 2 });
      await db.insertMany(vectors.map((vector, i) => ({ id: `v${i}`, vector, metadata: { cat: i % 2 ? 'a' : 'b', n: i } })));
      before = await fingerprint(db, queries);
    });
    afterAll(async () => {
      await db?.close();
    });

    test.each(BAD)('%s', async (_name, f, fragment, onWorker) => {
      const bad = f as Filter;
      const e = await caught(() => db.search(queries[0]!, { k: 5, filter: bad }), InvalidArgumentError);
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain(target.host === 'worker' && onWorker !== undefined ? onWorker.worker : fragment);
      await caught(() => db.search(queries[0]!, { k: 5, filter: bad, exact: true }), InvalidArgumentError);
      await caught(() => db.searchBatch(queries, { k: 5, filter: bad }), InvalidArgumentError);
      await caught(() => db.count(bad), InvalidArgumentError);
      await caught(() => db.deleteByFilter(bad), InvalidArgumentError);
      expect(await fingerprint(db, queries)).toEqual(before);
    });
  });

  describe(`filters stay right across writes (equality and range indexes are rebuilt) on ${target.name}`, () => {
    test('40 rounds of random writes, each followed by repeated filtered counts and searches', async () => {
      const rng = mulberry32(4711);
      const dim = 6;
      const model = new Map<string, { vector: Float32Array; meta: Metadata | undefined }>();
      const db = await target.create({ dim, M: 8, efConstruction: 40, seed: 6 });
      let nextId = 0;
      const fresh = (): { id: string; vector: Float32Array; metadata?: Metadata } => {
        const vector = randomVectors(1, dim, Math.floor(rng() * 1e9))[0]!;
        const meta = randomMeta(rng, Math.floor(rng() * 1e6));
        return meta === undefined ? { id: `w${nextId++}`, vector } : { id: `w${nextId++}`, vector, metadata: meta };
      };
      const apply = (items: { id: string; vector: Float32Array; metadata?: Metadata }[]): void => {
        for (const it of items) model.set(it.id, { vector: it.vector, meta: it.metadata });
      };
      const initial = Array.from({ length: 800 }, fresh);
      await db.insertMany(initial);
      apply(initial);

      const FILTERS: Filter[] = [
        { cat: 'a' },
        { cat: { $in: ['b', 'c'] } },
        { 'nested.s': 'p', n: { $lt: 50 } },
        { tags: 'x' },
        { $and: [{ cat: { $eq: 'd' } }, { tags: { $in: ['y', 'z'] } }] },
        { flag: true, cat: { $ne: 'a' } },
        { n: 7 },
        { n: { $gte: 20, $lt: 60 } },
        { score: { $gt: 5 }, cat: { $lte: 'e' } },
      ];
      const ids = (): string[] => [...model.keys()];
      const pick = (): string => ids()[Math.floor(rng() * model.size)]!;

      for (let round = 0; round < 40; round++) {
        const kind = round % 5;
        if (kind === 0) {
          const items = Array.from({ length: 1 + Math.floor(rng() * 30) }, fresh);
          await db.insertMany(items);
          apply(items);
        } else if (kind === 1) {
          // Upserts: existing ids get new metadata (and vectors).
          const chosen = [...new Set(Array.from({ length: 20 }, pick))];
          const items = chosen.map((id) => ({ ...fresh(), id }));
          await db.insertMany(items);
          apply(items);
        } else if (kind === 2) {
          const id = pick();
          expect(await db.delete(id)).toBe(true);
          model.delete(id);
        } else if (kind === 3) {
          const chosen = [...new Set(Array.from({ length: 15 }, pick))];
          expect(await db.deleteMany([...chosen, 'never-there'])).toBe(chosen.length);
          for (const id of chosen) model.delete(id);
        } else {
          const f = FILTERS[Math.floor(rng() * FILTERS.length)]!;
          const doomed = ids().filter((id) => refMatch(model.get(id)!.meta, f));
          expect(await db.deleteByFilter(f)).toBe(doomed.length);
          for (const id of doomed) model.delete(id);
        }
        expect(await db.count()).toBe(model.size);

        const q = randomVectors(1, dim, 1000 + round)[0]!;
        for (const f of FILTERS) {
          const want = ids().filter((id) => refMatch(model.get(id)!.meta, f));
          for (let rep = 0; rep < 3; rep++) expect(await db.count(f)).toBe(want.length);
          const all = await db.search(q, { k: 1e9, filter: f });
          expect(all.map((h) => h.id).sort()).toEqual([...want].sort());
          const live = ids();
          const data = live.map((id) => model.get(id)!.vector);
          const truth = bruteForceKnn(data, q, 6, 'l2', (i) => refMatch(model.get(live[i]!)!.meta, f));
          expect(checkExactTopK(await db.search(q, { k: 5, filter: f, exact: true }), truth, 5, (i) => live[i]!)).toBeUndefined();
        }
      }
      await db.close();
    });
  });

  describe(`filter with deleted and replaced records on ${target.name}`, () => {
    test('a deleted or re-tagged record no longer matches its old metadata', async () => {
      const d = clusteredData({ n: 600, dim: 8, seed: 5 });
      const db = await target.create({ dim: 8, M: 8, efSearch: 8, seed: 2 });
      await db.insertMany(d.vectors.map((vector, i) => ({ id: `r${i}`, vector, metadata: { tag: i % 3 === 0 ? 'a' : 'b' } })));
      const tagA = d.vectors.flatMap((_, i) => (i % 3 === 0 ? [`r${i}`] : []));
      expect(tagA).toHaveLength(200);
      await db.delete('r0');
      await db.insert({ id: 'r3', vector: d.vectors[3]!, metadata: { tag: 'b' } }); // re-tagged
      await db.insert({ id: 'r1', vector: d.vectors[1]!, metadata: { tag: 'a' } }); // re-tagged
      const want = new Set(tagA.filter((id) => id !== 'r0' && id !== 'r3').concat('r1'));
      for (const exact of [false, true]) {
        const hits = await db.search(d.vectors[0]!, { k: 1000, filter: { tag: 'a' }, exact });
        expect(new Set(hits.map((h) => h.id))).toEqual(want);
        expect(hits).toHaveLength(want.size);
      }
      const k5 = await db.search(d.vectors[0]!, { k: 5, efSearch: 1, filter: { tag: 'a' } });
      expect(k5).toHaveLength(5);
      for (const h of k5) expect(want.has(h.id)).toBe(true);
      // …and still after a round trip through the target's storage.
      await db.save(target.url('filter-retagged'));
      const opened = await target.open(target.url('filter-retagged'));
      expect(await opened.count({ tag: 'a' })).toBe(want.size);
      expect(new Set((await opened.search(d.vectors[0]!, { k: 1000, filter: { tag: 'a' } })).map((h) => h.id))).toEqual(want);
      await Promise.all([db.close(), opened.close()]);
    });
  });
}
