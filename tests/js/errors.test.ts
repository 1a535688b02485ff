/** Typed errors with stable codes; a failed call changes nothing. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ClosedError,
  DimensionMismatchError,
  EmbedderMismatchError,
  InvalidArgumentError,
  LimitExceededError,
  MiniVectorDB,
  MiniVectorDBError,
  OutOfMemoryError,
  SnapshotError,
  StorageError,
  TimeoutError,
  type CreateOptions,
} from 'minivectordb';
import { caught, fingerprint, randomVectors } from './helpers.js';

const DIM = 8;

test('error classes extend MiniVectorDBError and Error, with stable codes and names', () => {
  const cases: [MiniVectorDBError, string, string][] = [
    [new InvalidArgumentError('m'), 'INVALID_ARGUMENT', 'InvalidArgumentError'],
    [new DimensionMismatchError(3, 4), 'DIMENSION_MISMATCH', 'DimensionMismatchError'],
    [new OutOfMemoryError('m'), 'OUT_OF_MEMORY', 'OutOfMemoryError'],
    [new SnapshotError('m'), 'SNAPSHOT_CORRUPT', 'SnapshotError'],
    [new SnapshotError('m', 'SNAPSHOT_VERSION'), 'SNAPSHOT_VERSION', 'SnapshotError'],
    [new StorageError('m'), 'STORAGE', 'StorageError'],
    [new EmbedderMismatchError({ model: 'a' }, { model: 'b' }, ['model: "a" recorded, "b" supplied']), 'EMBEDDER_MISMATCH', 'EmbedderMismatchError'],
    [new ClosedError('search'), 'CLOSED', 'ClosedError'],
    [new LimitExceededError('idLength', 10, 11, 'm'), 'INVALID_ARGUMENT', 'LimitExceededError'],
    [new TimeoutError('m', 5), 'TIMEOUT', 'TimeoutError'],
  ];
  for (const [err, code, name] of cases) {
    expect(err).toBeInstanceOf(MiniVectorDBError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.name).toBe(name);
  }
  const dm = new DimensionMismatchError(3, 4);
  expect([dm.expected, dm.actual]).toEqual([3, 4]);
  const limit = new LimitExceededError('idLength', 10, 11, 'm');
  expect(limit).toBeInstanceOf(InvalidArgumentError); // existing InvalidArgumentError handlers still catch it
  expect([limit.limit, limit.max, limit.actual]).toEqual(['idLength', 10, 11]);
  expect(new TimeoutError('m', 5).timeoutMs).toBe(5);
});

describe('create() argument errors', () => {
  const bad: [string, unknown][] = [
    ['dim 0', { dim: 0 }],
    ['dim negative', { dim: -3 }],
    ['dim non-integer', { dim: 2.5 }],
    ['dim NaN', { dim: Number.NaN }],
    ['dim string', { dim: '8' }],
    ['dim too large', { dim: 65537 }],
    ['dim a string', { dim: '4' }], // no dim at all means a text database (text.test.ts)
    ['bad metric', { dim: 4, metric: 'euclidean' }],
    ['metric prototype key', { dim: 4, metric: 'toString' }],
    ['M too small', { dim: 4, M: 1 }],
    ['efConstruction 0', { dim: 4, efConstruction: 0 }],
    ['efSearch 0', { dim: 4, efSearch: 0 }],
    ['seed negative', { dim: 4, seed: -1 }],
    ['seed too large', { dim: 4, seed: 2 ** 32 }],
    ['unknown key', { dim: 4, metrics: 'l2' }],
    ['unknown key ef', { dim: 4, ef: 10 }],
    ['not an object', 4],
    ['null', null],
  ];
  test.each(bad)('%s → InvalidArgumentError', async (_name, options) => {
    const err = await caught(() => MiniVectorDB.create(options as CreateOptions), InvalidArgumentError);
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err).toBeInstanceOf(MiniVectorDBError);
  });
  test('bad storage URL → StorageError', async () => {
    const err = await caught(() => MiniVectorDB.create({ dim: 4, storage: 's3://bucket/x' }), StorageError);
    expect(err.code).toBe('STORAGE');
  });
  test('open() with an unknown option or a non-string URL → InvalidArgumentError', async () => {
    await caught(() => MiniVectorDB.open('memory://x', { bogus: 1 } as never), InvalidArgumentError);
    await caught(() => MiniVectorDB.open(42 as never), InvalidArgumentError);
  });
});

describe.each(['l2', 'cosine', 'ip'] as const)('failed calls leave the database unchanged (%s)', (metric) => {
  let db: MiniVectorDB;
  let data: Float32Array[];
  let queries: Float32Array[];
  let before: unknown;

  beforeAll(async () => {
    data = randomVectors(400, DIM, 10);
    queries = randomVectors(4, DIM, 11);
    db = await MiniVectorDB.create({ dim: DIM, metric, M: 6, efConstruction: 40, efSearch: 10, seed: 1 });
    await db.insertMany(data.map((vector, i) => ({ id: `e${i}`, vector, metadata: { i } })));
    before = await fingerprint(db, queries);
  });
  afterAll(async () => {
    await db?.close();
  });

  const good = (): Float32Array => new Float32Array(DIM).fill(0.5);
  const withAt = (i: number, x: number): number[] => {
    const v = Array.from(good());
    v[i] = x;
    return v;
  };

  test('DimensionMismatchError on insert and search (expected/actual)', async () => {
    for (const len of [DIM - 1, DIM + 1, 0]) {
      const vec = new Float32Array(len).fill(1);
      const e1 = await caught(() => db.insert({ id: 'new', vector: vec }), DimensionMismatchError);
      expect([e1.code, e1.expected, e1.actual]).toEqual(['DIMENSION_MISMATCH', DIM, len]);
      const e2 = await caught(() => db.search(vec), DimensionMismatchError);
      expect([e2.code, e2.expected, e2.actual]).toEqual(['DIMENSION_MISMATCH', DIM, len]);
      const e3 = await caught(() => db.searchBatch([good(), vec]), DimensionMismatchError);
      expect([e3.expected, e3.actual]).toEqual([DIM, len]);
      // One bad item among good ones: nothing is inserted.
      const e4 = await caught(
        () => db.insertMany([{ id: 'ok1', vector: good() }, { id: 'e1', vector: good() }, { id: 'bad', vector: Array.from(vec) }]),
        DimensionMismatchError,
      );
      expect(e4.actual).toBe(len);
    }
    expect(await fingerprint(db, queries)).toEqual(before);
    expect(await db.get('ok1')).toBeUndefined();
  });

  test('InvalidArgumentError for bad vectors, ids, items and options', async () => {
    const vectorCases: unknown[] = [
      withAt(2, Number.NaN),
      withAt(0, Number.POSITIVE_INFINITY),
      withAt(DIM - 1, Number.NEGATIVE_INFINITY),
      withAt(3, 1e39), // overflows float32
      Float32Array.from(withAt(1, Number.NaN)),
      withAt(1, '1' as unknown as number),
      'not a vector',
      { length: DIM },
      null,
    ];
    for (const vector of vectorCases) {
      await caught(() => db.insert({ id: 'new', vector: vector as number[] }), InvalidArgumentError);
      await caught(() => db.insertMany([{ id: 'new1', vector: good() }, { id: 'new2', vector: vector as number[] }]), InvalidArgumentError);
      await caught(() => db.search(vector as number[]), InvalidArgumentError);
      await caught(() => db.searchBatch([good(), vector as number[]]), InvalidArgumentError);
    }
    const idCases: unknown[] = ['', 42, null, undefined, {}, ['a'], Symbol('x')];
    for (const id of idCases) {
      await caught(() => db.insert({ id: id as string, vector: good() }), InvalidArgumentError);
      await caught(() => db.get(id as string), InvalidArgumentError);
      await caught(() => db.delete(id as string), InvalidArgumentError);
    }
    const itemCases: unknown[] = [
      { id: 'x', vector: good(), extra: 1 }, // unknown item key
      { id: 'x', vector: good(), meta: {} },
      { id: 'x', vector: good(), metadata: 'text' },
      { id: 'x', vector: good(), metadata: [1, 2] },
      { id: 'x', vector: good(), metadata: { n: Number.NaN } },
      { id: 'x', vector: good(), metadata: { n: [Number.POSITIVE_INFINITY] } },
      { id: 'x', vector: good(), metadata: { f: () => 1 } },
      { id: 'x', vector: good(), metadata: { d: new Date(0) } },
      { id: 'x', vector: good(), metadata: { b: 10n } },
      { id: 'x', vector: good(), metadata: { u: [undefined] } },
      { id: 'x' },
      null,
      'item',
    ];
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    itemCases.push({ id: 'x', vector: good(), metadata: circular });
    for (const item of itemCases) {
      await caught(() => db.insert(item as never), InvalidArgumentError);
      await caught(() => db.insertMany([{ id: 'fine', vector: good() }, item as never]), InvalidArgumentError);
    }
    await caught(() => db.insertMany('items' as never), InvalidArgumentError);
    await caught(() => db.insertMany([], { onProgres: () => {} } as never), InvalidArgumentError); // misspelt option
    await caught(() => db.insertMany([{ id: 'fine', vector: good() }], { onProgress: 5 } as never), InvalidArgumentError);

    const searchOptionCases: unknown[] = [
      { k: 0 },
      { k: -1 },
      { k: 1.5 },
      { k: Number.NaN },
      { k: '5' },
      { efSearch: 0 },
      { efSearch: 2.5 },
      { efSearch: 2 ** 21 },
      { exact: 'yes' },
      { topK: 5 }, // unknown key
      { k: 5, filters: {} },
      'k=5',
    ];
    for (const options of searchOptionCases) {
      await caught(() => db.search(good(), options as never), InvalidArgumentError);
      await caught(() => db.searchBatch([good()], options as never), InvalidArgumentError);
      await caught(() => db.searchBatch([], options as never), InvalidArgumentError);
    }
    await caught(() => db.searchBatch('queries' as never), InvalidArgumentError);
    expect(await fingerprint(db, queries)).toEqual(before);
    for (const id of ['new', 'new1', 'new2', 'x', 'fine']) expect(await db.get(id)).toBeUndefined();
  });

  test('zero vector: rejected with cosine, accepted otherwise', async () => {
    const zero = new Float32Array(DIM);
    if (metric === 'cosine') {
      await caught(() => db.insert({ id: 'zero', vector: zero }), InvalidArgumentError);
      await caught(() => db.insertMany([{ id: 'ok', vector: good() }, { id: 'zero', vector: zero }]), InvalidArgumentError);
      await caught(() => db.search(zero), InvalidArgumentError);
      await caught(() => db.searchBatch([good(), zero]), InvalidArgumentError);
      await caught(() => db.searchBatch(new Float32Array(DIM * 2)), InvalidArgumentError);
      expect(await fingerprint(db, queries)).toEqual(before);
    } else {
      const hits = await db.search(zero, { k: 3 });
      expect(hits).toHaveLength(3);
    }
  });

  test('every error thrown is a MiniVectorDBError with a code', async () => {
    const calls: (() => unknown)[] = [
      () => db.insert({ id: '', vector: good() }),
      () => db.search([1]),
      () => db.search(good(), { k: 0 }),
      () => db.get(''),
      () => MiniVectorDB.open('memory://none'),
      () => MiniVectorDB.create({ dim: 0 }),
    ];
    for (const call of calls) {
      const e = await caught(call, MiniVectorDBError);
      expect(typeof e.code).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
    }
    expect(await fingerprint(db, queries)).toEqual(before);
  });

  test('the database still works after the failures', async () => {
    expect(await db.insertMany([{ id: 'after', vector: good(), metadata: { ok: true } }])).toEqual({ inserted: 1, updated: 0 });
    expect((await db.get('after'))!.metadata).toEqual({ ok: true });
    expect(await db.delete('after')).toBe(true);
  });
});
