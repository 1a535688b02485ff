/**
 * Images in Chromium, offline: the tiny random CLIP and the images are
 * served beside the test page. The page's decoder (createImageBitmap +
 * OffscreenCanvas) and preprocessing must give Node's pixel_values — equal
 * for PNGs (lossless), and for a generated PNG equal to the independent
 * reference preprocessing of its known pixels — and the same vectors; an
 * image database on the page and in a module Worker ranks text → image and
 * image → image as the brute force over its own stored vectors.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ClipEmbedder } from '../../js/src/embed/index.js';
import { referencePreprocess } from '../js/embed/clip-reference.js';
import { DEBIAN_JPEG, DEBIAN_PNG, makeImage } from '../js/embed/image-fixtures.js';
import { buildTestApp, gotoApp, hasChromium, launch, removeBuild, root, serve, SKIP_REASON, spec, type Browser } from './harness.js';

const TINY_CLIP = join(root, 'tests', 'fixtures', 'embed', 'tiny-clip');
const FOLDER_PNG = '/usr/share/icons/Adwaita/512x512/places/folder-pictures.png';
const GENERATED = makeImage(50, 40, 11);
const NAMES = ['generated.png', 'debian-logo.png', 'folder.png', 'stripe.jpg'];
const TEXTS = ['a photo of a cat', 'red car at sunset'];

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Infinity;
}
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe.skipIf(!hasChromium)(hasChromium ? 'Chromium: images with CLIP' : `Chromium: images with CLIP (${SKIP_REASON})`, () => {
  let site: string;
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  let node: ClipEmbedder;
  const files: Record<string, Buffer> = {};

  beforeAll(async () => {
    files['generated.png'] = await sharp(GENERATED.rgb, { raw: { width: GENERATED.width, height: GENERATED.height, channels: 3 } }).png().toBuffer();
    files['debian-logo.png'] = readFileSync(DEBIAN_PNG);
    files['folder.png'] = readFileSync(FOLDER_PNG);
    files['stripe.jpg'] = readFileSync(DEBIAN_JPEG);
    site = await buildTestApp();
    cpSync(TINY_CLIP, join(site, 'tiny-clip'), { recursive: true });
    mkdirSync(join(site, 'img'));
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(site, 'img', name), bytes);
    server = await serve(site);
    browser = await launch(server.origin);
    await gotoApp(browser.page, `${server.origin}/`);
    node = await ClipEmbedder.create({ modelPath: TINY_CLIP });
  });
  afterAll(async () => {
    await node?.dispose();
    await browser?.close();
    await server?.close();
    if (site !== undefined) await removeBuild(site);
  });

  test("the page's pixel_values and vectors equal Node's (PNG exactly; the JPEG's decoders to a few levels)", async () => {
    const base = `${server.origin}/`;
    const r = await spec<{ dim: number; digest: string; pixels: number[][]; images: number[][]; texts: number[][]; formsAgree: number[]; badImage: string }>(
      browser.page, 'clipVectors', base, NAMES, TEXTS,
    );
    expect(r.dim).toBe(16);
    expect(r.digest).toBe(node.info.digest);
    // the generated PNG: the reference preprocessing of its known pixels (one byte of rounding allowed in ≤ 0.2% of values)
    const ref = referencePreprocess(GENERATED, 32).pixels;
    const off = r.pixels[0]!.filter((v, i) => Math.abs(v - ref[i]!) > 1e-5).length;
    expect(off / ref.length).toBeLessThanOrEqual(0.002);
    for (const [i, name] of NAMES.entries()) {
      const nodePixels = await node.pixelValues(files[name]!);
      const d = maxDiff(r.pixels[i]!, nodePixels);
      // PNGs decode to the same bytes everywhere (opaque pixels; the two RGBA icons' transparent pixels are
      // black in a canvas, so those compare only where opaque: checked through the vectors below)
      if (name === 'generated.png') expect(d, name).toBeLessThan(1e-5);
      else if (name === 'stripe.jpg') expect(d, name).toBeLessThan(0.2); // JPEG decoders may differ by a few levels
    }
    const nodeImages = await node.embedImages(NAMES.map((n) => files[n]!));
    expect(maxDiff(r.images[0]!, nodeImages[0]!)).toBeLessThan(1e-5);
    expect(dot(r.images[3]!, Array.from(nodeImages[3]!))).toBeGreaterThan(0.99);
    const nodeTexts = await node.embed(TEXTS);
    TEXTS.forEach((_, i) => expect(maxDiff(r.texts[i]!, nodeTexts[i]!)).toBeLessThan(1e-5));
    // Blob, File, ImageBitmap, <img>, ImageData, OffscreenCanvas, bytes of one image: one vector
    expect(r.formsAgree.every((d) => d < 1e-6)).toBe(true);
    expect(r.badImage).toBe('ImageDecodeError undecodable');
    expect(browser.offsite).toEqual([]);
    expect(browser.errors).toEqual([]);
  });

  for (const inWorker of [false, true]) {
    test(`an image database ${inWorker ? 'in a module Worker' : 'on the page'}: every form inserted; text → image and image → image rank as brute force`, async () => {
      const r = await spec<{
        size: number;
        progress: string[];
        vectors: Record<string, number[]>;
        text: { id: string; score: number }[];
        image: { id: string; score: number }[];
        bad: string;
        textOnly: string;
        element?: string;
      }>(browser.page, 'imageDb', `${server.origin}/`, NAMES, inWorker);
      expect(r.size).toBe(NAMES.length);
      expect(r.progress).toEqual([`embed 4/4`, `insert 4/4`]);
      const [q] = await node.embed(['a photo of a cat']);
      const rank = (v: number[]) => NAMES.map((n) => [n, dot(v, r.vectors[n]!)] as const).sort((a, b) => b[1] - a[1]).map(([n]) => n);
      expect(r.text.map((h) => h.id)).toEqual(rank(Array.from(q!)));
      expect(r.image[0]).toMatchObject({ id: 'debian-logo.png' });
      expect(r.image[0]!.score).toBeGreaterThan(1 - 1e-5);
      expect(r.image.map((h) => h.id)).toEqual(rank(r.vectors['debian-logo.png']!));
      // the generated PNG's stored vector is Node's
      const [gen] = await node.embedImages([files['generated.png']!]);
      expect(maxDiff(r.vectors['generated.png']!, gen!)).toBeLessThan(1e-5);
      expect(r.bad).toBe('ImageDecodeError undecodable items[0].image');
      expect(r.textOnly).toBe('ImagesUnsupportedError');
      if (inWorker) expect(r.element).toMatch(/^items\[0\]\.image is an HTMLImageElement, which cannot be sent to a worker: pass await createImageBitmap/);
      expect(browser.offsite).toEqual([]);
    });
  }
});
