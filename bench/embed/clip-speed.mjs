#!/usr/bin/env node
// Image and text embedding speed of the CLIP embedder in Node (onnxruntime-web,
// WebAssembly, 1 thread), with the tiny test fixture and with a random-weight
// model of the real clip-vit-base-patch32 size (scripts/model/make-clip.mjs
// --real: made once into bench/.cache/models, about 600 MB, never committed).
// Speed does not depend on the weights. Each figure: median of the timed
// calls after one warm-up call; images are 640×480 generated pixels (decode
// excluded: preprocessing + model), texts 'a photo of …' of about 10 tokens.
//
//   node scripts/build.mjs && node bench/embed/clip-speed.mjs [--tiny-only]
import { join } from 'node:path';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIP_ARCHITECTURES } from '../../scripts/model/lib/clip-graph.mjs';
import { makeClip } from '../../scripts/model/make-clip.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { ClipEmbedder } = await import(join(ROOT, 'dist', 'index.js'));

function image(seed) {
  const w = 640;
  const h = 480;
  const data = new Uint8Array(w * h * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) data[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
  return { data, width: w, height: h, channels: 3 };
}

async function median(fn, runs) {
  await fn();
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

async function measure(name, dir, runs) {
  const clip = await ClipEmbedder.create({ modelPath: dir, cache: false, wasm: { numThreads: 1 } });
  const rows = [];
  for (const batch of [1, 8]) {
    const imgs = Array.from({ length: batch }, (_, i) => image(i + 1));
    const ms = await median(() => clip.embedImages(imgs, { batchSize: batch }), runs);
    rows.push({ model: name, what: 'images', batch, ms: +ms.toFixed(1), perS: +((batch * 1000) / ms).toFixed(1) });
  }
  const pre = await median(async () => {
    for (let i = 0; i < 8; i++) await clip.pixelValues(image(i + 1));
  }, runs);
  rows.push({ model: name, what: 'preprocess only (640×480 → the model size)', batch: 8, ms: +pre.toFixed(1), perS: +((8000) / pre).toFixed(1) });
  for (const batch of [1, 32]) {
    const texts = Array.from({ length: batch }, (_, i) => `a photo of a cat number ${i} on the beach at sunset`);
    const ms = await median(() => clip.embed(texts), runs);
    rows.push({ model: name, what: 'texts', batch, ms: +ms.toFixed(1), perS: +((batch * 1000) / ms).toFixed(1) });
  }
  await clip.dispose();
  return rows;
}

/** Multiply-adds of one image through the vision tower (patch conv, attention, MLP, projection). */
function visionMacs(a) {
  const v = a.vision;
  const t = (v.image / v.patch) ** 2 + 1;
  const conv = (t - 1) * v.hidden * 3 * v.patch * v.patch;
  const perLayer = t * (4 * v.hidden * v.hidden + 2 * v.hidden * v.mlp) + 2 * t * t * v.hidden;
  return conv + v.layers * perLayer + v.hidden * a.projection;
}

const rows = await measure('tiny-clip (fixture)', join(ROOT, 'tests', 'fixtures', 'embed', 'tiny-clip'), 20);
const real = CLIP_ARCHITECTURES['clip-vit-base-patch32'];
console.log(`vision multiply-adds per image: clip-vit-base-patch32 ${(visionMacs(real) / 1e9).toFixed(2)} G`);
if (!process.argv.includes('--tiny-only')) {
  const t = performance.now();
  const dir = makeClip(join(ROOT, 'bench', '.cache', 'models', 'clip-vit-base-patch32-random'), real);
  console.log(`model ready in ${((performance.now() - t) / 1000).toFixed(0)} s: ${dir}`);
  rows.push(...(await measure('clip-vit-base-patch32 size, random weights', dir, 5)));
}
console.table(rows);
