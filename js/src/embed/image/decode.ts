/**
 * Any {@link ImageInput} → 8-bit pixels: pixel arrays directly, everything
 * else through the platform's decoder, Node's (`decode-node.ts`, sharp)
 * or the browser's (`decode-browser.ts`, createImageBitmap + OffscreenCanvas),
 * each loaded on first use so neither reaches the other's bundle.
 * EXIF orientation is applied (as transformers' `load_image` does); an
 * embedded colour profile other than sRGB is converted to sRGB by both
 * decoders (Pillow, which the models were trained with, would ignore it).
 * @internal
 */
import { isNode } from '../../platform.js';
import { ImageDecodeError } from '../errors.js';
import { isRawImage, rawPixels, type ImageInput } from './input.js';
import type { Pixels } from './resample.js';

/**
 * Decodes one image.
 * @param what - names the input in messages, e.g. `items[3].image`.
 * @throws ImageDecodeError when it is not an image input or cannot be decoded.
 */
export async function decodeImage(input: ImageInput, what: string): Promise<Pixels> {
  if (isRawImage(input)) return rawPixels(input, what);
  if (isNode()) {
    const { decodeInNode } = await import('./decode-node.js');
    return decodeInNode(input, what);
  }
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') {
    throw new ImageDecodeError('unsupported-input', `${what}: this runtime has no createImageBitmap / OffscreenCanvas to decode images; pass pixels ({ data, width, height })`);
  }
  const { decodeInBrowser } = await import('./decode-browser.js');
  return decodeInBrowser(input, what);
}
