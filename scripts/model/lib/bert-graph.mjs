// BERT encoders with random weights, written as the ONNX graph the Hugging
// Face exports have (torch.onnx through optimum, as in
// Xenova/all-MiniLM-L6-v2 `onnx/model.onnx`), in float32 or in the int8
// dynamic-quantized form of `onnx/model_quantized.onnx` (onnxruntime's
// quantize_dynamic). Speed does not depend on the weights, so these run as
// fast as the real models of the same shape.
//
// Graph form, per the published export's op list (Xenova/all-MiniLM-L6-v2
// model_quantized.onnx: Constant 146, Mul 98, Add 88, Gather 52, Unsqueeze 51,
// Shape 49, Cast 37, MatMulInteger 36, ReduceMean 26, Div 25,
// DynamicQuantizeLinear 24, Concat 24, Reshape 24, Transpose 24, Sub 14,
// Pow 13, Sqrt 13, MatMul 12, Softmax 6, Erf 6, DequantizeLinear 3, Slice 1):
// - embeddings: Gather(word) + Gather(token_type) + Gather(position), the
//   position ids Sliced from a [1, max_positions] constant by the sequence
//   length (Shape → Gather → Unsqueeze);
// - LayerNorm decomposed as torch exports it below opset 17: ReduceMean, Sub,
//   Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul gamma, Add beta (onnxruntime
//   fuses this pattern back into LayerNormalization when it loads the graph);
// - mask: Unsqueeze ×2, Cast, Sub from 1, Mul by float32's lowest value;
// - attention: MatMul + Add bias for Q, K, V; Reshape to heads with a shape
//   built from Shape/Gather/Unsqueeze/Concat; Transpose (K straight to
//   [0,2,3,1]); MatMul, Div by √head_dim, Add mask, Softmax, MatMul,
//   Transpose, Reshape back; output MatMul + Add, residual Add, LayerNorm;
// - FFN: MatMul + Add, GELU as x·0.5·(1 + erf(x/√2)) (Div, Erf, Add, Mul, Mul),
//   MatMul + Add, residual Add, LayerNorm; output `last_hidden_state`.
// q8 (onnxruntime quantize_dynamic, weight type QInt8, per tensor,
// symmetric): every MatMul with a constant weight becomes
// DynamicQuantizeLinear(x) → MatMulInteger(xq, Wq, x_zp, W_zp) → Cast float
// → Mul by (x_scale · W_scale) — one DynamicQuantizeLinear shared by the
// Q/K/V MatMuls of a layer, as there; the three embedding tables are int8
// with Gather → DequantizeLinear.
import { DataType, encodeModel, valueInfo } from './onnx.mjs';
import { graphBuilder, opCounts, randomTensors } from './transformer-graph.mjs';

/** Real architectures (config.json values of the published models). */
export const ARCHITECTURES = Object.freeze({
  'minilm-l6': { layers: 6, hidden: 384, heads: 12, ffn: 1536, vocab: 30522, positions: 512, types: 2 },
  'bge-small': { layers: 12, hidden: 384, heads: 12, ffn: 1536, vocab: 30522, positions: 512, types: 2 },
});

export const LN_EPS = 1e-12;

/**
 * Random float32 weights of a BERT encoder, reproducible from `seed`.
 * Matrices are row-major [in, out] (x · W), as the export stores them.
 * @param {{layers:number, hidden:number, heads:number, ffn:number, vocab:number, positions:number, types:number}} a
 * @param {number} seed
 */
export function randomBertWeights(a, seed = 1) {
  // uniform in [-s, s]; s chosen so activations stay O(1) through the layers
  const { uni, around, matrix: w } = randomTensors(seed);
  const h = a.hidden;
  return {
    word: uni(a.vocab * h, 0.5),
    position: uni(a.positions * h, 0.5),
    tokenType: uni(a.types * h, 0.5),
    embLnG: around(h, 1, 0.2),
    embLnB: uni(h, 0.1),
    layers: Array.from({ length: a.layers }, () => ({
      wq: w(h, h), bq: uni(h, 0.1), wk: w(h, h), bk: uni(h, 0.1), wv: w(h, h), bv: uni(h, 0.1),
      wo: w(h, h), bo: uni(h, 0.1), ln1G: around(h, 1, 0.2), ln1B: uni(h, 0.1),
      w1: w(h, a.ffn), b1: uni(a.ffn, 0.1), w2: w(a.ffn, h), b2: uni(h, 0.1), ln2G: around(h, 1, 0.2), ln2B: uni(h, 0.1),
    })),
  };
}

/**
 * Symmetric per-tensor int8 quantization (onnxruntime QInt8 weights):
 * scale = max|w| / 127, zero point 0, q = round(w / scale) clamped to ±127.
 * @param {Float32Array} w
 */
export function quantizeInt8(w) {
  let m = 0;
  for (const v of w) m = Math.max(m, Math.abs(v));
  const scale = m > 0 ? m / 127 : 1;
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(w[i] / scale)));
  return { q, scale: Math.fround(scale) };
}

/**
 * The ONNX bytes of a BERT encoder.
 * @param {typeof ARCHITECTURES['minilm-l6']} a
 * @param {ReturnType<typeof randomBertWeights>} W
 * @param {'fp32'|'q8'} dtype
 * @returns {{ bytes: Uint8Array, ops: Record<string, number> }} the model and its op counts
 */
export function bertOnnx(a, W, dtype) {
  const q8 = dtype === 'q8';
  const b = graphBuilder({ opset: 11, lnEps: LN_EPS });
  const { nodes, op, constant, init, f32, dimOf, layerNorm } = b;

  const h = a.hidden;
  const headDim = h / a.heads;

  // x · W (+ nothing: the bias Add follows), shared quantized input optional
  const matmul = (x, name, wData, rows, cols, quantizedInput) => {
    if (!q8) return b.matmul(x, name, wData, rows, cols);
    const { q, scale } = quantizeInt8(wData);
    const wq = init(`${name}_quantized`, 'int8', [rows, cols], q);
    const ws = init(`${name}_scale`, 'float32', [], [scale]);
    const wz = init(`${name}_zero_point`, 'int8', [], [0]);
    const [xq, xs, xz] = quantizedInput ?? op('DynamicQuantizeLinear', [x], {}, 3);
    const mm = op('MatMulInteger', [xq, wq, xz, wz]);
    const cast = op('Cast', [mm], { to: DataType.FLOAT });
    const scaleMul = op('Mul', [xs, ws]);
    return op('Mul', [cast, scaleMul]);
  };
  const dense = (x, name, wData, bData, rows, cols, quantizedInput) =>
    b.dense(x, name, wData, bData, rows, cols, (y, nm, wd, r, c) => matmul(y, nm, wd, r, c, quantizedInput));
  const embedding = (ids, name, data, rows) => {
    if (!q8) return op('Gather', [init(name, 'float32', [rows, h], data), ids], { axis: 0 });
    const { q, scale } = quantizeInt8(data);
    const g = op('Gather', [init(`${name}_quantized`, 'int8', [rows, h], q), ids], { axis: 0 });
    return op('DequantizeLinear', [g, init(`${name}_scale`, 'float32', [], [scale]), init(`${name}_zero_point`, 'int8', [], [0])]);
  };

  // embeddings
  const seqLen = dimOf('input_ids', 1);
  const positionIds = op('Slice', [
    init('embeddings.position_ids', 'int64', [1, a.positions], Array.from({ length: a.positions }, (_, i) => i)),
    constant('int64', [1], [0]),
    seqLen,
    constant('int64', [1], [1]),
    constant('int64', [1], [1]),
  ]);
  const words = embedding('input_ids', 'embeddings.word_embeddings.weight', W.word, a.vocab);
  const types = embedding('token_type_ids', 'embeddings.token_type_embeddings.weight', W.tokenType, a.types);
  const positions = embedding(positionIds, 'embeddings.position_embeddings.weight', W.position, a.positions);
  let x = layerNorm(op('Add', [op('Add', [words, types]), positions]), 'embeddings.LayerNorm', W.embLnG, W.embLnB);

  // additive mask [batch, 1, 1, seq]: 0 where attended, float32 lowest where padded
  const m = op('Cast', [b.unsqueeze(b.unsqueeze('attention_mask', 1), 2)], { to: DataType.FLOAT });
  const mask = op('Mul', [op('Sub', [f32(1), m]), f32(-3.4028234663852886e38)]);

  W.layers.forEach((L, i) => {
    const p = `encoder.layer.${i}`;
    const shared = q8 ? op('DynamicQuantizeLinear', [x], {}, 3) : undefined;
    const heads = (t, perm) => b.splitHeads(t, a.heads, headDim, perm);
    const qh = heads(dense(x, `${p}.attention.self.query`, L.wq, L.bq, h, h, shared), [0, 2, 1, 3]);
    const kh = heads(dense(x, `${p}.attention.self.key`, L.wk, L.bk, h, h, shared), [0, 2, 3, 1]);
    const vh = heads(dense(x, `${p}.attention.self.value`, L.wv, L.bv, h, h, shared), [0, 2, 1, 3]);
    const scores = op('Add', [op('Div', [op('MatMul', [qh, kh]), f32(Math.sqrt(headDim))]), mask]);
    const attn = dense(b.attend(scores, vh, h, 3), `${p}.attention.output.dense`, L.wo, L.bo, h, h);
    x = layerNorm(op('Add', [attn, x]), `${p}.attention.output.LayerNorm`, L.ln1G, L.ln1B);
    const inter = dense(x, `${p}.intermediate.dense`, L.w1, L.b1, h, a.ffn);
    const gelu = op('Mul', [op('Mul', [inter, op('Add', [op('Erf', [op('Div', [inter, f32(Math.SQRT2)])]), f32(1)])]), f32(0.5)]);
    const out = dense(gelu, `${p}.output.dense`, L.w2, L.b2, a.ffn, h);
    x = layerNorm(op('Add', [out, x]), `${p}.output.LayerNorm`, L.ln2G, L.ln2B);
  });
  b.rename(x, 'last_hidden_state'); // the export's name

  const bytes = encodeModel({
    name: 'main_graph',
    nodes,
    initializers: b.inits,
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((nm) => valueInfo(nm, 'int64', ['batch_size', 'sequence_length'])),
    outputs: [valueInfo('last_hidden_state', 'float32', ['batch_size', 'sequence_length', h])],
    opset: 11,
    producer: q8 ? 'onnx.quantize' : 'pytorch',
    doc: `random-weight BERT (${a.layers} layers, hidden ${h}, ${a.heads} heads, FFN ${a.ffn}, vocab ${a.vocab}), ${dtype}, made by minivectordb`,
  });
  return { bytes, ops: opCounts(nodes) };
}
