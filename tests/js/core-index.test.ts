// CoreIndex over the built module: one core call per search whatever nq and
// `exact`, the core's rules (k clamped, ef defaulted and raised, queries
// checked) applied without help from the caller, the limits and enums read
// from the module, and checkVectors naming the first bad vector of a batch.
// References: brute force in plain JS (helpers.ts), independent of the core.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError, MiniVectorDBError } from 'minivectordb';
import { CoreIndex } from '../../dist/wasm/core-index.js';
import { coreConstants } from '../../dist/wasm/constants.js';
import { loadCore } from '../../dist/wasm/load.js';
import { errorFromCore } from '../../dist/errors.js';
import { bruteForceKnn, distanceTolerance, randomVectors } from './helpers.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const DIM = 8;
const N = 600;
const data = randomVectors(N, DIM, 7);
const queries = randomVectors(5, DIM, 8);
const flat = (rows: readonly Float32Array[]): Float32Array => {
  const out = new Float32Array(rows.length * DIM);
  rows.forEach((r, i) => out.set(r, i * DIM));
  return out;
};

let mod: any;
let index: any;
let calls: string[] = [];

beforeAll(async () => {
  mod = await loadCore(undefined, silent);
  index = CoreIndex.create(mod, { dim: DIM, metric: 'l2', M: 8, efConstruction: 32, efSearch: 12, seed: 3, quantization: 'none', rerank: 4, keepFloat: true });
  index.add(flat(data), N);
  // Count every call into the binding's search entry point.
  const raw = index.raw;
  const search = raw.search.bind(raw);
  raw.search = (...args: unknown[]) => {
    calls.push('search');
    return search(...args);
  };
});
afterAll(() => index?.dispose());

describe('CoreIndex.search', () => {
  test('an exact batch is answered in one core call, every query exactly', () => {
    calls = [];
    const hits = index.search(flat(queries), queries.length, 6, 0, undefined, true);
    expect(calls).toEqual(['search']);
    expect(hits).toHaveLength(queries.length);
    queries.forEach((q, i) => {
      const ref = bruteForceKnn(data, q, 6, 'l2');
      expect(Array.from(hits[i].labels)).toEqual(ref.map((r) => r.index));
      ref.forEach((r, j) => expect(Math.abs(hits[i].distances[j] - r.distance)).toBeLessThanOrEqual(distanceTolerance(r.distance)));
    });
  });

  test('a graph batch is one call and answers as its queries one by one', () => {
    calls = [];
    const batch = index.search(flat(queries), queries.length, 5, 16, undefined, false);
    expect(calls).toEqual(['search']);
    queries.forEach((q, i) => {
      const [one] = index.search(q, 1, 5, 16, undefined, false);
      expect(Array.from(batch[i].labels)).toEqual(Array.from(one.labels));
    });
  });

  test('the core clamps k and raises ef: a caller passes them as given', () => {
    // k far past the live labels (and past 2^32): every live label, nearest first.
    const [all] = index.search(queries[0], 1, 2 ** 40, 1, undefined, true);
    expect(all.labels).toHaveLength(N);
    // A filter of 3 labels: min(k, 3) results, the bitset's nearest.
    const words = new Uint32Array(Math.ceil(N / 32));
    for (const l of [10, 200, 599]) words[l >>> 5]! |= 1 << (l & 31);
    const [filtered] = index.search(queries[1], 1, 50, 16, { words, count: 3 }, false);
    const ref = bruteForceKnn(data, queries[1]!, 50, 'l2', (i) => [10, 200, 599].includes(i));
    expect(Array.from(filtered.labels)).toEqual(ref.map((r) => r.index));
    // ef 0 is the index's efSearch (12).
    const [a] = index.search(queries[2], 1, 10, 0, undefined, false);
    const [b] = index.search(queries[2], 1, 10, 12, undefined, false);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    // ef over the core's limit is rejected by the core.
    expect(() => index.search(queries[2], 1, 10, coreConstants(mod).maxEf + 1, undefined, false)).toThrow(InvalidArgumentError);
  });

  test('a bad query in a batch is rejected naming it, before any is searched', () => {
    const q = flat(queries);
    q[3 * DIM + 2] = Number.NaN;
    expect(() => index.search(q, queries.length, 5, 16, undefined, false)).toThrow(/query 3 has a non-finite value at index 2: NaN/);
    expect(() => index.search(q, queries.length, 5, 16, undefined, true)).toThrow(/query 3 has a non-finite value/);
  });

  test('the core reports which query it rejected; the caller only names it, in the same one call', () => {
    const q = flat(queries);
    q[3 * DIM + 2] = Number.NaN;
    q[4 * DIM] = Number.POSITIVE_INFINITY; // a later bad query is not the one named
    const name = (i: number) => `queries[${i}]`;
    calls = [];
    for (const exact of [false, true]) {
      expect(() => index.search(q, queries.length, 5, 16, undefined, exact, name)).toThrow(/^queries\[3\] has a non-finite value at index 2: NaN/);
    }
    expect(calls).toEqual(['search', 'search']);
    // A batch of one: the core says just "query"; the caller's name still gets its index.
    expect(() => index.search(q.subarray(3 * DIM), 1, 5, 16, undefined, false, name)).toThrow(/^queries\[0\] has a non-finite value at index 2/);
    // A rejected query is named; other errors keep the core's message.
    expect(() => index.search(flat(queries), 1, 5, coreConstants(mod).maxEf + 1, undefined, false, name)).toThrow(/^efSearch must be at most/);
  });
});

describe('CoreIndex.add', () => {
  test('a vector the core rejects is named by the caller, and nothing is added', () => {
    const fresh = CoreIndex.create(mod, { dim: DIM, metric: 'l2', M: 8, efConstruction: 16, efSearch: 16, seed: 1, quantization: 'none', rerank: 4, keepFloat: true });
    try {
      const v = flat(queries.slice(0, 3));
      v[2 * DIM + 1] = 1e30; // squared norm over FLT_MAX / 8 with the others
      v[2 * DIM + 2] = 1e30;
      expect(() => fresh.add(v, 3, (i: number) => `items[${1024 + i}].vector`)).toThrow(/^items\[1026\]\.vector has squared norm/);
      expect(() => fresh.add(v, 3)).toThrow(/^vector 2 has squared norm/);
      expect(fresh.size).toBe(0);
      expect(Array.from(fresh.add(v.subarray(0, 2 * DIM), 2, (i: number) => `x${i}`))).toEqual([0, 1]);
    } finally {
      fresh.dispose();
    }
  });
});

describe('limits and enums come from the module', () => {
  test('constants', () => {
    const c = coreConstants(mod);
    expect([c.maxDim, c.maxM, c.maxEf, c.maxK, c.maxRerank]).toEqual([65536, 1024, 2 ** 20, 2 ** 20, 1024]);
    expect(c.maxSquaredNorm).toBe(3.4028234663852886e38 / 8);
    expect(c.metricIds).toEqual({ l2: 0, ip: 1, cosine: 2 });
    expect(c.quantizationIds).toEqual({ none: 0, int8: 1 });
    expect(index.config()).toMatchObject({ metric: 'l2', quantization: 'none', efSearch: 12 });
  });

  test('core status codes map to typed errors through the exported enum; unknown codes are INTERNAL', () => {
    const c = coreConstants(mod);
    expect(errorFromCore(c.statusName(1), -1, 'x')).toBeInstanceOf(InvalidArgumentError);
    expect(errorFromCore(c.statusName(5), -5, 'x').code).toBe('SNAPSHOT_CORRUPT');
    expect(errorFromCore(c.statusName(6), -6, 'x').code).toBe('SNAPSHOT_VERSION');
    expect(errorFromCore(c.statusName(4), -4, 'x').code).toBe('NOT_FOUND');
    for (const retired of [2, 7, 99]) {
      expect(c.statusName(retired)).toBeUndefined();
      const e = errorFromCore(c.statusName(retired), -retired, 'x');
      expect(e).toBeInstanceOf(MiniVectorDBError);
      expect(e.code).toBe('INTERNAL');
    }
  });

  test('CoreIndex.create takes names and refuses unknown ones', () => {
    const base = { dim: 4, M: 8, efConstruction: 16, efSearch: 16, seed: 1, rerank: 4, keepFloat: true };
    expect(() => CoreIndex.create(mod, { ...base, metric: 'hamming', quantization: 'none' })).toThrow(/unknown metric/);
    expect(() => CoreIndex.create(mod, { ...base, metric: 'l2', quantization: 'pq' })).toThrow(/unknown quantization/);
    const q = CoreIndex.create(mod, { ...base, metric: 'cosine', quantization: 'int8' });
    expect(q.config()).toMatchObject({ metric: 'cosine', quantization: 'int8' });
    q.dispose();
  });
});

describe('CoreIndex.checkVectors', () => {
  test('names the first vector the core would reject, and why; adds nothing', () => {
    const cos = CoreIndex.create(mod, { dim: 3, metric: 'cosine', M: 8, efConstruction: 16, efSearch: 16, seed: 1, quantization: 'none', rerank: 4, keepFloat: true });
    try {
      const v = new Float32Array([1, 2, 3, 4, 5, 6, 0, 0, 0, 1, Number.POSITIVE_INFINITY, 1]);
      expect(cos.checkVectors(v.subarray(0, 6), 2)).toBeUndefined();
      expect(cos.checkVectors(v, 4)).toEqual({ item: 2, fault: 'zero-norm', message: 'item 2 has zero norm; cosine needs a non-zero vector' });
      const p = cos.checkVectors(v.subarray(9), 1);
      expect(p).toMatchObject({ item: 0, fault: 'non-finite' });
      expect(p.message).toBe('item 0 has a non-finite value at index 1: Infinity (NaN and ±Infinity are rejected)');
      const big = new Float32Array([3e38, 3e38, 3e38, 1, 1, 1]);
      expect(cos.checkVectors(big, 2)).toMatchObject({ item: 0, fault: 'norm-too-large' });
      expect(cos.size).toBe(0);
    } finally {
      cos.dispose();
    }
    // l2: a zero vector is fine.
    expect(index.checkVectors(new Float32Array(DIM), 1)).toBeUndefined();
  });
});
