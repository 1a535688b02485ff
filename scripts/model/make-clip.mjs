#!/usr/bin/env node
// Writes random-weight CLIP model folders in the Hugging Face layout
// (clip-folder.mjs): the tiny test fixture (committed, tests/fixtures/embed/tiny-clip)
// or a model of the real clip-vit-base-patch32 size for speed measurements
// (never committed: about 600 MB).
//
//   node scripts/model/make-clip.mjs                      # tests/fixtures/embed/tiny-clip
//   node scripts/model/make-clip.mjs --real [--out DIR]   # DIR/clip-vit-base-patch32-random (default bench/.cache/models)
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TINY_CLIP, writeClipFolder } from './lib/clip-folder.mjs';
import { CLIP_ARCHITECTURES } from './lib/clip-graph.mjs';
import { writeFolderOnce } from './lib/write-once.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLIP_FILES = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/vision_model.onnx', 'onnx/text_model.onnx'];

/** Writes `arch` into `dir` (beside, then renamed: an interrupted run leaves no half folder); kept when complete unless `force`. */
export function makeClip(dir, arch, force = false) {
  return writeFolderOnce(dir, CLIP_FILES, (tmp) => writeClipFolder(tmp, arch), force);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const o = args.indexOf('--out');
  const t = performance.now();
  let dir;
  if (args.includes('--real')) {
    const out = o >= 0 ? resolve(args[o + 1]) : join(ROOT, 'bench', '.cache', 'models');
    const real = CLIP_ARCHITECTURES['clip-vit-base-patch32'];
    dir = makeClip(join(out, 'clip-vit-base-patch32-random'), real);
  } else {
    dir = makeClip(join(ROOT, 'tests', 'fixtures', 'embed', 'tiny-clip'), TINY_CLIP, true);
  }
  console.log(`make-clip → ${dir} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}
