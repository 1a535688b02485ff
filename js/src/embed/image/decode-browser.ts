/**
 * The browser's image decoder (pages and workers): `createImageBitmap`
 * (unpremultiplied, EXIF orientation applied, colours to sRGB as sharp does)
 * drawn on an `OffscreenCanvas` and read back as RGBA. Canvases store
 * premultiplied alpha, so a pixel with alpha < 255 may differ by rounding
 * from Node's decode, and a fully transparent one reads as black; opaque
 * pixels are exact.
 * @internal
 */
import { describe } from '../../check.js';
import { ImageDecodeError } from '../errors.js';
import { checkPixelCount, isInstance, type ImageInput } from './input.js';
import type { Pixels } from './resample.js';

const BITMAP_OPTIONS: ImageBitmapOptions = { premultiplyAlpha: 'none', colorSpaceConversion: 'default', imageOrientation: 'from-image' };

async function bitmapOf(input: ImageInput, what: string): Promise<ImageBitmap> {
  let source: ImageBitmapSource;
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) source = new Blob([input as BlobPart]);
  else if (isInstance(input, 'HTMLImageElement')) {
    const img = input as HTMLImageElement;
    try {
      await img.decode();
    } catch (cause) {
      throw new ImageDecodeError('undecodable', `${what}: the <img> (${img.src.slice(0, 200)}) cannot be decoded: ${String(cause)}`, { cause });
    }
    source = img;
  } else if (['Blob', 'ImageBitmap', 'HTMLCanvasElement', 'OffscreenCanvas', 'ImageData'].some((c) => isInstance(input, c))) source = input as ImageBitmapSource;
  else if (typeof input === 'string' || input instanceof URL) {
    throw new ImageDecodeError('unsupported-input', `${what}: paths and URLs are read in Node only; in a browser fetch the image and pass the Blob`);
  } else throw new ImageDecodeError('unsupported-input', `${what} is not an image input (Blob, File, ImageBitmap, HTMLImageElement, ImageData, canvas, bytes or pixels): got ${describe(input)}`);
  try {
    return await createImageBitmap(source, BITMAP_OPTIONS);
  } catch (cause) {
    throw new ImageDecodeError('undecodable', `${what} cannot be decoded as an image: ${String(cause)}`, { cause });
  }
}

/** Decodes into RGBA pixels. @throws ImageDecodeError */
export async function decodeInBrowser(input: ImageInput, what: string): Promise<Pixels> {
  const bitmap = await bitmapOf(input, what);
  try {
    const { width, height } = bitmap;
    checkPixelCount(width, height, what);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new ImageDecodeError('unsupported-input', `${what}: no 2D canvas context to read pixels from`);
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    return { width, height, channels: 4, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    if (bitmap !== input) bitmap.close();
  }
}
