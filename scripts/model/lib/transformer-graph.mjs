// The pieces the random-weight transformer graphs share (bert-graph.mjs,
// clip-graph.mjs): seeded uniform weights, and a graph builder that writes
// nodes the way torch.onnx exports them — scalars and small shapes as
// Constant nodes, LayerNorm decomposed (below opset 17), attention heads
// split and merged through Shape/Gather/Unsqueeze/Concat + Reshape.
// Node names, value names and initializer order follow the call order, so a
// given sequence of calls always gives the same bytes.
import { node, tensor } from './onnx.mjs';
import { rng32 } from './random.mjs';

/**
 * Uniform random float32 tensors drawn from one stream seeded by `seed`
 * (rng32), in the order they are asked for.
 * - `uni(n, s)`: n values uniform in [-s, s];
 * - `around(n, c, s)`: `uni(n, s)` + c (LayerNorm gains around 1);
 * - `matrix(rows, cols)`: rows·cols values in ±√(3 / rows), so x · W keeps
 *   activations O(1) (variance 1 for unit-variance inputs).
 * @param {number} seed - uint32
 */
export function randomTensors(seed) {
  const next = rng32(seed);
  const uni = (n, s) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = ((next() / 4294967296) * 2 - 1) * s;
    return out;
  };
  const around = (n, c, s) => uni(n, s).map((v) => v + c);
  const matrix = (rows, cols) => uni(rows * cols, Math.sqrt(3 / rows));
  return { uni, around, matrix };
}

/**
 * A graph under construction: `nodes` and `inits` (initializers) in the order
 * they were made, and the helpers that make them.
 * @param {{ opset: number, lnEps: number }} o - the opset (below 13, Unsqueeze
 *   takes its axes as an attribute, from 13 as an input) and LayerNorm's epsilon
 */
export function graphBuilder({ opset, lnEps }) {
  const nodes = [];
  const inits = [];
  let n = 0;
  const id = (p) => `${p}_${n++}`;
  /** One node of `outs` outputs (an array of names when more than one). */
  const op = (type, inputs, attrs = {}, outs = 1, floatAttrs = []) => {
    const outputs = Array.from({ length: outs }, () => id(type));
    nodes.push(node(type, inputs, outputs, attrs, floatAttrs));
    return outs === 1 ? outputs[0] : outputs;
  };
  // torch.onnx writes scalars and small shapes as Constant nodes
  const constant = (type, dims, data) => {
    const out = id('Constant');
    nodes.push({ opType: 'Constant', input: [], output: [out], name: `Constant_${out}`, attribute: [{ name: 'value', type: 4, t: tensor(out, type, dims, data) }] });
    return out;
  };
  const init = (name, type, dims, data) => {
    inits.push(tensor(name, type, dims, data));
    return name;
  };
  const f32 = (v) => constant('float32', [], [v]);
  const unsqueeze = (x, axis) => (opset < 13 ? op('Unsqueeze', [x], { axes: [axis] }) : op('Unsqueeze', [x, constant('int64', [1], [axis])]));
  /** x.shape[axis] as a 1-element int64 tensor. */
  const dimOf = (x, axis) => unsqueeze(op('Gather', [op('Shape', [x]), constant('int64', [], [axis])], { axis: 0 }), 0);
  /** LayerNorm over the last axis: (x − mean) / √(var + eps) · g + b, as ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add. */
  const layerNorm = (x, name, g, b) => {
    const mean = op('ReduceMean', [x], { axes: [-1] });
    const d = op('Sub', [x, mean]);
    const v = op('ReduceMean', [op('Pow', [d, f32(2)])], { axes: [-1] });
    const normed = op('Div', [d, op('Sqrt', [op('Add', [v, f32(lnEps)])])]);
    return op('Add', [op('Mul', [normed, init(`${name}.weight`, 'float32', [g.length], g)]), init(`${name}.bias`, 'float32', [b.length], b)]);
  };
  /** x · W with W a float32 initializer `name` [rows, cols]. */
  const matmul = (x, name, wData, rows, cols) => op('MatMul', [x, init(name, 'float32', [rows, cols], wData)]);
  /** x · W + bias (`${name}.weight`, `${name}.bias`); `mm` makes x · W (default {@link matmul}; the int8 graphs pass their own). */
  const dense = (x, name, wData, bData, rows, cols, mm = matmul) =>
    op('Add', [init(`${name}.bias`, 'float32', [cols], bData), mm(x, `${name}.weight`, wData, rows, cols)]);
  /** [B, S, heads·headDim] → [B, heads, S, headDim] transposed by `perm` ([0, 2, 3, 1] gives Kᵀ directly). */
  const splitHeads = (t, heads, headDim, perm) => {
    const shape = op('Concat', [dimOf(t, 0), dimOf(t, 1), constant('int64', [1], [heads]), constant('int64', [1], [headDim])], { axis: 0 });
    return op('Transpose', [op('Reshape', [t, shape])], { perm });
  };
  /** softmax(scores) · V with the heads merged back: [B, heads, S, headDim] → [B, S, hidden]. */
  const attend = (scores, vh, hidden, softmaxAxis) => {
    const ctx = op('Transpose', [op('MatMul', [op('Softmax', [scores], { axis: softmaxAxis }), vh])], { perm: [0, 2, 1, 3] });
    const back = op('Concat', [dimOf(ctx, 0), dimOf(ctx, 1), constant('int64', [1], [hidden])], { axis: 0 });
    return op('Reshape', [ctx, back]);
  };
  /** Renames the value `value` (a node output; graph outputs keep the export's names). */
  const rename = (value, name) => {
    for (const nd of nodes) {
      nd.input = nd.input.map((i) => (i === value ? name : i));
      nd.output = nd.output.map((o) => (o === value ? name : o));
    }
    return name;
  };
  return { nodes, inits, op, constant, init, f32, unsqueeze, dimOf, layerNorm, matmul, dense, splitHeads, attend, rename };
}

/** Op counts of a graph's nodes, for comparing with a published export. */
export function opCounts(nodes) {
  const c = {};
  for (const nd of nodes) c[nd.opType] = (c[nd.opType] ?? 0) + 1;
  return c;
}
