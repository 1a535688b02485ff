#!/usr/bin/env node
// Writes random-weight BERT encoders of real architectures (MiniLM-L6 as in
// sentence-transformers/all-MiniLM-L6-v2, bge-small as in
// BAAI/bge-small-en-v1.5) as Hugging Face model folders, float32
// onnx/model.onnx and int8 dynamic-quantized onnx/model_quantized.onnx, for
// the embedding bench. Speed does not depend on the weights. Made at bench
// time, never committed (about 110 MB per 6 layers).
//
//   node scripts/model/make-bert.mjs [--out bench/.cache/models] [minilm-l6] [bge-small]
//
// Each folder is written once; a folder whose files are all there is kept.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBertFolder } from './lib/bert-folder.mjs';
import { ARCHITECTURES } from './lib/bert-graph.mjs';
import { writeFolderOnce } from './lib/write-once.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'];

/**
 * Makes (or keeps) the folder of one architecture under `outDir`.
 * @returns {string} the folder
 */
export function makeBert(name, outDir = join(ROOT, 'bench', '.cache', 'models')) {
  const arch = ARCHITECTURES[name];
  if (arch === undefined) throw new Error(`make-bert: unknown architecture ${name}; known: ${Object.keys(ARCHITECTURES).join(', ')}`);
  return writeFolderOnce(join(outDir, `${name}-random`), MODEL_FILES, (tmp) => writeBertFolder(tmp, arch, { seed: name === 'bge-small' ? 2 : 1 }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const o = args.indexOf('--out');
  const out = o >= 0 ? resolve(args.splice(o, 2)[1]) : undefined;
  const names = args.length > 0 ? args : Object.keys(ARCHITECTURES);
  for (const n of names) {
    const t = performance.now();
    const dir = makeBert(n, out);
    console.log(`make-bert: ${n} → ${dir} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
}
