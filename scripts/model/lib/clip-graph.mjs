// CLIP with random weights, written as the two ONNX graphs of the Hugging
// Face exports (optimum's CLIPVisionModelWithProjection / CLIPTextModelWithProjection,
// as in Xenova/clip-vit-base-patch32 `onnx/vision_model.onnx` and
// `onnx/text_model.onnx`), at any size. Speed does not depend on the weights,
// so a random model of the real size runs as fast as the real one.
//
// The computation is transformers' modeling_clip.py:
// - vision: Conv patch embedding (kernel = stride = patch, no bias) →
//   flatten → transpose → [class token ; patches] + position embeddings →
//   pre_layrnorm → pre-LN encoder layers → last_hidden_state; the class
//   token's state → post_layernorm → visual_projection (no bias) → `image_embeds`;
// - text: token + position embeddings → encoder layers with the causal mask →
//   final_layer_norm → last_hidden_state; the state at argmax(input_ids)
//   (the end-of-text token has the largest id: transformers' legacy
//   `eos_token_id == 2` branch) → text_projection (no bias) → `text_embeds`;
// - encoder layer: x + out_proj(attention(layer_norm1(x))), then
//   x + fc2(quick_gelu(fc1(layer_norm2(x)))), quick_gelu(x) = x·σ(1.702x);
//   attention scales q by head_dim^-0.5 (a Mul, as torch exports it),
//   LayerNorm decomposed as torch exports it below opset 17 (eps 1e-5);
//   opset 14, optimum's default for CLIP.
// Inputs as optimum names them: `pixel_values` [image_batch_size, 3, H, W]
// and `input_ids` [text_batch_size, sequence_length] (no attention_mask:
// the causal mask already hides the padding after the end-of-text token).
import { DataType, encodeModel, valueInfo } from './onnx.mjs';
import { graphBuilder, opCounts, randomTensors } from './transformer-graph.mjs';

export const LN_EPS = 1e-5;

/**
 * Sizes: `vision` and `text` towers, `projection` (the shared space).
 * The real clip-vit-base-patch32: vision { layers 12, hidden 768, heads 12, mlp 3072, image 224, patch 32 },
 * text { layers 12, hidden 512, heads 8, mlp 2048, vocab 49408, positions 77 }, projection 512.
 */
export const CLIP_ARCHITECTURES = Object.freeze({
  'clip-vit-base-patch32': {
    vision: { layers: 12, hidden: 768, heads: 12, mlp: 3072, image: 224, patch: 32 },
    text: { layers: 12, hidden: 512, heads: 8, mlp: 2048, vocab: 49408, positions: 77 },
    projection: 512,
  },
});

/** Random float32 weights, reproducible from `seed`; matrices row-major [in, out] (x · W) as the export stores them. */
export function randomClipWeights(a, seed = 1) {
  const { uni, around, matrix: w } = randomTensors(seed);
  const layer = (h, mlp) => ({
    ln1G: around(h, 1, 0.2), ln1B: uni(h, 0.1),
    wq: w(h, h), bq: uni(h, 0.1), wk: w(h, h), bk: uni(h, 0.1), wv: w(h, h), bv: uni(h, 0.1), wo: w(h, h), bo: uni(h, 0.1),
    ln2G: around(h, 1, 0.2), ln2B: uni(h, 0.1),
    w1: w(h, mlp), b1: uni(mlp, 0.1), w2: w(mlp, h), b2: uni(h, 0.1),
  });
  const v = a.vision;
  const t = a.text;
  const patches = (v.image / v.patch) ** 2;
  return {
    vision: {
      // [hidden, 3, patch, patch], as torch's Conv2d weight
      patch: uni(v.hidden * 3 * v.patch * v.patch, Math.sqrt(3 / (3 * v.patch * v.patch))),
      cls: uni(v.hidden, 0.5),
      position: uni((patches + 1) * v.hidden, 0.5),
      preG: around(v.hidden, 1, 0.2), preB: uni(v.hidden, 0.1),
      layers: Array.from({ length: v.layers }, () => layer(v.hidden, v.mlp)),
      postG: around(v.hidden, 1, 0.2), postB: uni(v.hidden, 0.1),
      projection: w(v.hidden, a.projection),
    },
    text: {
      token: uni(t.vocab * t.hidden, 0.5),
      position: uni(t.positions * t.hidden, 0.5),
      layers: Array.from({ length: t.layers }, () => layer(t.hidden, t.mlp)),
      finalG: around(t.hidden, 1, 0.2), finalB: uni(t.hidden, 0.1),
      projection: w(t.hidden, a.projection),
    },
  };
}

/** A graph builder (transformer-graph.mjs) at CLIP's opset and epsilon, with CLIP's encoder layer. */
function builder() {
  const b = graphBuilder({ opset: 14, lnEps: LN_EPS });
  const { op, f32, layerNorm, dense } = b;
  /** One pre-LN encoder layer (CLIPEncoderLayer); `mask` is an additive [1, 1, S, S] mask or undefined. */
  const encoderLayer = (x, p, L, h, heads, mlp, mask) => {
    const headDim = h / heads;
    const y = layerNorm(x, `${p}.layer_norm1`, L.ln1G, L.ln1B);
    const q = op('Mul', [dense(y, `${p}.self_attn.q_proj`, L.wq, L.bq, h, h), f32(headDim ** -0.5)]);
    const qh = b.splitHeads(q, heads, headDim, [0, 2, 1, 3]);
    const kh = b.splitHeads(dense(y, `${p}.self_attn.k_proj`, L.wk, L.bk, h, h), heads, headDim, [0, 2, 3, 1]);
    const vh = b.splitHeads(dense(y, `${p}.self_attn.v_proj`, L.wv, L.bv, h, h), heads, headDim, [0, 2, 1, 3]);
    let scores = op('MatMul', [qh, kh]);
    if (mask !== undefined) scores = op('Add', [scores, mask]);
    x = op('Add', [x, dense(b.attend(scores, vh, h, -1), `${p}.self_attn.out_proj`, L.wo, L.bo, h, h)]);
    const z = dense(layerNorm(x, `${p}.layer_norm2`, L.ln2G, L.ln2B), `${p}.mlp.fc1`, L.w1, L.b1, h, mlp);
    const gelu = op('Mul', [z, op('Sigmoid', [op('Mul', [z, f32(1.702)])])]);
    return op('Add', [x, dense(gelu, `${p}.mlp.fc2`, L.w2, L.b2, mlp, h)]);
  };
  return { ...b, encoderLayer };
}

/**
 * `onnx/vision_model.onnx`: pixel_values [B, 3, image, image] → image_embeds [B, projection], last_hidden_state [B, 1 + patches, hidden].
 * @returns {{ bytes: Uint8Array, ops: Record<string, number> }}
 */
export function clipVisionOnnx(a, W) {
  const v = a.vision;
  const V = W.vision;
  const h = v.hidden;
  const grid = v.image / v.patch;
  const tokens = grid * grid + 1;
  const b = builder();
  const { op, constant, init, dimOf } = b;
  const conv = op('Conv', ['pixel_values', init('vision_model.embeddings.patch_embedding.weight', 'float32', [h, 3, v.patch, v.patch], V.patch)], {
    dilations: [1, 1], group: 1, kernel_shape: [v.patch, v.patch], pads: [0, 0, 0, 0], strides: [v.patch, v.patch],
  });
  // flatten(2).transpose(1, 2): [B, h, g, g] → [B, h, g²] → [B, g², h]
  const flat = op('Reshape', [conv, op('Concat', [dimOf(conv, 0), constant('int64', [2], [h, -1])], { axis: 0 })]);
  const patches = op('Transpose', [flat], { perm: [0, 2, 1] });
  // class_embedding.expand(B, 1, -1)
  const cls = op('Expand', [
    init('vision_model.embeddings.class_embedding', 'float32', [1, 1, h], V.cls),
    op('Concat', [dimOf('pixel_values', 0), constant('int64', [2], [1, h])], { axis: 0 }),
  ]);
  const seq = op('Concat', [cls, patches], { axis: 1 });
  const positions = op('Gather', [
    init('vision_model.embeddings.position_embedding.weight', 'float32', [tokens, h], V.position),
    init('vision_model.embeddings.position_ids', 'int64', [1, tokens], Array.from({ length: tokens }, (_, i) => i)),
  ], { axis: 0 });
  let x = b.layerNorm(op('Add', [seq, positions]), 'vision_model.pre_layrnorm', V.preG, V.preB);
  V.layers.forEach((L, i) => (x = b.encoderLayer(x, `vision_model.encoder.layers.${i}`, L, h, v.heads, v.mlp, undefined)));
  const last = b.rename(x, 'last_hidden_state');
  const pooled = op('Gather', [last, constant('int64', [], [0])], { axis: 1 });
  const post = b.layerNorm(pooled, 'vision_model.post_layernorm', V.postG, V.postB);
  const emb = op('MatMul', [post, init('visual_projection.weight', 'float32', [h, a.projection], V.projection)]);
  b.rename(emb, 'image_embeds');
  const bytes = encodeModel({
    name: 'main_graph',
    nodes: b.nodes,
    initializers: b.inits,
    inputs: [valueInfo('pixel_values', 'float32', ['image_batch_size', 3, v.image, v.image])],
    outputs: [valueInfo('image_embeds', 'float32', ['image_batch_size', a.projection]), valueInfo('last_hidden_state', 'float32', ['image_batch_size', tokens, h])],
    opset: 14, // optimum's default for CLIP
    producer: 'pytorch',
    doc: `random-weight CLIP vision tower (${v.layers} layers, hidden ${h}, ${v.heads} heads, MLP ${v.mlp}, image ${v.image}, patch ${v.patch}, projection ${a.projection}), made by minivectordb`,
  });
  return { bytes, ops: opCounts(b.nodes) };
}

/**
 * `onnx/text_model.onnx`: input_ids [B, S] → text_embeds [B, projection], last_hidden_state [B, S, hidden].
 * @returns {{ bytes: Uint8Array, ops: Record<string, number> }}
 */
export function clipTextOnnx(a, W) {
  const t = a.text;
  const T = W.text;
  const h = t.hidden;
  const P = t.positions;
  const b = builder();
  const { op, constant, init, dimOf } = b;
  const seqLen = dimOf('input_ids', 1);
  const positionIds = op('Slice', [
    init('text_model.embeddings.position_ids', 'int64', [1, P], Array.from({ length: P }, (_, i) => i)),
    constant('int64', [1], [0]), seqLen, constant('int64', [1], [1]),
  ]);
  const words = op('Gather', [init('text_model.embeddings.token_embedding.weight', 'float32', [t.vocab, h], T.token), 'input_ids'], { axis: 0 });
  const positions = op('Gather', [init('text_model.embeddings.position_embedding.weight', 'float32', [P, h], T.position), positionIds], { axis: 0 });
  let x = op('Add', [words, positions]);
  // causal mask: 0 on and below the diagonal, float32's lowest above, cut to [1, 1, S, S]
  const causal = new Float32Array(P * P);
  for (let i = 0; i < P; i++) for (let j = i + 1; j < P; j++) causal[i * P + j] = -3.4028234663852886e38;
  const mask = op('Slice', [
    init('text_model.causal_mask', 'float32', [1, 1, P, P], causal),
    constant('int64', [2], [0, 0]), op('Concat', [seqLen, seqLen], { axis: 0 }), constant('int64', [2], [2, 3]),
  ]);
  T.layers.forEach((L, i) => (x = b.encoderLayer(x, `text_model.encoder.layers.${i}`, L, h, t.heads, t.mlp, mask)));
  const last = b.rename(b.layerNorm(x, 'text_model.final_layer_norm', T.finalG, T.finalB), 'last_hidden_state');
  // last_hidden_state[arange(B), input_ids.to(int).argmax(-1)]
  const eos = b.unsqueeze(op('Cast', [op('ArgMax', [op('Cast', ['input_ids'], { to: DataType.INT32 })], { axis: -1, keepdims: 0 })], { to: DataType.INT64 }), 1);
  const pooled = op('GatherND', [last, eos], { batch_dims: 1 });
  const emb = op('MatMul', [pooled, init('text_projection.weight', 'float32', [h, a.projection], T.projection)]);
  b.rename(emb, 'text_embeds');
  const bytes = encodeModel({
    name: 'main_graph',
    nodes: b.nodes,
    initializers: b.inits,
    inputs: [valueInfo('input_ids', 'int64', ['text_batch_size', 'sequence_length'])],
    outputs: [valueInfo('text_embeds', 'float32', ['text_batch_size', a.projection]), valueInfo('last_hidden_state', 'float32', ['text_batch_size', 'sequence_length', h])],
    opset: 14, // optimum's default for CLIP
    producer: 'pytorch',
    doc: `random-weight CLIP text tower (${t.layers} layers, hidden ${h}, ${t.heads} heads, MLP ${t.mlp}, vocab ${t.vocab}, projection ${a.projection}), made by minivectordb`,
  });
  return { bytes, ops: opCounts(b.nodes) };
}
