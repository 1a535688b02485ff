// Pooling, normalisation and batch padding of the ONNX embedder, as pure
// functions, against small cases computed by hand and a naive reference
// written here from the definitions (nested arrays, no typed-array offsets).
import { describe, expect, test } from 'vitest';
import { normalizeL2, poolTokens, splitRows } from '../../../js/src/embed/pooling.js';
import { batchOrder, chooseMaxLength, MAX_SEQUENCE, padBatch } from '../../../js/src/embed/text-encoding.js';

/** states[b][t][k] and mask[b][t] flattened the way the model lays them out ([batch, seq, dim], row-major). */
function flatten(states: number[][][], mask: number[][]): { data: Float32Array; m: BigInt64Array; batch: number; seq: number; dim: number } {
  const batch = states.length;
  const seq = states[0]!.length;
  const dim = states[0]![0]!.length;
  return { data: Float32Array.from(states.flat(2)), m: BigInt64Array.from(mask.flat().map(BigInt)), batch, seq, dim };
}

/** Mean pooling straight from its definition: average of the token vectors whose mask is 1; zeros when none. */
function naiveMean(tokens: number[][], mask: number[]): number[] {
  const kept = tokens.filter((_, t) => mask[t] === 1);
  return tokens[0]!.map((_, k) => (kept.length === 0 ? 0 : kept.reduce((s, v) => s + v[k]!, 0) / kept.length));
}

const rows = (vs: Float32Array[]): number[][] => vs.map((v) => Array.from(v));

describe('pooling', () => {
  // text 0: three tokens, the last one padding; text 1: three tokens, padding in the middle of nothing (all kept)
  const states = [
    [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    [
      [0, 0],
      [-2, 4],
      [8, -1],
    ],
  ];
  const mask = [
    [1, 1, 0],
    [1, 1, 1],
  ];

  test('mean averages the tokens under the attention mask (by hand)', () => {
    const f = flatten(states, mask);
    // text 0: ([1,2] + [3,4]) / 2 = [2, 3]; text 1: ([0,0] + [-2,4] + [8,-1]) / 3 = [2, 1]
    expect(rows(poolTokens(f.data, f.m, f.batch, f.seq, f.dim, 'mean'))).toEqual([
      [2, 3],
      [2, 1],
    ]);
  });

  test('mean skips masked tokens wherever they are, and gives zeros when none is kept', () => {
    const f = flatten(states, [
      [0, 1, 1],
      [0, 0, 0],
    ]);
    // text 0: ([3,4] + [5,6]) / 2 = [4, 5]
    expect(rows(poolTokens(f.data, f.m, f.batch, f.seq, f.dim, 'mean'))).toEqual([
      [4, 5],
      [0, 0],
    ]);
  });

  test('cls takes the first token, whatever the mask', () => {
    const f = flatten(states, mask);
    const out = poolTokens(f.data, f.m, f.batch, f.seq, f.dim, 'cls');
    expect(rows(out)).toEqual([
      [1, 2],
      [0, 0],
    ]);
    out[0]![0] = 99; // a copy: the runtime's output buffer is not touched
    expect(f.data[0]).toBe(1);
  });

  test('mean sums in float64: 2^24 + 1 + 1 is not rounded away', () => {
    // In float32, 16777216 + 1 rounds back to 16777216, so a float32 sum would give 16777216 / 3.
    const f = flatten([[[16777216], [1], [1]]], [[1, 1, 1]]);
    expect(poolTokens(f.data, f.m, 1, 3, 1, 'mean')[0]![0]).toBe(Math.fround(16777218 / 3));
  });

  test('mean equals the naive reference on random states and masks', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    for (let trial = 0; trial < 20; trial++) {
      const batch = 1 + (trial % 4);
      const seq = 1 + (trial % 5);
      const dim = 1 + (trial % 7);
      const s = Array.from({ length: batch }, () => Array.from({ length: seq }, () => Array.from({ length: dim }, () => Math.fround(rand()))));
      const m = Array.from({ length: batch }, () => Array.from({ length: seq }, () => (rand() > -0.3 ? 1 : 0)));
      const f = flatten(s, m);
      const got = poolTokens(f.data, f.m, batch, seq, dim, 'mean');
      for (let b = 0; b < batch; b++) {
        const want = naiveMean(s[b]!, m[b]!);
        for (let k = 0; k < dim; k++) expect(got[b]![k]).toBeCloseTo(want[k]!, 6);
      }
    }
  });

  test('splitRows copies the rows of a [batch, dim] output', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const out = splitRows(data, 3, 2);
    expect(rows(out)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    out[1]![0] = 0;
    expect(data[2]).toBe(3);
  });
});

describe('L2 normalisation', () => {
  test('scales to unit length (by hand)', () => {
    const v = Float32Array.from([3, 4]); // ‖v‖ = 5
    normalizeL2(v);
    expect(Array.from(v)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    const w = Float32Array.from([-1, 1, -1, 1]); // ‖w‖ = 2
    normalizeL2(w);
    expect(Array.from(w)).toEqual([-0.5, 0.5, -0.5, 0.5]);
  });

  test('a zero vector stays zero (no NaN)', () => {
    const z = new Float32Array(3);
    normalizeL2(z);
    expect(Array.from(z)).toEqual([0, 0, 0]);
  });
});

describe('batches of token ids', () => {
  test('padBatch pads at the end to the longest text: ids with the pad id, mask and type ids with 0', () => {
    const p = padBatch(
      [
        { ids: [101, 7, 102], typeIds: [0, 0, 0] },
        { ids: [101, 102], typeIds: [0, 1] },
      ],
      5,
      true,
    );
    expect([p.size, p.seq]).toEqual([2, 3]);
    expect(Array.from(p.inputIds, Number)).toEqual([101, 7, 102, 101, 102, 5]);
    expect(Array.from(p.attentionMask, Number)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(Array.from(p.tokenTypeIds!, Number)).toEqual([0, 0, 0, 0, 1, 0]);
  });

  test('padBatch: no type ids unless asked; an empty text still gets one (padding) position', () => {
    const p = padBatch([{ ids: [], typeIds: undefined }], 3, false);
    expect(p.tokenTypeIds).toBeUndefined();
    expect([p.size, p.seq]).toEqual([1, 1]);
    expect(Array.from(p.inputIds, Number)).toEqual([3]);
    expect(Array.from(p.attentionMask, Number)).toEqual([0]);
  });

  test('padBatch writes full int64 values: ids above 2^16 and a pad id of 0', () => {
    const p = padBatch([{ ids: [70000, 1], typeIds: undefined }, { ids: [2], typeIds: undefined }], 0, false);
    expect(Array.from(p.inputIds)).toEqual([70000n, 1n, 2n, 0n]);
  });

  test('batchOrder: longest first with ties in input order, but input order when one batch holds all', () => {
    expect(batchOrder([2, 5, 5, 1], 2)).toEqual([1, 2, 0, 3]);
    expect(batchOrder([2, 5, 5, 1], 4)).toEqual([0, 1, 2, 3]);
    expect(batchOrder([], 1)).toEqual([]);
  });

  test('chooseMaxLength: the smaller of the two model limits, the no-limit sentinel ignored, 512 by default, capped', () => {
    expect(chooseMaxLength(undefined, {}, {})).toBe(512);
    expect(chooseMaxLength(undefined, { model_max_length: 1e30 }, { max_position_embeddings: 256 })).toBe(256);
    expect(chooseMaxLength(undefined, { model_max_length: 128 }, { max_position_embeddings: 512 })).toBe(128);
    expect(chooseMaxLength(64, { model_max_length: 128 }, {})).toBe(64);
    expect(chooseMaxLength(1000, { model_max_length: 128 }, {})).toBe(128);
    expect(chooseMaxLength(undefined, { model_max_length: 1e8 }, {})).toBe(MAX_SEQUENCE);
  });
});
