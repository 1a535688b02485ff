/**
 * Image resizing as Pillow does it (`Image.resize(size, resample)` with no
 * `reducing_gap`, which is what the Hugging Face image processors call), so
 * that a model sees the pixels it was trained and evaluated with, and the
 * same ones in Node and in browsers.
 *
 * Pillow's algorithm (`libImaging/Resample.c`): a separable convolution, the
 * horizontal pass first, then the vertical one, each over 8-bit channels:
 * - for output index i the source centre is (i + 0.5)·scale, scale = in / out;
 *   when shrinking, the filter is stretched by scale (antialiasing), so the
 *   support is `filter.support · max(scale, 1)`;
 * - the window is [⌊centre − support + 0.5⌋, ⌊centre + support + 0.5⌋) ∩ [0, in);
 *   weights filter((j − centre + 0.5) / max(scale, 1)) normalised to sum 1;
 * - weights become fixed point with 22 fractional bits (rounded half away from 0),
 *   a pixel is Σ w·p + 2^21, shifted right 22 and clamped to [0, 255];
 * - the intermediate image of the horizontal pass is 8-bit too.
 * Filters: bicubic (Keys 1981, a = −0.5, support 2), bilinear (triangle,
 * support 1), Lanczos (a = 3), box, Hamming; Pillow's `resample` numbers
 * 3, 2, 1, 4, 5.
 * @internal
 */

/** An 8-bit image: `width · height · channels` bytes, row-major, channels interleaved. */
export interface Pixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

interface Filter {
  support: number;
  weight(x: number): number;
}

const sinc = (x: number): number => {
  if (x === 0) return 1;
  const p = x * Math.PI;
  return Math.sin(p) / p;
};

/** Pillow's filters by their `resample` number (PIL.Image.Resampling). */
const FILTERS: Readonly<Record<number, Filter>> = {
  // BICUBIC: Keys' cubic convolution with a = -0.5
  3: {
    support: 2,
    weight(x) {
      const a = -0.5;
      x = Math.abs(x);
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
  // BILINEAR
  2: { support: 1, weight: (x) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0) },
  // LANCZOS
  1: { support: 3, weight: (x) => (x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
  // BOX
  4: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  // HAMMING
  5: {
    support: 1,
    weight(x) {
      if (x < 0) x = -x;
      if (x === 0) return 1;
      if (x >= 1) return 0;
      x *= Math.PI;
      return (Math.sin(x) / x) * (0.54 + 0.46 * Math.cos(x));
    },
  },
};

/** Names of the supported `resample` values, for messages. */
export const RESAMPLE_NAMES: Readonly<Record<number, string>> = { 1: 'lanczos', 2: 'bilinear', 3: 'bicubic', 4: 'box', 5: 'hamming' };

/** True when `resample` is a filter this module implements. */
export function isSupportedResample(resample: number): boolean {
  return Object.hasOwn(FILTERS, resample);
}

const PRECISION_BITS = 32 - 8 - 2;

/** Per output index: the first source index, the window length, and the fixed-point weights (`ksize` per index). */
interface Coefficients {
  ksize: number;
  bounds: Int32Array; // [xmin, count] per output index
  weights: Int32Array; // ksize per output index
}

function coefficients(inSize: number, outSize: number, filter: Filter): Coefficients {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    // (int) truncation as in C: the operands are >= -support + 0.5 here, so trunc is what Pillow gets
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.weight((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      // normalize_coeffs_8bpc: round half away from zero into 22 fractional bits
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * (1 << PRECISION_BITS)) : Math.trunc(0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

const clip8 = (v: number): number => {
  const s = v >> PRECISION_BITS;
  return s < 0 ? 0 : s > 255 ? 255 : s;
};

function horizontal(src: Pixels, outWidth: number, c: Coefficients): Pixels {
  const { height, channels, width } = src;
  const out = new Uint8Array(outWidth * height * channels);
  const half = 1 << (PRECISION_BITS - 1);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let xx = 0; xx < outWidth; xx++) {
      const xmin = c.bounds[xx * 2]!;
      const n = c.bounds[xx * 2 + 1]!;
      const kOff = xx * c.ksize;
      for (let ch = 0; ch < channels; ch++) {
        // Σ w·p stays below 2^31 in magnitude (|w| < 2^22 summed over ≤ ksize taps, p ≤ 255), so int arithmetic is exact in float64
        let ss = half;
        for (let x = 0; x < n; x++) ss += src.data[row + (xmin + x) * channels + ch]! * c.weights[kOff + x]!;
        out[(y * outWidth + xx) * channels + ch] = clip8(ss);
      }
    }
  }
  return { width: outWidth, height, channels, data: out };
}

function vertical(src: Pixels, outHeight: number, c: Coefficients): Pixels {
  const { width, channels } = src;
  const out = new Uint8Array(width * outHeight * channels);
  const half = 1 << (PRECISION_BITS - 1);
  const stride = width * channels;
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = c.bounds[yy * 2]!;
    const n = c.bounds[yy * 2 + 1]!;
    const kOff = yy * c.ksize;
    for (let i = 0; i < stride; i++) {
      let ss = half;
      for (let y = 0; y < n; y++) ss += src.data[(ymin + y) * stride + i]! * c.weights[kOff + y]!;
      out[yy * stride + i] = clip8(ss);
    }
  }
  return { width, height: outHeight, channels, data: out };
}

/**
 * `src` resized to `width × height` with Pillow's filter `resample`
 * (bit-exact with Pillow's `Image.resize` on 8-bit images).
 * @throws RangeError on an unsupported `resample` (callers check with {@link isSupportedResample}).
 */
export function resizePixels(src: Pixels, width: number, height: number, resample: number): Pixels {
  const filter = FILTERS[resample];
  if (filter === undefined) throw new RangeError(`unsupported resample ${resample}`);
  let img = src;
  if (width !== src.width) img = horizontal(img, width, coefficients(src.width, width, filter));
  if (height !== src.height) img = vertical(img, height, coefficients(src.height, height, filter));
  return img;
}
