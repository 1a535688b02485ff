/**
 * What counts as an image input, told apart from vectors and texts without
 * touching its pixels, and its pixel-array forms read directly.
 * @internal
 */
import { ImageDecodeError, MAX_IMAGE_PIXELS } from '../errors.js';
import type { HostCanvasElement, HostImageBitmap, HostImageData, HostImageElement, HostOffscreenCanvas } from '../../host-types.js';
import type { Pixels } from './resample.js';

/**
 * An 8-bit image given as pixels: `width · height · channels` values,
 * row-major, channels interleaved (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA).
 * `ImageData` is one (channels 4).
 */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** @defaultValue `data.length / (width · height)` */
  channels?: 1 | 2 | 3 | 4;
}

/**
 * An image, as users have it:
 * - everywhere: {@link RawImage} / `ImageData` (pixels), encoded bytes
 *   (`Uint8Array`, Node `Buffer`, `ArrayBuffer`) of a JPEG, PNG, WebP (GIF,
 *   AVIF: what the decoder reads; the first frame);
 * - in browsers and workers: `Blob` / `File`, `ImageBitmap`,
 *   `HTMLImageElement` (page only), `HTMLCanvasElement`, `OffscreenCanvas`;
 * - in Node: a file path (`string`) or `file:` `URL`, a `Blob`.
 * As a search query, or wherever a bare value could be a vector or a text
 * (`Uint8Array`, path strings), wrap it: `{ image: input }`.
 */
export type ImageInput =
  | RawImage
  | HostImageData
  | Uint8Array
  | ArrayBuffer
  | Blob
  | HostImageBitmap
  | HostImageElement
  | HostCanvasElement
  | HostOffscreenCanvas
  | string
  | URL;

/** An image query: `{ image }` (always an image), or a bare image object that cannot be a vector or a text. */
export type ImageQuery = { image: ImageInput };

const ctor = (name: string): (abstract new (...a: never[]) => unknown) | undefined => {
  const c = (globalThis as Record<string, unknown>)[name];
  return typeof c === 'function' ? (c as abstract new (...a: never[]) => unknown) : undefined;
};

/** True for an instance of a platform class (Blob, ImageBitmap, …) that exists here. */
export function isInstance(x: unknown, name: string): boolean {
  const c = ctor(name);
  return c !== undefined && x instanceof c;
}

const BROWSER_IMAGE_CLASSES = ['Blob', 'ImageBitmap', 'ImageData', 'HTMLImageElement', 'HTMLCanvasElement', 'OffscreenCanvas'];

/** True for `{ data, width, height }` with a byte array (ImageData, or pixels built by hand). */
export function isRawImage(x: unknown): x is RawImage {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Partial<RawImage>;
  return (r.data instanceof Uint8Array || r.data instanceof Uint8ClampedArray) && typeof r.width === 'number' && typeof r.height === 'number';
}

/**
 * The image of a query, when it is one: `{ image }`, a platform image object
 * (Blob, ImageBitmap, ImageData, img, canvas) or a {@link RawImage}; else
 * undefined (a text or a vector).
 */
export function imageOfQuery(q: unknown): ImageInput | undefined {
  if (typeof q !== 'object' || q === null || Array.isArray(q) || ArrayBuffer.isView(q)) return undefined;
  if (Object.hasOwn(q, 'image') && Object.keys(q).length === 1) return (q as ImageQuery).image;
  if (BROWSER_IMAGE_CLASSES.some((c) => isInstance(q, c)) || isRawImage(q)) return q as ImageInput;
  return undefined;
}

/** Checks a pixel count in 64-bit-safe arithmetic (float64 holds width · height exactly for sides < 2^26). */
export function checkPixelCount(width: number, height: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageDecodeError('undecodable', `${what} has size ${width}×${height}; width and height must be positive integers`);
  }
  if (width > 2 ** 26 || height > 2 ** 26 || width * height > MAX_IMAGE_PIXELS) {
    throw new ImageDecodeError('too-large', `${what} has ${width}×${height} pixels, more than the limit ${MAX_IMAGE_PIXELS}`);
  }
}

/** Pixels of a {@link RawImage} (copied: the caller may change its array later). */
export function rawPixels(r: RawImage, what: string): Pixels {
  checkPixelCount(r.width, r.height, what);
  const n = r.width * r.height;
  const channels = r.channels ?? r.data.length / n;
  if (![1, 2, 3, 4].includes(channels)) {
    throw new ImageDecodeError('unsupported-input', `${what}: ${r.data.length} bytes for ${r.width}×${r.height} pixels is not 1, 2, 3 or 4 channels`);
  }
  if (r.data.length !== n * channels) throw new ImageDecodeError('unsupported-input', `${what}: ${r.data.length} bytes, expected ${n * channels} (${r.width}×${r.height}×${channels})`);
  return { width: r.width, height: r.height, channels, data: new Uint8Array(r.data) };
}
