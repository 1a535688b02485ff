/**
 * Node's image decoder: `sharp` (libvips; JPEG, PNG, WebP, GIF, AVIF, TIFF),
 * an optional peer dependency loaded on first use. Optional because its
 * prebuilt native binaries weigh tens of MB and only Node users who pass
 * encoded images need it (browsers decode natively; pixels need no decoder).
 * @internal
 */
import { describe } from '../../check.js';
import { ImageDecodeError, MAX_IMAGE_PIXELS } from '../errors.js';
import { checkPixelCount, isInstance, type ImageInput } from './input.js';
import type { Pixels } from './resample.js';

/** The part of sharp's API used here (declared locally: sharp is optional, so its types may be absent where this library is compiled against). */
interface SharpPipeline {
  rotate(): SharpPipeline;
  raw(options: { depth: 'uchar' }): SharpPipeline;
  toBuffer(options: { resolveWithObject: true }): Promise<{ data: Uint8Array; info: { width: number; height: number; channels: number } }>;
}
type Sharp = (input: string | Uint8Array, options: { limitInputPixels: number; failOn: 'error' }) => SharpPipeline;
let sharpModule: Promise<Sharp> | undefined;

/** The specifier in a variable: bundlers leave it alone (sharp is for Node only), and TypeScript does not need its types. */
const SHARP = 'sharp';

async function loadSharp(): Promise<Sharp> {
  sharpModule ??= (import(/* @vite-ignore */ /* webpackIgnore: true */ SHARP) as Promise<{ default?: Sharp }>).then((m) => (m.default ?? m) as Sharp);
  try {
    return await sharpModule;
  } catch (cause) {
    sharpModule = undefined;
    throw new ImageDecodeError(
      'decoder-missing',
      `decoding images in Node needs the optional package 'sharp' (npm install sharp), which could not be loaded: ${String(cause)}. ` +
        'Without it, pass pixels ({ data, width, height, channels })',
      { cause },
    );
  }
}

/** The bytes or path sharp reads for `input`. */
async function sourceOf(input: ImageInput, what: string): Promise<string | Uint8Array> {
  if (typeof input === 'string') {
    if (input.length === 0) throw new ImageDecodeError('unsupported-input', `${what} is an empty path`);
    return input;
  }
  if (input instanceof URL) {
    if (input.protocol !== 'file:') throw new ImageDecodeError('unsupported-input', `${what}: only file: URLs are read (got ${input.protocol}); fetch the image and pass its bytes`);
    const { fileURLToPath } = await import('node:url');
    return fileURLToPath(input);
  }
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (isInstance(input, 'Blob')) return new Uint8Array(await (input as Blob).arrayBuffer());
  throw new ImageDecodeError('unsupported-input', `${what} is not an image input in Node (a path, file: URL, Buffer / Uint8Array, ArrayBuffer, Blob, or pixels { data, width, height }): got ${describe(input)}`);
}

/**
 * Decodes with sharp into 8-bit channels (1–4), EXIF orientation applied.
 * @throws ImageDecodeError ('decoder-missing', 'undecodable', 'too-large', 'unsupported-input').
 */
export async function decodeInNode(input: ImageInput, what: string): Promise<Pixels> {
  const src = await sourceOf(input, what);
  const sharp = await loadSharp();
  let out: { data: Uint8Array; info: { width: number; height: number; channels: number } };
  try {
    out = await sharp(src, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate() // EXIF orientation
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (cause) {
    const msg = String((cause as Error)?.message ?? cause);
    const reason = /pixel limit/i.test(msg) ? 'too-large' : 'undecodable';
    const where = typeof src === 'string' ? ` (${src})` : ` (${src.length} bytes)`;
    throw new ImageDecodeError(reason, `${what}${where} cannot be decoded as an image: ${msg}`, { cause });
  }
  const { width, height, channels } = out.info;
  checkPixelCount(width, height, what);
  return { width, height, channels, data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength) };
}
