/**
 * Image preprocessing as a model's `preprocessor_config.json` states it, in
 * the order of transformers' `CLIPImageProcessor.preprocess`: RGB
 * conversion, resize (shortest edge, or exact height × width) with Pillow's
 * filter (`resample.ts`), center crop, rescale (× `rescale_factor`),
 * normalise ((x − mean) / std per channel), channels first → float32
 * `[3, height, width]`.
 * @internal
 */
import { ModelLoadError } from '../errors.js';
import { isSupportedResample, RESAMPLE_NAMES, resizePixels, type Pixels } from './resample.js';

/** The preprocessing steps of one model, read from `preprocessor_config.json`. */
export interface ImagePreprocessing {
  /** `{ shortestEdge }`: scale so the shorter side is this long (aspect kept); `{ height, width }`: exactly this; undefined: no resize. */
  resize: { shortestEdge: number } | { height: number; width: number } | undefined;
  /** Pillow filter number (3 = bicubic). */
  resample: number;
  /** Center crop size, or undefined for none. */
  crop: { height: number; width: number } | undefined;
  /** Multiplier of the 8-bit values, or undefined for none. */
  rescale: number | undefined;
  /** Per-channel mean and std (RGB), or undefined for none. */
  normalize: { mean: [number, number, number]; std: [number, number, number] } | undefined;
  /** Output size: height and width of the tensor the model takes. */
  height: number;
  width: number;
}

const MAX_SIDE = 8192;

/**
 * Reads `preprocessor_config.json` (both the old form, `size: 224` /
 * `crop_size: 224`, and the new one, `{ shortest_edge }` / `{ height, width }`);
 * defaults as `CLIPImageProcessor`'s.
 * @throws ModelLoadError when a field has the wrong type, a resample filter is not supported, or the output size cannot be known.
 */
export function readPreprocessing(cfg: Record<string, unknown>, source: string): ImagePreprocessing {
  const bad = (message: string): ModelLoadError => new ModelLoadError('preprocessor_config.json', source, message);
  const side = (v: unknown, what: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_SIDE) throw bad(`${what} must be an integer in [1, ${MAX_SIDE}], got ${JSON.stringify(v)}`);
    return v;
  };
  const flag = (key: string, dflt: boolean): boolean => {
    const v = cfg[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') throw bad(`${key} must be a boolean`);
    return v;
  };
  const sizeOf = (v: unknown, what: string, squareInt: boolean): ImagePreprocessing['resize'] => {
    if (typeof v === 'number') return squareInt ? { height: side(v, what), width: side(v, what) } : { shortestEdge: side(v, what) };
    if (typeof v !== 'object' || v === null) throw bad(`${what} must be a number or an object`);
    const o = v as Record<string, unknown>;
    if (o.shortest_edge !== undefined) return { shortestEdge: side(o.shortest_edge, `${what}.shortest_edge`) };
    return { height: side(o.height, `${what}.height`), width: side(o.width, `${what}.width`) };
  };
  const resize = flag('do_resize', true) ? sizeOf(cfg.size ?? { shortest_edge: 224 }, 'size', false) : undefined;
  const resample = cfg.resample ?? 3;
  if (typeof resample !== 'number' || !isSupportedResample(resample)) {
    throw bad(`resample ${JSON.stringify(resample)} is not supported (supported: ${Object.entries(RESAMPLE_NAMES).map(([k, n]) => `${k} ${n}`).join(', ')})`);
  }
  const crop = flag('do_center_crop', true) ? (sizeOf(cfg.crop_size ?? 224, 'crop_size', true) as { height: number; width: number }) : undefined;
  if (crop !== undefined && !('height' in crop)) throw bad('crop_size must give height and width');
  let rescale: number | undefined;
  if (flag('do_rescale', true)) {
    const f = cfg.rescale_factor ?? 1 / 255;
    if (typeof f !== 'number' || !Number.isFinite(f)) throw bad('rescale_factor must be a finite number');
    rescale = f;
  }
  let normalize: ImagePreprocessing['normalize'];
  if (flag('do_normalize', true)) {
    const triple = (v: unknown, what: string): [number, number, number] => {
      if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw bad(`${what} must be 3 finite numbers`);
      return v as [number, number, number];
    };
    const mean = triple(cfg.image_mean ?? [0.48145466, 0.4578275, 0.40821073], 'image_mean');
    const std = triple(cfg.image_std ?? [0.26862954, 0.26130258, 0.27577711], 'image_std');
    if (std.some((s) => s === 0)) throw bad('image_std must not hold 0');
    normalize = { mean, std };
  }
  let out: { height: number; width: number } | undefined = crop;
  if (out === undefined && resize !== undefined && 'height' in resize) out = resize;
  if (out === undefined) throw bad('without a center crop or an exact resize the input size of the model is unknown');
  return { resize, resample, crop, rescale, normalize, height: out.height, width: out.width };
}

/**
 * Output size of a shortest-edge resize, as transformers'
 * `get_resize_output_image_size(default_to_square=False)`: the short side
 * becomes `size`, the long one ⌊size · long / short⌋.
 */
export function shortestEdgeSize(width: number, height: number, size: number): { width: number; height: number } {
  const [short, long] = width <= height ? [width, height] : [height, width];
  const newLong = Math.trunc((size * long) / short);
  return width <= height ? { width: size, height: newLong } : { width: newLong, height: size };
}

/** 8-bit RGB from 1 (grey), 2 (grey + alpha), 3 or 4 (RGBA: alpha dropped, as Pillow's `convert('RGB')`) channels. */
export function toRgb(p: Pixels): Pixels {
  if (p.channels === 3) return p;
  const n = p.width * p.height;
  const out = new Uint8Array(n * 3);
  const c = p.channels;
  for (let i = 0; i < n; i++) {
    if (c >= 3) {
      out[i * 3] = p.data[i * c]!;
      out[i * 3 + 1] = p.data[i * c + 1]!;
      out[i * 3 + 2] = p.data[i * c + 2]!;
    } else {
      const g = p.data[i * c]!;
      out[i * 3] = g;
      out[i * 3 + 1] = g;
      out[i * 3 + 2] = g;
    }
  }
  return { width: p.width, height: p.height, channels: 3, data: out };
}

/**
 * transformers' `center_crop`: top = ⌊(H − h) / 2⌋, left = ⌊(W − w) / 2⌋;
 * an image smaller than the crop is padded with zeros around it.
 */
export function centerCrop(p: Pixels, height: number, width: number): Pixels {
  if (p.height === height && p.width === width) return p;
  const top = Math.floor((p.height - height) / 2);
  const left = Math.floor((p.width - width) / 2);
  const c = p.channels;
  const out = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const sy = y + top;
    if (sy < 0 || sy >= p.height) continue;
    for (let x = 0; x < width; x++) {
      const sx = x + left;
      if (sx < 0 || sx >= p.width) continue;
      for (let ch = 0; ch < c; ch++) out[(y * width + x) * c + ch] = p.data[(sy * p.width + sx) * c + ch]!;
    }
  }
  return { width, height, channels: c, data: out };
}

/** The 8-bit RGB image the model's float stage starts from: converted, resized, cropped. */
export function preparePixels(image: Pixels, pre: ImagePreprocessing): Pixels {
  let p = toRgb(image);
  if (pre.resize !== undefined) {
    const to = 'shortestEdge' in pre.resize ? shortestEdgeSize(p.width, p.height, pre.resize.shortestEdge) : pre.resize;
    p = resizePixels(p, to.width, to.height, pre.resample);
  }
  if (pre.crop !== undefined) p = centerCrop(p, pre.crop.height, pre.crop.width);
  return p;
}

/**
 * The model's input for one image: float32 `[3, height, width]` (channels
 * first, RGB), rescaled and normalised, written into `out` at `offset`.
 * @throws RangeError when the prepared image is not `pre.height × pre.width` (cannot happen after a crop or an exact resize).
 */
export function pixelValues(image: Pixels, pre: ImagePreprocessing, out: Float32Array, offset: number): void {
  const p = preparePixels(image, pre);
  if (p.width !== pre.width || p.height !== pre.height) throw new RangeError(`prepared image is ${p.width}×${p.height}, expected ${pre.width}×${pre.height}`);
  const plane = p.width * p.height;
  const scale = pre.rescale ?? 1;
  for (let ch = 0; ch < 3; ch++) {
    const mean = pre.normalize?.mean[ch] ?? 0;
    const std = pre.normalize?.std[ch] ?? 1;
    const o = offset + ch * plane;
    for (let i = 0; i < plane; i++) out[o + i] = (p.data[i * 3 + ch]! * scale - mean) / std;
  }
}
