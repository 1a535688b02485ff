// The random-weight BERT generator of the embedding bench
// (scripts/model/lib/bert-graph.mjs, bert-folder.mjs), at a tiny size, run
// through the ONNX embedder, against a forward pass written here in plain
// float64 JS from the weights alone (not from the graph): embeddings + LayerNorm,
// per layer multi-head self-attention with the padding mask, residual +
// LayerNorm, exact-erf GELU FFN, residual + LayerNorm; then mean pooling over
// the attention mask and L2 normalisation.
// float32: within 1e-4 of the reference. q8 (int8 weights, uint8 dynamic
// activations): cosine ≥ 0.999 with the float reference (measured 0.99994–0.99998), and farther from it
// than float32 is (so the quantized file really is what ran).
// Also: the op counts of the q8 graph with 6 layers equal those of the
// published Xenova/all-MiniLM-L6-v2 onnx/model_quantized.onnx.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OnnxEmbedder } from '../../../js/src/embed/index.js';
import { writeBertFolder, type BertArchitecture, type BertWeights } from '../../../scripts/model/lib/bert-folder.mjs';
import { cosine, maxDiff, tempDir } from './helpers.js';

const TINY: BertArchitecture = { layers: 2, hidden: 16, heads: 2, ffn: 32, vocab: 300, positions: 32, types: 2 };

// ---- the reference: float64, from the weights --------------------------------
type Mat = Float64Array[]; // rows

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is only 1e-7 accurate; use the series / continued fraction split for ~1e-15.
  const t = Math.abs(x);
  if (t < 3) {
    let sum = 0;
    let term = t;
    for (let n = 0; n < 80; n++) {
      sum += term / (2 * n + 1);
      term *= (-t * t) / (n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz) for large |x|
  let f = t;
  for (let k = 60; k >= 1; k--) f = t + k / 2 / f;
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

function rowTimes(x: Float64Array, w: Float32Array, cols: number, bias: Float32Array): Float64Array {
  const out = Float64Array.from(bias);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    for (let j = 0; j < cols; j++) out[j]! += xi * w[i * cols + j]!;
  }
  return out;
}

function layerNorm(x: Float64Array, g: Float32Array, b: Float32Array): Float64Array {
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
  const sd = Math.sqrt(variance + 1e-12);
  return x.map((v, i) => ((v - mean) / sd) * g[i]! + b[i]!);
}

/** last_hidden_state of one unpadded sequence (padding is masked out, so per-text is the same). */
function bertForward(a: BertArchitecture, W: BertWeights, ids: number[]): Mat {
  const h = a.hidden;
  const dh = h / a.heads;
  let x: Mat = ids.map((id, p) => {
    const v = new Float64Array(h);
    for (let k = 0; k < h; k++) v[k] = W.word[id * h + k]! + W.position[p * h + k]! + W.tokenType[k]!;
    return layerNorm(v, W.embLnG, W.embLnB);
  });
  for (const L of W.layers) {
    const q = x.map((r) => rowTimes(r, L.wq, h, L.bq));
    const k = x.map((r) => rowTimes(r, L.wk, h, L.bk));
    const v = x.map((r) => rowTimes(r, L.wv, h, L.bv));
    const ctx = x.map(() => new Float64Array(h));
    for (let head = 0; head < a.heads; head++) {
      for (let i = 0; i < x.length; i++) {
        const s = k.map((kj) => {
          let d = 0;
          for (let c = head * dh; c < (head + 1) * dh; c++) d += q[i]![c]! * kj[c]!;
          return d / Math.sqrt(dh);
        });
        const m = Math.max(...s);
        const e = s.map((z) => Math.exp(z - m));
        const z = e.reduce((acc, y) => acc + y, 0);
        e.forEach((p, j) => {
          for (let c = head * dh; c < (head + 1) * dh; c++) ctx[i]![c]! += (p / z) * v[j]![c]!;
        });
      }
    }
    x = x.map((r, i) => {
      const o = rowTimes(ctx[i]!, L.wo, h, L.bo);
      return layerNorm(o.map((val, c) => val + r[c]!), L.ln1G, L.ln1B);
    });
    x = x.map((r) => {
      const mid = rowTimes(r, L.w1, a.ffn, L.b1).map((u) => 0.5 * u * (1 + erf(u / Math.SQRT2)));
      const o = rowTimes(mid, L.w2, h, L.b2);
      return layerNorm(o.map((val, c) => val + r[c]!), L.ln2G, L.ln2B);
    });
  }
  return x;
}

function meanPoolNormalized(states: Mat): Float64Array {
  const out = new Float64Array(states[0]!.length);
  for (const r of states) r.forEach((v, c) => (out[c]! += v / states.length));
  const n = Math.sqrt(out.reduce((s, v) => s + v * v, 0));
  return out.map((v) => v / n);
}

// ---- the tests --------------------------------------------------------------
let tmp: { path: string; remove: () => void };
let made: ReturnType<typeof writeBertFolder>;

beforeAll(() => {
  tmp = tempDir('random-bert');
  made = writeBertFolder(tmp.path, TINY, { seed: 7, maxLength: 24 });
});
afterAll(() => tmp.remove());

describe('random-weight BERT, tiny', () => {
  const texts = (words: string[]) => [
    words.slice(0, 5).join(' '),
    `${words[10]}, ${words[11]}! ${words[12]}`,
    words[3]!,
    words.slice(20, 40).join(' '), // 20 words + [CLS] [SEP] = 22 tokens: the longest, the others are padded beside it
  ];

  test('tokenizer.json: [CLS] words [SEP], one token per made-up word', async () => {
    const e = await OnnxEmbedder.create({ modelPath: tmp.path, cache: false });
    const id = (t: string) => made.tokens.indexOf(t);
    const [t0, t1] = texts(made.words);
    expect(e.tokenize(t0!)).toEqual([2, ...made.words.slice(0, 5).map(id), 3]);
    expect(e.tokenize(t1!)).toEqual([2, id(made.words[10]!), id(','), id(made.words[11]!), id('!'), id(made.words[12]!), 3]);
    expect(made.tokens.length).toBe(TINY.vocab);
    await e.dispose();
  });

  test('float32 graph = the float64 reference (1e-4), in one padded batch', async () => {
    const e = await OnnxEmbedder.create({ modelPath: tmp.path, cache: false, dtype: 'fp32' });
    const ts = texts(made.words);
    const out = await e.embed(ts);
    ts.forEach((t, i) => {
      const want = meanPoolNormalized(bertForward(TINY, made.weights, e.tokenize(t)));
      expect(maxDiff(out[i]!, want), t).toBeLessThan(1e-4);
    });
    await e.dispose();
  });

  test('q8 graph: cosine ≥ 0.999 with the float reference, and not identical to float32', async () => {
    const e = await OnnxEmbedder.create({ modelPath: tmp.path, cache: false, dtype: 'q8' });
    expect(e.info.modelFile).toBe('onnx/model_quantized.onnx');
    const ts = texts(made.words);
    const out = await e.embed(ts);
    ts.forEach((t, i) => {
      const want = meanPoolNormalized(bertForward(TINY, made.weights, e.tokenize(t)));
      expect(cosine(out[i]!, want), t).toBeGreaterThanOrEqual(0.999);
      expect(maxDiff(out[i]!, want), t).toBeGreaterThan(1e-4); // quantization error is visible: this is the int8 file
    });
    await e.dispose();
  });

  test('op counts: with 6 layers the q8 graph has exactly the op list of the published MiniLM-L6 model_quantized.onnx', () => {
    const six = tempDir('random-bert-6');
    try {
      const { ops } = writeBertFolder(six.path, { ...TINY, layers: 6 }, { dtypes: ['fp32', 'q8'] });
      // Xenova/all-MiniLM-L6-v2 onnx/model_quantized.onnx (772 nodes), as listed by onnx's graph walk
      expect(ops.q8).toEqual({
        Constant: 146, Mul: 98, Add: 88, Gather: 52, Unsqueeze: 51, Shape: 49, Cast: 37, MatMulInteger: 36, ReduceMean: 26, Div: 25,
        DynamicQuantizeLinear: 24, Concat: 24, Reshape: 24, Transpose: 24, Sub: 14, Pow: 13, Sqrt: 13, MatMul: 12, Softmax: 6, Erf: 6,
        DequantizeLinear: 3, Slice: 1,
      });
      // float32: each MatMulInteger group (DynamicQuantizeLinear, MatMulInteger, Cast, Mul, Mul) is one MatMul again
      expect(ops.fp32).toEqual({
        Constant: 146, Mul: 26, Add: 88, Gather: 52, Unsqueeze: 51, Shape: 49, Cast: 1, ReduceMean: 26, Div: 25,
        Concat: 24, Reshape: 24, Transpose: 24, Sub: 14, Pow: 13, Sqrt: 13, MatMul: 48, Softmax: 6, Erf: 6, Slice: 1,
      });
    } finally {
      six.remove();
    }
  });
});
