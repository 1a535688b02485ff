/**
 * An independent reference for the CLIP tests, written apart from the
 * library and the generator: the weights are read back from the ONNX files'
 * initializers (protobufjs with a schema declared here), and the forward
 * passes of transformers' modeling_clip.py are written out in float64 loops
 * (per token, per head), not as a graph. Also the preprocessing of
 * CLIPImageProcessor, written per output pixel in floating point.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';

// ---- ONNX initializers -------------------------------------------------------
const root = protobuf.Root.fromJSON({
  nested: {
    M: { fields: { graph: { type: 'G', id: 7 } } },
    G: { fields: { initializer: { rule: 'repeated', type: 'T', id: 5 } } },
    T: { fields: { dims: { rule: 'repeated', type: 'int64', id: 1 }, dataType: { type: 'int32', id: 2 }, name: { type: 'string', id: 8 }, rawData: { type: 'bytes', id: 9 } } },
  },
});

export interface Tensor {
  dims: number[];
  data: Float64Array;
}

/** Every float32 / int64 initializer of an ONNX file, by name, as float64. */
export function readInitializers(file: string): Map<string, Tensor> {
  const msg = root.lookupType('M').decode(readFileSync(file)) as unknown as {
    graph: { initializer: Array<{ dims: Array<number | { toNumber(): number }>; dataType: number; name: string; rawData: Uint8Array }> };
  };
  const out = new Map<string, Tensor>();
  for (const t of msg.graph.initializer) {
    const dims = t.dims.map((d) => (typeof d === 'number' ? d : d.toNumber()));
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float64Array(n);
    if (t.dataType === 1) for (let i = 0; i < n; i++) data[i] = view.getFloat32(i * 4, true);
    else if (t.dataType === 7) for (let i = 0; i < n; i++) data[i] = Number(view.getBigInt64(i * 8, true));
    else continue;
    out.set(t.name, { dims, data });
  }
  return out;
}

// ---- float64 building blocks -------------------------------------------------
type Vec = Float64Array;

function w(W: Map<string, Tensor>, name: string): Tensor {
  const t = W.get(name);
  if (t === undefined) throw new Error(`reference: no initializer ${name}`);
  return t;
}

/** x · M + b, M stored [in, out]. */
function linear(x: Vec, M: Tensor, b?: Tensor): Vec {
  const [rows, cols] = M.dims as [number, number];
  const out = new Float64Array(cols);
  if (b) out.set(b.data);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j]! += x[i]! * M.data[i * cols + j]!;
  return out;
}

function layerNorm(x: Vec, g: Tensor, b: Tensor, eps = 1e-5): Vec {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2;
  variance /= x.length;
  const sd = Math.sqrt(variance + eps);
  return x.map((v, i) => ((v - mean) / sd) * g.data[i]! + b.data[i]!);
}

const quickGelu = (v: number): number => v / (1 + Math.exp(-1.702 * v));

/** One CLIPEncoderLayer over a sequence; `causal` hides later tokens. */
function encoderLayer(W: Map<string, Tensor>, p: string, xs: Vec[], heads: number, causal: boolean): Vec[] {
  const h = xs[0]!.length;
  const hd = h / heads;
  const ys = xs.map((x) => layerNorm(x, w(W, `${p}.layer_norm1.weight`), w(W, `${p}.layer_norm1.bias`)));
  const q = ys.map((y) => linear(y, w(W, `${p}.self_attn.q_proj.weight`), w(W, `${p}.self_attn.q_proj.bias`)).map((v) => v / Math.sqrt(hd)));
  const k = ys.map((y) => linear(y, w(W, `${p}.self_attn.k_proj.weight`), w(W, `${p}.self_attn.k_proj.bias`)));
  const v = ys.map((y) => linear(y, w(W, `${p}.self_attn.v_proj.weight`), w(W, `${p}.self_attn.v_proj.bias`)));
  const n = xs.length;
  const ctx = xs.map(() => new Float64Array(h));
  for (let head = 0; head < heads; head++) {
    const o = head * hd;
    for (let i = 0; i < n; i++) {
      const last = causal ? i : n - 1;
      const s: number[] = [];
      for (let j = 0; j <= last; j++) {
        let d = 0;
        for (let c = 0; c < hd; c++) d += q[i]![o + c]! * k[j]![o + c]!;
        s.push(d);
      }
      const m = Math.max(...s);
      const e = s.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j <= last; j++) for (let c = 0; c < hd; c++) ctx[i]![o + c]! += (e[j]! / z) * v[j]![o + c]!;
    }
  }
  return xs.map((x, i) => {
    const attn = linear(ctx[i]!, w(W, `${p}.self_attn.out_proj.weight`), w(W, `${p}.self_attn.out_proj.bias`));
    const r = x.map((val, c) => val + attn[c]!);
    const hidden = linear(layerNorm(r, w(W, `${p}.layer_norm2.weight`), w(W, `${p}.layer_norm2.bias`)), w(W, `${p}.mlp.fc1.weight`), w(W, `${p}.mlp.fc1.bias`)).map(quickGelu);
    const out = linear(hidden, w(W, `${p}.mlp.fc2.weight`), w(W, `${p}.mlp.fc2.bias`));
    return r.map((val, c) => val + out[c]!);
  });
}

function layerCount(W: Map<string, Tensor>, prefix: string): number {
  let n = 0;
  while (W.has(`${prefix}.encoder.layers.${n}.layer_norm1.weight`)) n++;
  return n;
}

export function l2(v: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(v as ArrayLike<number>);
  const s = Math.sqrt(out.reduce((a, b) => a + b * b, 0));
  return out.map((x) => x / s);
}

/** image_embeds of one image, pixel_values float [3, S, S] (channels first). */
export function visionForward(W: Map<string, Tensor>, pixels: ArrayLike<number>, heads: number): Float64Array {
  const conv = w(W, 'vision_model.embeddings.patch_embedding.weight');
  const [h, , p] = conv.dims as [number, number, number, number];
  const positions = w(W, 'vision_model.embeddings.position_embedding.weight');
  const tokens = positions.dims[0]!;
  const grid = Math.round(Math.sqrt(tokens - 1));
  const S = grid * p;
  const xs: Vec[] = [Float64Array.from(w(W, 'vision_model.embeddings.class_embedding').data)];
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      const e = new Float64Array(h);
      for (let o = 0; o < h; o++) {
        let s = 0;
        for (let c = 0; c < 3; c++) {
          for (let ky = 0; ky < p; ky++) {
            for (let kx = 0; kx < p; kx++) s += conv.data[((o * 3 + c) * p + ky) * p + kx]! * pixels[c * S * S + (gy * p + ky) * S + gx * p + kx]!;
          }
        }
        e[o] = s;
      }
      xs.push(e);
    }
  }
  let seq = xs.map((x, t) => x.map((v, c) => v + positions.data[t * h + c]!));
  seq = seq.map((x) => layerNorm(x, w(W, 'vision_model.pre_layrnorm.weight'), w(W, 'vision_model.pre_layrnorm.bias')));
  const layers = layerCount(W, 'vision_model');
  for (let i = 0; i < layers; i++) seq = encoderLayer(W, `vision_model.encoder.layers.${i}`, seq, heads, false);
  const pooled = layerNorm(seq[0]!, w(W, 'vision_model.post_layernorm.weight'), w(W, 'vision_model.post_layernorm.bias'));
  return linear(pooled, w(W, 'visual_projection.weight'));
}

/** text_embeds of one token sequence (no padding). */
export function textForward(W: Map<string, Tensor>, ids: readonly number[], heads: number): Float64Array {
  const tok = w(W, 'text_model.embeddings.token_embedding.weight');
  const pos = w(W, 'text_model.embeddings.position_embedding.weight');
  const h = tok.dims[1]!;
  let seq: Vec[] = ids.map((id, t) => {
    const x = new Float64Array(h);
    for (let c = 0; c < h; c++) x[c] = tok.data[id * h + c]! + pos.data[t * h + c]!;
    return x;
  });
  const layers = layerCount(W, 'text_model');
  for (let i = 0; i < layers; i++) seq = encoderLayer(W, `text_model.encoder.layers.${i}`, seq, heads, true);
  let eos = 0;
  for (let t = 1; t < ids.length; t++) if (ids[t]! > ids[eos]!) eos = t;
  const pooled = layerNorm(seq[eos]!, w(W, 'text_model.final_layer_norm.weight'), w(W, 'text_model.final_layer_norm.bias'));
  return linear(pooled, w(W, 'text_projection.weight'));
}

export function readTiny(dir: string): { vision: Map<string, Tensor>; text: Map<string, Tensor> } {
  return { vision: readInitializers(join(dir, 'onnx', 'vision_model.onnx')), text: readInitializers(join(dir, 'onnx', 'text_model.onnx')) };
}

// ---- preprocessing (CLIPImageProcessor), per output pixel, floating point ------
export interface RefImage {
  width: number;
  height: number;
  /** RGB, 3 bytes a pixel */
  rgb: Uint8Array;
}

/** Keys' bicubic kernel, a = -0.5 (Pillow's). */
function cubic(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return 1.5 * t ** 3 - 2.5 * t ** 2 + 1;
  if (t < 2) return -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2;
  return 0;
}

/** One axis of Pillow's resample, in floating point: for output i, the normalised weights over source indexes. */
function axisWeights(inSize: number, outSize: number): Array<{ first: number; weights: number[] }> {
  const scale = inSize / outSize;
  const stretch = Math.max(1, scale);
  const support = 2 * stretch;
  const out = [];
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const first = Math.max(0, Math.floor(centre - support + 0.5));
    const end = Math.min(inSize, Math.floor(centre + support + 0.5));
    const raw: number[] = [];
    for (let j = first; j < end; j++) raw.push(cubic((j + 0.5 - centre) / stretch));
    const total = raw.reduce((a, b) => a + b, 0);
    out.push({ first, weights: raw.map((x) => x / total) });
  }
  return out;
}

const byte = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));

/** Bicubic resize, horizontal then vertical, rounding to bytes between the passes (as Pillow keeps an 8-bit intermediate). */
export function referenceResize(img: RefImage, width: number, height: number): RefImage {
  let cur = img;
  if (width !== img.width) {
    const ax = axisWeights(img.width, width);
    const rgb = new Uint8Array(width * img.height * 3);
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          ax[x]!.weights.forEach((wt, k) => (s += wt * img.rgb[(y * img.width + ax[x]!.first + k) * 3 + c]!));
          rgb[(y * width + x) * 3 + c] = byte(s);
        }
      }
    }
    cur = { width, height: img.height, rgb };
  }
  if (height !== cur.height) {
    const ax = axisWeights(cur.height, height);
    const rgb = new Uint8Array(cur.width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < cur.width; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          ax[y]!.weights.forEach((wt, k) => (s += wt * cur.rgb[((ax[y]!.first + k) * cur.width + x) * 3 + c]!));
          rgb[(y * cur.width + x) * 3 + c] = byte(s);
        }
      }
    }
    cur = { width: cur.width, height, rgb };
  }
  return cur;
}

export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** CLIPImageProcessor with size {shortest_edge: size}, crop size × size: the resized bytes and pixel_values [3, size, size]. */
export function referencePreprocess(img: RefImage, size: number): { resized: RefImage; pixels: Float64Array } {
  const short = Math.min(img.width, img.height);
  const long = Math.max(img.width, img.height);
  const longOut = Math.floor((size * long) / short);
  const [w2, h2] = img.width <= img.height ? [size, longOut] : [longOut, size];
  const resized = referenceResize(img, w2, h2);
  const top = Math.floor((h2 - size) / 2);
  const left = Math.floor((w2 - size) / 2);
  const pixels = new Float64Array(3 * size * size);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = resized.rgb[((y + top) * w2 + x + left) * 3 + c]! / 255;
        pixels[c * size * size + y * size + x] = (v - CLIP_MEAN[c]!) / CLIP_STD[c]!;
      }
    }
  }
  return { resized, pixels };
}
