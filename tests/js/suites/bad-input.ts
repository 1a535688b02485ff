/**
 * Bad-input catalogue, run on every target: one row per kind of bad (or
 * extreme) input, with the expected error class — or, where the input is
 * legal, the documented behaviour (k > size and huge k return every record;
 * efSearch < k is raised to k). After every row the database must be exactly
 * as before: same count, stats (without memoryBytes), search results of
 * fixed queries, and the same snapshot bytes when saved to the target's
 * storage. In a worker the same classes must arrive (values that cannot be
 * cloned are bad arguments there too).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DimensionMismatchError,
  InvalidArgumentError,
  MiniVectorDBError,
  StorageError,
  type Metric,
  type SearchHit,
} from 'minivectordb';
import { bruteForceKnn, caught, checkExactTopK, randomVectors } from '../helpers.js';
import { fingerprint } from './state.js';
import { digest, type Database, type Target } from './targets.js';

const DIM = 8;
const N = 300;

interface Ctx {
  target: Target;
  db: Database;
  data: Float32Array[];
  queries: Float32Array[];
  metric: Metric;
}
type ErrorClass = new (...args: never[]) => MiniVectorDBError;
interface Row {
  name: string;
  /** Only for these metrics (default: all). */
  metrics?: Metric[];
  call: (c: Ctx) => Promise<unknown>;
  /** The error class expected… */
  error?: ErrorClass;
  /** …or a check of the documented result. */
  verify?: (result: unknown, c: Ctx) => void;
  /**
   * A known difference on one host, with its reason: the row then runs on a
   * scratch database as `test.fails`, so it reports the gap and breaks (to be
   * moved back) once the gap is closed.
   */
  gap?: Partial<Record<Target['host'], string>>;
}

const good = (): number[] => Array.from({ length: DIM }, (_, i) => (i + 1) / DIM);
const withAt = (i: number, x: number): number[] => {
  const v = good();
  v[i] = x;
  return v;
};
const circularSelf = (): Record<string, unknown> => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
};
const circularDeep = (): Record<string, unknown> => {
  const o: Record<string, unknown> = { list: [] };
  (o.list as unknown[]).push({ back: o });
  return o;
};
class Point {
  x = 1;
}

/** Every record, nearest first, by brute force: the documented answer for k ≥ size. */
function expectAllRecords(hits: SearchHit[], c: Ctx, q: Float32Array): void {
  expect(hits).toHaveLength(N);
  const truth = bruteForceKnn(c.data, q, N, c.metric);
  expect(checkExactTopK(hits, truth, N, (i) => `b${i}`)).toBeUndefined();
}

const ROWS: Row[] = [
  // Vectors: dimension
  { name: 'insert: vector shorter than dim', error: DimensionMismatchError, call: (c) => c.db.insert({ id: 'new', vector: good().slice(1) }) },
  { name: 'insert: vector longer than dim', error: DimensionMismatchError, call: (c) => c.db.insert({ id: 'new', vector: [...good(), 1] }) },
  { name: 'insert: empty vector', error: DimensionMismatchError, call: (c) => c.db.insert({ id: 'new', vector: [] }) },
  {
    name: 'insertMany: one wrong dimension among good items',
    error: DimensionMismatchError,
    call: (c) => c.db.insertMany([{ id: 'new1', vector: good() }, { id: 'b3', vector: good() }, { id: 'new2', vector: new Float32Array(DIM + 3) }]),
  },
  { name: 'search: query of the wrong dimension', error: DimensionMismatchError, call: (c) => c.db.search(good().slice(2)) },
  { name: 'searchBatch: one query of the wrong dimension', error: DimensionMismatchError, call: (c) => c.db.searchBatch([good(), [1, 2]]) },
  { name: 'searchBatch: flat batch not a multiple of dim', error: InvalidArgumentError, call: (c) => c.db.searchBatch(new Float32Array(DIM * 2 + 1)) },
  // Vectors: values
  { name: 'insert: NaN', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: withAt(3, Number.NaN) }) },
  { name: 'insert: +Infinity', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: withAt(0, Number.POSITIVE_INFINITY) }) },
  { name: 'insert: -Infinity', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: withAt(DIM - 1, Number.NEGATIVE_INFINITY) }) },
  { name: 'insert: NaN in a Float32Array', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: Float32Array.from(withAt(1, Number.NaN)) }) },
  { name: 'insert: value overflowing float32 (1e39)', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: withAt(2, 1e39) }) },
  { name: 'insert: a string element', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: withAt(2, '1' as never) }) },
  { name: 'insert: vector is not an array', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: 'abc' as never }) },
  {
    name: 'insertMany: NaN in the last item',
    error: InvalidArgumentError,
    call: (c) => c.db.insertMany([{ id: 'new1', vector: good() }, { id: 'new2', vector: withAt(5, Number.NaN) }]),
  },
  { name: 'search: NaN query', error: InvalidArgumentError, call: (c) => c.db.search(withAt(0, Number.NaN)) },
  { name: 'search: +Infinity query', error: InvalidArgumentError, call: (c) => c.db.search(withAt(1, Number.POSITIVE_INFINITY)) },
  { name: 'search: -Infinity query', error: InvalidArgumentError, call: (c) => c.db.search(withAt(1, Number.NEGATIVE_INFINITY)) },
  { name: 'searchBatch: NaN in the second query', error: InvalidArgumentError, call: (c) => c.db.searchBatch([good(), withAt(4, Number.NaN)]) },
  { name: 'insert: zero vector with cosine', metrics: ['cosine'], error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: new Array(DIM).fill(0) }) },
  { name: 'search: zero query with cosine', metrics: ['cosine'], error: InvalidArgumentError, call: (c) => c.db.search(new Float32Array(DIM)) },
  // Ids
  { name: 'insert: empty id', error: InvalidArgumentError, call: (c) => c.db.insert({ id: '', vector: good() }) },
  { name: 'insert: numeric id', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 42 as never, vector: good() }) },
  { name: 'insert: null id', error: InvalidArgumentError, call: (c) => c.db.insert({ id: null as never, vector: good() }) },
  { name: 'insert: missing id', error: InvalidArgumentError, call: (c) => c.db.insert({ vector: good() } as never) },
  { name: 'insert: object id', error: InvalidArgumentError, call: (c) => c.db.insert({ id: { id: 'a' } as never, vector: good() }) },
  { name: 'insert: symbol id', error: InvalidArgumentError, call: (c) => c.db.insert({ id: Symbol('a') as never, vector: good() }) },
  {
    name: 'insertMany: duplicate new ids in one batch',
    error: InvalidArgumentError,
    call: (c) => c.db.insertMany([{ id: 'dup', vector: good() }, { id: 'other', vector: good() }, { id: 'dup', vector: good() }]),
  },
  {
    name: 'insertMany: duplicate existing id in one batch',
    error: InvalidArgumentError,
    call: (c) => c.db.insertMany([{ id: 'b1', vector: good() }, { id: 'b1', vector: good() }]),
  },
  { name: 'get: empty id', error: InvalidArgumentError, call: (c) => c.db.get('') },
  { name: 'delete: numeric id', error: InvalidArgumentError, call: (c) => c.db.delete(7 as never) },
  { name: 'deleteMany: a non-string among existing ids', error: InvalidArgumentError, call: (c) => c.db.deleteMany(['b1', 'b2', 3 as never]) },
  { name: 'deleteMany: not an array', error: InvalidArgumentError, call: (c) => c.db.deleteMany('b1' as never) },
  // Items and batches
  { name: 'insertMany: items not an array', error: InvalidArgumentError, call: (c) => c.db.insertMany({ id: 'a', vector: good() } as never) },
  { name: 'insertMany: a null item', error: InvalidArgumentError, call: (c) => c.db.insertMany([{ id: 'new', vector: good() }, null as never]) },
  { name: 'insert: unknown item key', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), meta: {} } as never) },
  // k and efSearch
  { name: 'search: k = 0', error: InvalidArgumentError, call: (c) => c.db.search(good(), { k: 0 }) },
  { name: 'search: k = -1', error: InvalidArgumentError, call: (c) => c.db.search(good(), { k: -1 }) },
  { name: 'search: k = 2.5', error: InvalidArgumentError, call: (c) => c.db.search(good(), { k: 2.5 }) },
  { name: 'search: k = NaN', error: InvalidArgumentError, call: (c) => c.db.search(good(), { k: Number.NaN }) },
  { name: 'search: k = Infinity', error: InvalidArgumentError, call: (c) => c.db.search(good(), { k: Number.POSITIVE_INFINITY }) },
  { name: 'search: k = 2^53 (not a safe integer)', error: InvalidArgumentError, call: (c) => c.db.search(good(), { k: 2 ** 53 }) },
  { name: 'search: k as a string', error: InvalidArgumentError, call: (c) => c.db.search(good(), { k: '5' as never }) },
  { name: 'searchBatch: k = 0', error: InvalidArgumentError, call: (c) => c.db.searchBatch([good()], { k: 0 }) },
  {
    name: 'search: k > size returns every record, nearest first',
    call: (c) => c.db.search(c.queries[0]!, { k: N + 1 }),
    verify: (r, c) => expectAllRecords(r as SearchHit[], c, c.queries[0]!),
  },
  {
    name: 'search: huge k (1e9) returns every record, nearest first',
    call: (c) => c.db.search(c.queries[1]!, { k: 1e9 }),
    verify: (r, c) => expectAllRecords(r as SearchHit[], c, c.queries[1]!),
  },
  {
    name: 'search: huge k (1e9) with exact returns every record',
    call: (c) => c.db.search(c.queries[1]!, { k: 1e9, exact: true }),
    verify: (r, c) => expectAllRecords(r as SearchHit[], c, c.queries[1]!),
  },
  {
    name: 'searchBatch: huge k (1e9) returns every record per query',
    call: (c) => c.db.searchBatch(c.queries.slice(0, 2), { k: 1e9 }),
    verify: (r, c) => {
      const res = r as SearchHit[][];
      expect(res).toHaveLength(2);
      res.forEach((hits, i) => expectAllRecords(hits, c, c.queries[i]!));
    },
  },
  {
    name: 'search: huge k with a filter returns every matching record',
    call: (c) => c.db.search(c.queries[2]!, { k: 1e9, filter: { odd: true } }),
    verify: (r, c) => {
      const hits = r as SearchHit[];
      const truth = bruteForceKnn(c.data, c.queries[2]!, N, c.metric, (i) => i % 2 === 1);
      expect(checkExactTopK(hits, truth, N, (i) => `b${i}`)).toBeUndefined();
      expect(hits).toHaveLength(N / 2);
    },
  },
  {
    name: 'search: efSearch < k is raised to k (same hits as efSearch = k)',
    call: async (c) => [await c.db.search(c.queries[3]!, { k: 40, efSearch: 3 }), await c.db.search(c.queries[3]!, { k: 40, efSearch: 40 })],
    verify: (r) => {
      const [low, asK] = r as SearchHit[][];
      expect(low).toHaveLength(40);
      expect(low).toEqual(asK);
    },
  },
  {
    name: 'searchBatch: efSearch < k is raised to k',
    call: async (c) => [await c.db.searchBatch(c.queries, { k: 25, efSearch: 1 }), await c.db.searchBatch(c.queries, { k: 25, efSearch: 25 })],
    verify: (r) => {
      const [low, asK] = r as SearchHit[][][];
      for (const hits of low!) expect(hits).toHaveLength(25);
      expect(low).toEqual(asK);
    },
  },
  { name: 'search: efSearch = 0', error: InvalidArgumentError, call: (c) => c.db.search(good(), { efSearch: 0 }) },
  { name: 'search: efSearch above 2^20', error: InvalidArgumentError, call: (c) => c.db.search(good(), { efSearch: 2 ** 20 + 1 }) },
  { name: 'search: exact not a boolean', error: InvalidArgumentError, call: (c) => c.db.search(good(), { exact: 1 as never }) },
  // Metadata
  { name: 'metadata: a string', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: 'tag' as never }) },
  { name: 'metadata: a number', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: 5 as never }) },
  { name: 'metadata: null', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: null as never }) },
  { name: 'metadata: an array', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: [1] as never }) },
  { name: 'metadata: a Date', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: new Date(0) as never }) },
  { name: 'metadata: a Map', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: new Map() as never }) },
  {
    name: 'metadata: a class instance',
    error: InvalidArgumentError,
    call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: new Point() as never }),
  },
  {
    name: 'update: metadata a class instance',
    error: InvalidArgumentError,
    call: (c) => c.db.update('b1', { metadata: new Point() as never }),
  },
  { name: 'metadata: circular (self)', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: circularSelf() as never }) },
  { name: 'metadata: circular (through an array)', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: circularDeep() as never }) },
  { name: 'metadata: NaN value', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: { x: Number.NaN } }) },
  { name: 'metadata: Infinity in an array', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: { x: [1, Number.POSITIVE_INFINITY] } }) },
  { name: 'metadata: a function', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: { f: (() => 1) as never } }) },
  { name: 'metadata: a bigint', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: { b: 1n as never } }) },
  { name: 'metadata: a symbol', error: InvalidArgumentError, call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: { s: Symbol('s') as never } }) },
  {
    name: "metadata: a '__proto__' key",
    error: InvalidArgumentError,
    call: (c) => c.db.insert({ id: 'new', vector: good(), metadata: JSON.parse('{"__proto__": {"x": 1}}') as never }),
  },
  {
    name: 'upsert of an existing id with bad metadata keeps the old record',
    error: InvalidArgumentError,
    call: (c) => c.db.insert({ id: 'b5', vector: good(), metadata: circularSelf() as never }),
  },
  // Unknown option keys
  { name: 'create: unknown option key', error: InvalidArgumentError, call: (c) => c.target.create({ dim: DIM, efsearch: 10 } as never) },
  { name: 'open: unknown option key', error: InvalidArgumentError, call: (c) => c.target.open(c.target.url('x'), { dim: 3 } as never) },
  { name: 'search: unknown option key', error: InvalidArgumentError, call: (c) => c.db.search(good(), { topK: 3 } as never) },
  { name: 'searchBatch: unknown option key', error: InvalidArgumentError, call: (c) => c.db.searchBatch([good()], { K: 3 } as never) },
  { name: 'search: options not an object', error: InvalidArgumentError, call: (c) => c.db.search(good(), 5 as never) },
  { name: 'insertMany: unknown option key', error: InvalidArgumentError, call: (c) => c.db.insertMany([{ id: 'new', vector: good() }], { chunk: 2 } as never) },
  // Filters
  { name: 'filter: unknown operator $regex', error: InvalidArgumentError, call: (c) => c.db.search(good(), { filter: { tag: { $regex: 't' } } as never }) },
  { name: 'filter: unknown top-level operator $nor', error: InvalidArgumentError, call: (c) => c.db.search(good(), { filter: { $nor: [] } as never }) },
  { name: 'filter: $gt with an object', error: InvalidArgumentError, call: (c) => c.db.search(good(), { filter: { i: { $gt: {} } } as never }) },
  { name: 'filter: $lt with null', error: InvalidArgumentError, call: (c) => c.db.search(good(), { filter: { i: { $lt: null } } as never }) },
  { name: 'filter: $in with a non-array', error: InvalidArgumentError, call: (c) => c.db.search(good(), { filter: { i: { $in: 3 } } as never }) },
  { name: 'filter: $exists with a string', error: InvalidArgumentError, call: (c) => c.db.search(good(), { filter: { i: { $exists: 'yes' } } as never }) },
  { name: 'filter: empty $or', error: InvalidArgumentError, call: (c) => c.db.search(good(), { filter: { $or: [] } }) },
  { name: 'filter: NaN value', error: InvalidArgumentError, call: (c) => c.db.search(good(), { filter: { i: Number.NaN } }) },
  { name: 'filter: not an object', error: InvalidArgumentError, call: (c) => c.db.search(good(), { filter: 'i=3' as never }) },
  { name: 'count: bad filter', error: InvalidArgumentError, call: (c) => c.db.count({ i: { $gte: [1] } } as never) },
  { name: 'deleteByFilter: bad filter after a good part', error: InvalidArgumentError, call: (c) => c.db.deleteByFilter({ odd: true, i: { $bad: 1 } } as never) },
  { name: 'deleteByFilter: no filter', error: InvalidArgumentError, call: (c) => c.db.deleteByFilter(undefined as never) },
  // Storage
  { name: 'save: unsupported URL scheme', error: StorageError, call: (c) => c.db.save('s3://bucket/db.mvdb') },
  { name: 'open: nothing saved at a memory:// URL', error: StorageError, call: (c) => c.target.open(c.target.url('never-saved-here')) },
];

export function badInputSuite(target: Target): void {
  describe.each(['l2', 'cosine'] as Metric[])(`bad-input catalogue on ${target.name} (%s)`, (metric) => {
    const ctx = {} as Ctx;
    let before: unknown;
    let saves = 0;

    /** count, stats without memoryBytes, fixed search results, and the SHA-256 of the snapshot bytes. */
    async function state(): Promise<unknown> {
      const url = target.url(`bad-input-${metric}-${++saves}`);
      await ctx.db.save(url);
      return { ...(await fingerprint(ctx.db, ctx.queries)), snapshot: digest(await target.readRaw(url)) };
    }

    beforeAll(async () => {
      ctx.target = target;
      ctx.metric = metric;
      ctx.data = randomVectors(N, DIM, 123);
      ctx.queries = randomVectors(5, DIM, 456);
      ctx.db = await target.create({ dim: DIM, metric, M: 8, efConstruction: 60, efSearch: 16, seed: 9 });
      await ctx.db.insertMany(ctx.data.map((vector, i) => ({ id: `b${i}`, vector, metadata: { i, odd: i % 2 === 1, tag: `t${i % 5}` } })));
      await ctx.db.delete('b7'); // a tombstone in the snapshot too
      await ctx.db.insert({ id: 'b7', vector: ctx.data[7]!, metadata: { i: 7, odd: true, tag: 't2' } });
      before = await state();
    });
    afterAll(async () => {
      await ctx.db?.close();
    });

    const rows = ROWS.filter((r) => r.metrics === undefined || r.metrics.includes(metric));
    const gaps = rows.filter((r) => r.gap?.[target.host] !== undefined);
    test.each(rows.filter((r) => !gaps.includes(r)).map((r) => [r.name, r] as const))('%s', async (_name, row) => {
      if (row.error !== undefined) {
        const e = await caught(() => row.call(ctx), row.error);
        expect(e).toBeInstanceOf(MiniVectorDBError);
        expect(e.message.length).toBeGreaterThan(10);
      } else {
        row.verify!(await row.call(ctx), ctx);
      }
      expect(await state()).toEqual(before);
    });

    for (const row of gaps) {
      test.fails(`${row.name} — known gap on ${target.host}: ${row.gap![target.host]!}`, async () => {
        const scratch = await target.create({ dim: DIM, metric, seed: 9 });
        try {
          await caught(() => row.call({ ...ctx, db: scratch }), row.error!);
        } finally {
          await scratch.close();
        }
      });
    }

    test('the fingerprint does see a change (control)', async () => {
      await ctx.db.insert({ id: 'control', vector: good(), metadata: { i: -1 } });
      expect(await state()).not.toEqual(before);
      expect(await ctx.db.delete('control')).toBe(true);
      expect(await state()).not.toEqual(before); // a tombstone remains in the snapshot
    });
  });
}
