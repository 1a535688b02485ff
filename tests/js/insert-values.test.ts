/**
 * insertMany checks every vector's values (the core's rule: finite, squared
 * norm ≤ FLT_MAX / 8, non-zero for cosine) and length before anything
 * changes: a bad vector in the second chunk of 1,024 refuses the whole call
 * with the typed error naming it, and the first chunk never reaches the
 * index — no record, no tombstone (`fingerprint`: size, stats and the
 * results of graph and exact searches, before and after).
 */
import { describe, expect, test } from 'vitest';
import { DimensionMismatchError, InvalidArgumentError, MiniVectorDB, type Embedder } from 'minivectordb';
import { caught, fingerprint, randomVectors } from './helpers.js';

const DIM = 8;
const N = 2000; // two chunks of insertMany's 1,024
const BAD = 1500; // in the second chunk

describe('insertMany refuses a bad vector in a later chunk before the first chunk is added', () => {
  const cases: { what: string; metric: 'l2' | 'cosine'; vector: () => number[]; error: typeof InvalidArgumentError | typeof DimensionMismatchError; message: RegExp }[] = [
    { what: 'NaN', metric: 'l2', vector: () => [1, 2, 3, Number.NaN, 5, 6, 7, 8], error: InvalidArgumentError, message: /^items\[1500\]\.vector has a non-finite value at index 3: NaN/ },
    { what: '-Infinity', metric: 'l2', vector: () => [1, 2, 3, 4, 5, 6, -Infinity, 8], error: InvalidArgumentError, message: /^items\[1500\]\.vector has a non-finite value at index 6: -Infinity/ },
    { what: 'a squared norm over FLT_MAX / 8', metric: 'l2', vector: () => [3e19, 3e19, 0, 0, 0, 0, 0, 0], error: InvalidArgumentError, message: /^items\[1500\]\.vector has squared norm/ },
    { what: 'the zero vector under cosine', metric: 'cosine', vector: () => new Array<number>(DIM).fill(0), error: InvalidArgumentError, message: /^items\[1500\]\.vector has zero norm/ },
    { what: 'a wrong dimension', metric: 'l2', vector: () => [1, 2, 3], error: DimensionMismatchError, message: /^items\[1500\]\.vector has dimension 3, expected 8/ },
  ];

  test.each(cases)('$what', async ({ metric, vector, error, message }) => {
    const db = await MiniVectorDB.create({ dim: DIM, metric, M: 8 });
    try {
      const keep = randomVectors(20, DIM, 1);
      await db.insertMany(keep.map((v, i) => ({ id: `keep${i}`, vector: v })));
      const before = await fingerprint(db, keep.slice(0, 4));
      const vectors: (Float32Array | number[])[] = randomVectors(N, DIM, 2);
      vectors[BAD] = vector();
      const err = await caught(() => db.insertMany(vectors.map((v, i) => ({ id: `v${i}`, vector: v }))), error);
      expect(err.message).toMatch(message);
      expect(await fingerprint(db, keep.slice(0, 4))).toEqual(before);
      expect(db.stats().deleted).toBe(0); // the first chunk was never added (an undone chunk would leave 1,024 tombstones)
      expect(await db.get('v0')).toBeUndefined();
    } finally {
      await db.close();
    }
  });

  test('a non-finite vector from the embedder is named as the embedded text of its item', async () => {
    const unit = Float32Array.from({ length: DIM }, (_, j) => (j === 0 ? 1 : 0));
    const embedder: Embedder = {
      dim: DIM,
      info: { kind: 'test', model: 'nan-at-1500', dim: DIM, pooling: 'mean', normalize: true, maxLength: 0 },
      async embed(texts) {
        return texts.map((t) => (t === `text ${BAD}` ? unit.map((x, j) => (j === 2 ? Number.NaN : x)) : unit.slice()));
      },
      async dispose() {},
    };
    const db = await MiniVectorDB.create({ embedder, M: 8 });
    try {
      await db.insert({ id: 'keep', vector: unit });
      const before = await fingerprint(db, [unit]);
      const err = await caught(() => db.insertMany(Array.from({ length: N }, (_, i) => ({ id: `t${i}`, text: `text ${i}` }))), InvalidArgumentError);
      expect(err.message).toMatch(/^items\[1500\]\.text \(embedded\) has a non-finite value at index 2: NaN/);
      expect(await fingerprint(db, [unit])).toEqual(before);
      expect(db.stats().deleted).toBe(0);
    } finally {
      await db.close();
    }
  });
});
