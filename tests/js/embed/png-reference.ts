/**
 * A PNG reader for the tests, independent of sharp and of browsers: chunks,
 * zlib (node:zlib), the five scanline filters of the PNG specification
 * (§9, Paeth included). 8-bit grey, RGB and RGBA, non-interlaced only.
 */
import { inflateSync } from 'node:zlib';

export function readPng(bytes: Uint8Array): { width: number; height: number; channels: number; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  while (o < bytes.length) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...bytes.subarray(o + 4, o + 8));
    const body = bytes.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(o + 8);
      height = view.getUint32(o + 12);
      const depth = body[8]!;
      const colour = body[9]!;
      if (depth !== 8 || body[12] !== 0) throw new Error('readPng: 8-bit non-interlaced only');
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colour] ?? 0;
      if (channels === 0) throw new Error(`readPng: colour type ${colour} not handled`);
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[y * stride + x - channels]! : 0;
      const b = y > 0 ? data[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? data[(y - 1) * stride + x - channels]! : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      data[y * stride + x] = (line[x]! + pred) & 255;
    }
  }
  return { width, height, channels, data };
}

/** Drops alpha (Pillow's convert('RGB')) or repeats grey. */
export function rgbOf(p: { width: number; height: number; channels: number; data: Uint8Array }): Uint8Array {
  const n = p.width * p.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = p.data[i * p.channels + (p.channels >= 3 ? c : 0)]!;
  return out;
}
