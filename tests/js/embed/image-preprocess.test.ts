// Image preprocessing (js/src/embed/image/): Pillow's bicubic resize, the
// CLIPImageProcessor pipeline, and Node's decoding (sharp), checked against
// hand-computed values, against a per-pixel floating-point reference written
// apart (clip-reference.ts), and for real Debian images against a PNG reader
// written apart (png-reference.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ImageDecodeError, ModelLoadError } from '../../../js/src/embed/errors.js';
import { decodeImage } from '../../../js/src/embed/image/decode.js';
import { pixelValues, readPreprocessing, shortestEdgeSize } from '../../../js/src/embed/image/preprocess.js';
import { resizePixels } from '../../../js/src/embed/image/resample.js';
import { CLIP_MEAN, CLIP_STD, referencePreprocess, referenceResize, type RefImage } from './clip-reference.js';
import { readPng, rgbOf } from './png-reference.js';
import { DEBIAN_JPEG, DEBIAN_PNG, makeImage } from './image-fixtures.js';

const CLIP_CONFIG = {
  crop_size: { height: 224, width: 224 }, do_center_crop: true, do_convert_rgb: true, do_normalize: true, do_rescale: true, do_resize: true,
  image_mean: CLIP_MEAN, image_std: CLIP_STD, resample: 3, rescale_factor: 1 / 255, size: { shortest_edge: 224 },
};

const pixelsOf = (r: RefImage) => ({ width: r.width, height: r.height, channels: 3, data: r.rgb });

function compareBytes(a: Uint8Array, b: Uint8Array): { max: number; exact: number } {
  let max = 0;
  let exact = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, d);
    if (d === 0) exact++;
  }
  return { max, exact: exact / a.length };
}

describe('Pillow bicubic resize', () => {
  test('hand-computed: [0, 255] → 4 pixels is [0, 53, 202, 255] (Keys a = -0.5, weights renormalised at the edge, clamped)', () => {
    // out 1: centre 0.75; weights k(0.25) = 0.8671875, k(0.75) = 0.2265625 → 255·0.2265625/1.09375 = 52.82 → 53
    const src = { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) };
    expect(Array.from(resizePixels(src, 4, 1, 3).data)).toEqual([0, 53, 202, 255]);
    // and down again: 4 → 2 with the kernel stretched ×2 (antialiasing)
    const down = resizePixels({ width: 4, height: 1, channels: 1, data: new Uint8Array([0, 0, 255, 255]) }, 2, 1, 3);
    // out 0: centre 1, support 4, taps 0..3 at (j + 0.5 − 1)/2 = −0.25, 0.25, 0.75, 1.25 → weights .8671875, .8671875, .2265625, −.0703125
    const w = [0.8671875, 0.8671875, 0.2265625, -0.0703125];
    const expected0 = Math.round((255 * (w[2]! + w[3]!)) / w.reduce((a, b) => a + b, 0));
    expect(Array.from(down.data)).toEqual([expected0, 255 - expected0]);
  });

  test('a flat image stays flat at any size', () => {
    const flat = { width: 37, height: 23, channels: 3, data: new Uint8Array(37 * 23 * 3).fill(137) };
    for (const [w, h] of [[224, 139], [5, 3], [37, 100], [1, 1]] as const) {
      expect(resizePixels(flat, w, h, 3).data.every((v) => v === 137)).toBe(true);
    }
  });

  test('matches the floating-point reference: at most 1 apart, ≥ 99.9% equal (up- and down-scaling)', () => {
    for (const [w, h, W, H] of [[97, 61, 355, 224], [500, 300, 373, 224], [64, 64, 224, 224], [300, 451, 224, 336]] as const) {
      const img = makeImage(w, h, w * h);
      const ours = resizePixels(pixelsOf(img), W, H, 3);
      const ref = referenceResize(img, W, H);
      const { max, exact } = compareBytes(ours.data, ref.rgb);
      expect(max, `${w}×${h} → ${W}×${H}`).toBeLessThanOrEqual(1);
      expect(exact, `${w}×${h} → ${W}×${H}`).toBeGreaterThanOrEqual(0.999);
    }
  });
});

describe('CLIPImageProcessor pipeline', () => {
  const pre = readPreprocessing(CLIP_CONFIG, 'test');

  test('the config: shortest edge 224, bicubic, crop 224, rescale 1/255, CLIP mean/std; old integer form reads the same', () => {
    expect(pre).toMatchObject({ resize: { shortestEdge: 224 }, resample: 3, crop: { height: 224, width: 224 }, height: 224, width: 224 });
    const old = readPreprocessing({ ...CLIP_CONFIG, size: 224, crop_size: 224 }, 'test');
    expect(old).toEqual(pre);
    expect(shortestEdgeSize(640, 480, 224)).toEqual({ width: 298, height: 224 }); // ⌊224·640/480⌋ = 298
    expect(shortestEdgeSize(480, 640, 224)).toEqual({ width: 224, height: 298 });
    expect(() => readPreprocessing({ ...CLIP_CONFIG, resample: 0 }, 'test')).toThrow(ModelLoadError);
    expect(() => readPreprocessing({ ...CLIP_CONFIG, image_std: [1, 0, 1] }, 'test')).toThrow(ModelLoadError);
  });

  test('known values: a white, a black and a (10, 200, 90) image give (v/255 − mean)/std in every pixel', () => {
    for (const rgb of [[255, 255, 255], [0, 0, 0], [10, 200, 90]]) {
      const data = new Uint8Array(300 * 260 * 3);
      for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3]!;
      const out = new Float32Array(3 * 224 * 224);
      pixelValues({ width: 300, height: 260, channels: 3, data }, pre, out, 0);
      for (let c = 0; c < 3; c++) {
        const expected = (rgb[c]! / 255 - CLIP_MEAN[c]!) / CLIP_STD[c]!;
        const plane = out.subarray(c * 224 * 224, (c + 1) * 224 * 224);
        expect(plane.every((v) => Math.abs(v - expected) < 1e-6)).toBe(true);
      }
    }
  });

  test('center crop takes the middle: ⌊(H − h)/2⌋ rows off the top (a 224 × 300 image with one marked row)', () => {
    // No resize needed (shortest edge is 224): only the crop acts. Row 38 = ⌊(300 − 224)/2⌋ becomes row 0.
    const data = new Uint8Array(224 * 300 * 3).fill(0);
    data.fill(255, 38 * 224 * 3, 39 * 224 * 3);
    const out = new Float32Array(3 * 224 * 224);
    pixelValues({ width: 224, height: 300, channels: 3, data }, pre, out, 0);
    const white = (1 - CLIP_MEAN[0]!) / CLIP_STD[0]!;
    expect(Math.abs(out[0]! - white)).toBeLessThan(1e-6);
    expect(Math.abs(out[224]! - -CLIP_MEAN[0]! / CLIP_STD[0]!)).toBeLessThan(1e-6);
  });

  test('generated images: pixel_values equal the reference (all but ≤ 0.1% exactly; those one byte apart)', () => {
    for (const [w, h] of [[333, 250], [200, 500], [640, 480]] as const) {
      const img = makeImage(w, h, 7 + w);
      const out = new Float32Array(3 * 224 * 224);
      pixelValues(pixelsOf(img), pre, out, 0);
      const ref = referencePreprocess(img, 224).pixels;
      let off = 0;
      for (let i = 0; i < out.length; i++) {
        const d = Math.abs(out[i]! - ref[i]!);
        if (d > 1e-5) {
          off++;
          expect(d).toBeLessThan(1.01 / 255 / 0.26);
        }
      }
      expect(off / out.length, `${w}×${h}`).toBeLessThanOrEqual(0.001);
    }
  });
});

describe('decoding in Node (sharp)', () => {
  test(`${DEBIAN_PNG}: the same pixels as an independent PNG reader (alpha dropped as Pillow's convert('RGB'))`, async () => {
    const bytes = readFileSync(DEBIAN_PNG);
    const ref = readPng(bytes);
    expect(ref).toMatchObject({ width: 48, height: 48, channels: 4 });
    for (const input of [DEBIAN_PNG, bytes, new Uint8Array(bytes), new URL(`file://${DEBIAN_PNG}`), new Blob([bytes])]) {
      const p = await decodeImage(input, 'png');
      expect(p).toMatchObject({ width: 48, height: 48, channels: 4 });
      expect(Buffer.from(p.data).equals(Buffer.from(ref.data))).toBe(true);
    }
    // and through the whole pipeline: equal to the reference preprocessing of the independently read pixels
    const out = new Float32Array(3 * 224 * 224);
    pixelValues(await decodeImage(DEBIAN_PNG, 'png'), readPreprocessing(CLIP_CONFIG, 't'), out, 0);
    const expected = referencePreprocess({ width: 48, height: 48, rgb: rgbOf(ref) }, 224).pixels;
    let off = 0;
    for (let i = 0; i < out.length; i++) if (Math.abs(out[i]! - expected[i]!) > 1e-5) off++;
    expect(off / out.length).toBeLessThanOrEqual(0.001);
  });

  test(`${DEBIAN_JPEG}: decoded to 493×312 RGB, then preprocessed as the reference does`, async () => {
    const p = await decodeImage(readFileSync(DEBIAN_JPEG), 'jpeg');
    expect(p).toMatchObject({ width: 493, height: 312, channels: 3 });
    const out = new Float32Array(3 * 224 * 224);
    pixelValues(p, readPreprocessing(CLIP_CONFIG, 't'), out, 0);
    const expected = referencePreprocess({ width: 493, height: 312, rgb: p.data }, 224).pixels;
    let off = 0;
    for (let i = 0; i < out.length; i++) if (Math.abs(out[i]! - expected[i]!) > 1e-5) off++;
    expect(off / out.length).toBeLessThanOrEqual(0.001);
  });

  test('typed errors: bytes that are no image, a missing file, a value that is no image input, too many pixels', async () => {
    const err = async (input: unknown) => decodeImage(input as never, 'x').then(() => undefined, (e: unknown) => e as ImageDecodeError);
    const garbage = await err(new Uint8Array([1, 2, 3, 4, 5]));
    expect(garbage).toBeInstanceOf(ImageDecodeError);
    expect(garbage?.reason).toBe('undecodable');
    expect((await err('/nonexistent/cat.jpg'))?.reason).toBe('undecodable');
    expect((await err(42))?.reason).toBe('unsupported-input');
    expect((await err({ data: new Uint8Array(5), width: 2, height: 2 }))?.reason).toBe('unsupported-input');
    expect((await err({ data: new Uint8Array(4), width: 1 << 15, height: 1 << 15 }))?.reason).toBe('too-large');
    const truncated = readFileSync(DEBIAN_PNG).subarray(0, 200);
    expect((await err(truncated))?.reason).toBe('undecodable');
  });
});
